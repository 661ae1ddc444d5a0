"""One Pagefind bundle from pages given in order, through Pagefind's indexing service (`pagefind --service`).

Pagefind numbers pages in the order it receives them. Run over a folder (`--site`), it takes them in
the order the file system lists them, which differs between file systems (ext4 lists by a hash seeded
per file system, tmpfs in order of creation), so the same pages made different bundles on two machines.
Through the service they go in the order given, sorted by the caller.

The service's protocol: each message is JSON, base64-encoded and ended by a comma, on stdin and stdout;
the service answers each in turn. The `pagefind.index` client of the `pagefind` package waits 0.1 s
before reading each answer (17 minutes for 10,000 pages), so this module speaks the protocol itself.
It asks for the bundle's files (`GetFiles`) and writes them, as the service's own writing can lose them."""
from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

IN_FLIGHT = 16          # pages sent ahead of the answers read: Pagefind reads them while one is parsed


@dataclass(frozen=True)
class Page:
    """One page for the index: its address on the site and its HTML."""

    url: str             # "/articles/2025/06/23/slug/"
    source: str          # its path in the output, named in Pagefind's messages
    html: str


class ServiceFailed(Exception):
    """Pagefind stopped or refused a request; `reason` is the line of its output that says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ServiceTimedOut(Exception):
    """Pagefind did not finish within the time limit and was stopped."""


class ServiceNotStarted(Exception):
    """Pagefind's program could not be run; `reason` is the system's word for it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def write_index(executable: Path, pages: Iterable[Page], bundle: Path, *, language: str | None,
                timeout: float) -> None:
    """Index `pages` in their order and write the bundle to `bundle`, stopping Pagefind (and anything it
    started) after `timeout` seconds. What the pages' iterator raises, and an OSError writing the
    bundle, are raised as they are."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
        except OSError as error:
            raise ServiceNotStarted(error.strerror or str(error)) from None
        expired = threading.Event()
        watchdog = threading.Timer(timeout, _stop, (process, expired))
        watchdog.daemon = True
        watchdog.start()
        told: str | None = None              # why it failed, if it did: "" when its own output says why
        try:
            _Session(process).run(pages, bundle, language)
            process.wait()
        except ServiceFailed as error:       # an error answer, or its output ended
            told = error.reason
        except BrokenPipeError:              # its input closed: it stopped
            told = ""
        finally:
            watchdog.cancel()
            _stop(process, None)
            process.wait()
            _close(process)
        if expired.is_set():
            raise ServiceTimedOut()
        if told is not None or process.returncode != 0:
            raise ServiceFailed(_reason(_read(errors), told or "", process.returncode))


class _Session:
    """The messages of one index: its creation, the pages, the writing of the bundle."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._input: IO[bytes] = process.stdin
        self._output: IO[bytes] = process.stdout
        self._sent = 0
        self._answered = 0
        self._buffer = bytearray()
        self._scanned = 0                # how much of the buffer holds no comma

    def run(self, pages: Iterable[Page], bundle: Path, language: str | None) -> None:
        self._send({"type": "NewIndex", "config": {"force_language": language} if language else None})
        index = self._answer("NewIndex").get("index_id")
        for page in pages:
            self._send({"type": "AddFile", "index_id": index, "file_path": page.source, "url": page.url,
                        "file_contents": page.html})
            if self._sent - self._answered > IN_FLIGHT:
                self._answer("IndexedFile")
        while self._answered < self._sent:
            self._answer("IndexedFile")
        self._send({"type": "GetFiles", "index_id": index})
        _store(bundle, self._answer("GetFiles").get("files"))
        self._input.close()              # the service ends when its input does

    def _send(self, payload: dict[str, Any]) -> None:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}, ensure_ascii=False)
        self._input.write(base64.b64encode(message.encode("utf-8")) + b",")
        self._input.flush()

    def _answer(self, expected: str) -> dict[str, Any]:
        """The next answer, which must be to the oldest message not yet answered."""
        while (end := self._buffer.find(b",", self._scanned)) < 0:
            self._scanned = len(self._buffer)
            chunk = os.read(self._output.fileno(), 1 << 20)
            if not chunk:
                raise ServiceFailed("")         # it stopped: its own output says why
            self._buffer += chunk
        message = bytes(self._buffer[:end])
        del self._buffer[:end + 1]
        self._scanned = 0
        try:
            answer = json.loads(base64.b64decode(message))
        except ValueError:
            raise ServiceFailed("Pagefind gave an answer site_builder does not know") from None
        self._answered += 1
        payload = answer.get("payload") if isinstance(answer, dict) else None
        if not isinstance(payload, dict):
            raise ServiceFailed("Pagefind gave an answer site_builder does not know")
        if payload.get("type") == "Error":
            raise ServiceFailed(f"Error: {payload.get('message') or 'unknown'}")
        if payload.get("type") != expected or answer.get("message_id") != self._answered:
            raise ServiceFailed("Pagefind gave an answer site_builder does not know")
        return payload


def _store(bundle: Path, files: Any) -> None:
    """Write the bundle's files (`[{"path": "fragment/….pf_fragment", "content": base64}, …]`) to `bundle`.

    Pagefind's own writing (`WriteFiles`) hands the last bytes of a file to a background thread and
    answers before they are written; the service then ends, with them unwritten, when its input does."""
    if not isinstance(files, list) or not all(isinstance(f, dict) and isinstance(f.get("path"), str)
                                              and isinstance(f.get("content"), str) for f in files):
        raise ServiceFailed("Pagefind gave an answer site_builder does not know")
    for file in sorted(files, key=lambda f: f["path"]):
        relative = PurePosixPath(file["path"])
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ServiceFailed(f"Pagefind named a file outside its bundle: {file['path']}")
        try:
            data = base64.b64decode(file["content"], validate=True)
        except ValueError:
            raise ServiceFailed("Pagefind gave an answer site_builder does not know") from None
        target = bundle.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:
            out.write(data)


def _stop(process: subprocess.Popen[bytes], expired: threading.Event | None) -> None:
    """Kill Pagefind and what it started (a wrapper script's children); mark the time limit passed."""
    if process.poll() is not None:
        return
    if expired is not None:
        expired.set()
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:                                        # pragma: no cover - Windows
            process.kill()
    except OSError:
        pass


def _close(process: subprocess.Popen[bytes]) -> None:
    for stream in (process.stdin, process.stdout):
        try:
            if stream:
                stream.close()
        except OSError:                                  # what was left to send had nowhere to go
            pass


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read(1 << 20).decode("utf-8", "replace")


def _reason(errors: str, told: str, status: int | None) -> str:
    """The line that says what went wrong: an answer's error, else the line of Pagefind's own output that
    says it (a panic's message, an error)."""
    lines = [line.strip() for line in errors.splitlines() if line.strip()]
    telling = [line for line in lines if not line.startswith(("thread '", "stack backtrace", "note:"))]
    stopped = f"exit status {status}" if status else "it stopped before writing the index"
    reason = told or (telling or lines or [stopped])[0]
    return reason if len(reason) <= 300 else reason[:300] + "…"
