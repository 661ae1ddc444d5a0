"""Edit-to-reload latency of `site-builder serve`, as an archivist experiences it.

    python benchmarks/serve.py                     # a 1,000-article archive, 10 edits
    python benchmarks/serve.py --size 10000 --edits 20
    python benchmarks/serve.py --site path/to/site # an existing site instead of a generated one
    python benchmarks/serve.py --gap 20            # saves far apart: the search index refresh is mostly done

Starts the preview server on a free port of 127.0.0.1, waits for its first build, opens the
live-reload socket an open page would open, then saves one article again and again: the
latency of a round is the time from just after the save to the arrival of the "reload"
message. The full build that follows a preview sends a second reload; its latency is shown
too. The archive is generated once into benchmarks/work/ (git-ignored), as in run.py.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from tornado.websocket import WebSocketClientConnection, websocket_connect

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import archive  # noqa: E402

HOST = "127.0.0.1"
START_TIMEOUT = 600.0      # seconds for the first build of a large archive
ROUND_TIMEOUT = 300.0      # seconds from a save to its reload, and to the end of its full build
GAP = 1.0                  # seconds of calm after each round's full build, so that rounds never merge
HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
MARKER = re.compile(r"(?:\n+<!-- serve-edit [^\n]* -->)+\n*\Z")
BUILD_DONE = re.compile(r"^(built|recovered|build failed)\b")


@dataclass(frozen=True)
class Round:
    """One save: seconds to the first reload and to the last one (the full build's), and how many came."""

    reload: float
    settled: float
    reloads: int


@dataclass(frozen=True)
class Target:
    """The article edited: its file, its original text, the URL paths of its page and of the home page."""

    file: Path
    original: str
    url: str
    home: str


class ServerLog(threading.Thread):
    """Reads the server's output so that its pipe never fills; keeps the last lines and counts finished builds."""

    def __init__(self, stream: Iterator[str], keep: int = 40) -> None:
        super().__init__(name="serve-log", daemon=True)
        self.stream = stream
        self.lines: deque[str] = deque(maxlen=keep)
        self.builds = 0
        self.failures = 0
        self.changed = threading.Condition()

    def run(self) -> None:
        for line in self.stream:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                done = BUILD_DONE.match(line)
                self.builds += bool(done)
                self.failures += bool(done and done.group(1) == "build failed")
                self.changed.notify_all()

    def tail(self) -> str:
        with self.changed:
            return "\n".join(self.lines) or "(no output)"

    def wait_builds(self, count: int, timeout: float) -> bool:
        """True once `count` builds have finished, False after `timeout` seconds."""
        with self.changed:
            return self.changed.wait_for(lambda: self.builds >= count, timeout)


class ServeFailed(RuntimeError):
    """The server did not start, did not reload or did not serve the edit."""


# -- the server --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(site: Path, port: int) -> tuple[subprocess.Popen[str], ServerLog]:
    """`site-builder serve` in its own process group, its output read by a ServerLog."""
    command = [sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", str(port),
               "--host", HOST]
    process = subprocess.Popen(command, cwd=HERE.parent, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    log = ServerLog(process.stdout or iter(()))      # always a pipe: stdout=PIPE
    log.start()
    return process, log


def stop_server(process: subprocess.Popen[str], log: ServerLog) -> None:
    """Ctrl+C to the server alone, then SIGTERM and SIGKILL to its whole process group.

    The first signal goes to the server only: its search indexer runs in the same group, and a
    Ctrl+C that also reaches the indexer can keep the server from exiting.
    """
    steps = ((os.kill, signal.SIGINT, 15.0), (os.killpg, signal.SIGTERM, 5.0), (os.killpg, signal.SIGKILL, 5.0))
    for send, sig, grace in steps:
        if process.poll() is not None:
            break
        try:
            send(process.pid, sig)
            process.wait(grace)
            break
        except ProcessLookupError:
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(process.pid, signal.SIGTERM)      # anything the server started and left behind
    except OSError:                                 # nothing left
        pass
    log.join(5.0)


@contextmanager
def running_server(site: Path, port: int) -> Iterator[ServerLog]:
    process, log = start_server(site, port)
    try:
        yield log
    finally:
        stop_server(process, log)


def fetch(url: str, timeout: float = 10.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8", errors="replace")


def wait_until_served(url: str, log: ServerLog, timeout: float = START_TIMEOUT) -> float:
    """Poll `url` until it answers; the seconds it took. Fails when the server exits or times out."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            fetch(url, timeout=5.0)
            return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if not log.is_alive():          # the output ended: the server has exited
                raise ServeFailed(f"the server exited before serving {url}:\n{log.tail()}") from None
            time.sleep(0.5)
    raise ServeFailed(f"{url} not served after {timeout:.0f} s:\n{log.tail()}")


# -- the article -------------------------------------------------------------------------------
def pick_article(site: Path) -> Target:
    """The first article file (sorted by path) that builds a page, and where that page is served."""
    from site_builder.content.articles import parse_article
    from site_builder.core.config import load_config
    config = load_config(site)
    zone = ZoneInfo(config.timezone)
    for file in sorted((site / config.paths.content).rglob("*.md")):
        text = file.read_text(encoding="utf-8")
        article = parse_article(file, file.relative_to(site).as_posix(), zone, MARKER.sub("\n", text)).article
        if article is not None and not article.draft:
            return Target(file, text, config.base_path + article.url_path, config.base_path)
    raise ServeFailed(f"no article with a page in {site}")


def marked(text: str, token: str) -> str:
    """The text with its marker line (if any) replaced by one naming `token`."""
    return MARKER.sub("", text.rstrip("\n")) + f"\n\n<!-- serve-edit {token} -->\n"


# -- the rounds --------------------------------------------------------------------------------
class Reloads:
    """The live-reload socket of an open page; messages are stamped as they arrive."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[float, dict | None]] = asyncio.Queue()
        self.connection: WebSocketClientConnection | None = None

    def _arrived(self, message: str | bytes | None) -> None:
        stamp = time.perf_counter()
        try:
            parsed = json.loads(message) if message is not None else None
        except ValueError:
            parsed = {"command": "?", "raw": str(message)}
        self.queue.put_nowait((stamp, parsed))

    async def connect(self, port: int, page: str) -> None:
        """Connect and shake hands as livereload.js does: hello, the server's hello, then info."""
        self.connection = await websocket_connect(f"ws://{HOST}:{port}/livereload", connect_timeout=30,
                                                  on_message_callback=self._arrived)
        self.connection.write_message(json.dumps(HELLO))
        await self.next("hello", 30.0)
        self.connection.write_message(json.dumps({"command": "info", "plugins": {}, "url": page}))

    async def next(self, command: str, timeout: float) -> float:
        """The arrival time of the next message with `command`; other messages are skipped."""
        deadline = time.perf_counter() + timeout
        while True:
            stamp, message = await asyncio.wait_for(self.queue.get(), max(0.0, deadline - time.perf_counter()))
            if message is None:
                raise ServeFailed("the live-reload socket was closed by the server")
            if message.get("command") == command:
                return stamp

    def drain(self) -> list[float]:
        """Arrival times of the reloads waiting in the queue; the queue is emptied."""
        stamps = []
        while not self.queue.empty():
            stamp, message = self.queue.get_nowait()
            if message is None:
                raise ServeFailed("the live-reload socket was closed by the server")
            if message.get("command") == "reload":
                stamps.append(stamp)
        return stamps

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


async def first_reload(reloads: Reloads, deadline: float, failures: int, log: ServerLog, file: Path) -> float:
    """The arrival time of the first reload; fails as soon as the build fails or the server exits."""
    while True:
        try:
            return await reloads.next("reload", 0.5)
        except TimeoutError:
            if log.failures > failures:
                raise ServeFailed(f"the build failed after saving {file}:\n{log.tail()}") from None
            if not log.is_alive():
                raise ServeFailed(f"the server exited after saving {file}:\n{log.tail()}") from None
            if time.perf_counter() > deadline:
                raise ServeFailed(f"no reload {ROUND_TIMEOUT:.0f} s after saving {file}:\n{log.tail()}") from None


async def one_round(reloads: Reloads, target: Target, token: str, log: ServerLog, gap: float) -> Round:
    """Save the article with a new marker; time its reload, then wait for its full build and some calm."""
    builds, failures = log.builds, log.failures
    target.file.write_text(marked(target.original, token), encoding="utf-8")
    saved = time.perf_counter()
    first = await first_reload(reloads, saved + ROUND_TIMEOUT, failures, log, target.file)
    done = await asyncio.to_thread(log.wait_builds, builds + 1, ROUND_TIMEOUT)
    if not done:
        raise ServeFailed(f"the build after saving {target.file} did not finish:\n{log.tail()}")
    await asyncio.sleep(gap)
    later = reloads.drain()
    return Round(first - saved, max([first, *later]) - saved, 1 + len(later))


async def edit_rounds(port: int, target: Target, edits: int, log: ServerLog,
                      gap: float = GAP) -> tuple[list[Round], str]:
    """`edits` rounds over one socket; the rounds and the last marker written."""
    reloads = Reloads()
    try:
        await reloads.connect(port, f"http://{HOST}:{port}{target.url}")
        await asyncio.sleep(gap)
        reloads.drain()
        nonce = secrets.token_hex(4)
        rounds = [await one_round(reloads, target, f"{nonce}-{n}", log, gap) for n in range(edits)]
        return rounds, f"{nonce}-{edits - 1}"
    finally:
        reloads.close()


def check_served(port: int, target: Target, token: str, log: ServerLog) -> None:
    """The article's page, fetched as a browser would after the reload, shows the last edit."""
    url = f"http://{HOST}:{port}{target.url}"
    try:
        page = fetch(url)
    except urllib.error.URLError as error:
        raise ServeFailed(f"{url}: {error}\n{log.tail()}") from None
    if f"serve-edit {token}" not in page:
        raise ServeFailed(f"{url} does not show the last edit (marker {token}):\n{log.tail()}")


def serve_rounds(site: Path, edits: int = 10, port: int | None = None, gap: float = GAP) -> list[Round]:
    """Start `serve` on `site`, time `edits` saves of one article, stop it and restore the article.

    Each round ends `gap` seconds after its full build. The search index the server refreshes
    after every build is not waited for: with a short gap it runs during the next rounds, as it
    does while an archivist saves again and again.
    """
    if edits < 1:
        raise ValueError("edits must be at least 1")
    site = site.resolve()
    port = port or free_port()
    target = pick_article(site)
    try:
        with running_server(site, port) as log:
            seconds = wait_until_served(f"http://{HOST}:{port}{target.home}", log)
            print(f"first build served after {seconds:.1f} s", file=sys.stderr)
            rounds, token = asyncio.run(edit_rounds(port, target, edits, log, gap))
            check_served(port, target, token, log)
            return rounds
    finally:
        target.file.write_text(target.original, encoding="utf-8")


def serve_edit_latency(site: Path, edits: int = 10, port: int | None = None, gap: float = GAP) -> list[float]:
    """Seconds from each save of one article to the "reload" message reaching an open page."""
    return [r.reload for r in serve_rounds(site, edits, port, gap)]


# -- report ------------------------------------------------------------------------------------
def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p90 = statistics.quantiles(ms, n=10, method="inclusive")[-1] if len(ms) > 1 else ms[0]
    return (f"{name:>18}  p50 {statistics.median(ms):7.0f} ms  p90 {p90:7.0f} ms  "
            f"min {ms[0]:7.0f} ms  max {ms[-1]:7.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="articles in the generated archive")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--site", type=Path, help="an existing site to measure instead of a generated archive")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--gap", type=float, default=GAP,
                        help="seconds between a round's full build and the next save (default: %(default)s)")
    args = parser.parse_args()
    site = args.site or archive(args.size, args.seed)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))    # stop the server and restore the article
    try:
        rounds = serve_rounds(site, args.edits, args.port, args.gap)
    except ServeFailed as error:
        raise SystemExit(f"serve benchmark failed: {error}") from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    print(f"{site}: {len(rounds)} edits of one article")
    print(summary("save → reload", [r.reload for r in rounds]))
    print(summary("save → last reload", [r.settled for r in rounds]))
    print(f"{'reloads per save':>18}  {', '.join(str(r.reloads) for r in rounds)}")


if __name__ == "__main__":
    main()
