"""One build at a time per site and per output folder.

A build holds an `fcntl.flock` on two lock files: the site's (`build.lock` in its cache folder) and
the output folder's (`<output>.staging-lock` beside it, never inside it, so never published). The
holder removes each file before it lets go, so nothing stays behind; a build that took the lock of a
file removed meanwhile opens the new one. The system releases a lock when its holder dies, however
it dies, so a lock left by a killed build is simply taken. What the holder writes in the file (its
process id, command and start) is only shown to a build that waits; nothing is decided on it.
"""
from __future__ import annotations

import errno
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import fail

SITE_LOCK = "build.lock"
OUTPUT_LOCK = ".staging-lock"      # after the output folder's name, beside it (`recover` leaves files alone)
POLL = 0.1                              # seconds between two tries of a held lock
SHOWN = 300                             # characters of the holder's text shown at most


@dataclass(frozen=True)
class LockWait:
    """How a build waits for another: `timeout` seconds at most (None: until it ends); `say` is
    told once, with a located note naming the holder, when the build has to wait."""

    timeout: float | None = None
    say: Callable[[str], None] | None = None


def output_lock_file(output: Path) -> Path:
    return output.with_name(output.name + OUTPUT_LOCK)


@contextmanager
def build_lock(cache: Path, output: Path, wait: LockWait = LockWait()) -> Iterator[None]:
    """Hold the site's and the output folder's locks (in that order, so two builds never wait on
    each other) while the block runs."""
    with ExitStack() as held:
        for path in (cache / SITE_LOCK, output_lock_file(output)):
            descriptor = _acquire(path, output, wait)
            if descriptor is not None:
                held.callback(_release, descriptor, path)
        yield


def _acquire(path: Path, output: Path, wait: LockWait) -> int | None:
    """The lock file's descriptor, locked by this build; None where it cannot be made."""
    while True:
        descriptor = _open(path)
        if descriptor is None:
            return None
        try:
            _take(descriptor, path, output, wait)
            if _is_at(descriptor, path):          # not a file its holder removed while this build waited
                _tell(descriptor)
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)


def _release(descriptor: int, path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
    os.close(descriptor)


def _is_at(descriptor: int, path: Path) -> bool:
    try:
        return os.stat(path, follow_symlinks=False).st_ino == os.fstat(descriptor).st_ino
    except OSError:
        return False


def _open(path: Path) -> int | None:
    """The lock file, opened without following a link; None where it cannot be made (a read-only
    folder: the build reports that itself when it writes there)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise fail(str(path), None, "the build's lock file is a symbolic link",
                       "remove it; site_builder makes it again") from None
        return None


def _take(descriptor: int, path: Path, output: Path, wait: LockWait) -> None:
    deadline = None if wait.timeout is None else time.monotonic() + wait.timeout
    told = False
    while not _try_lock(descriptor):
        holder = _holder(descriptor)
        if deadline is not None and time.monotonic() >= deadline:
            raise fail(str(output), None, f"another build is using this output folder or site ({holder}; "
                       f"lock {path}) and did not end within {wait.timeout:g} s",
                       "wait for it to end or stop it, then build again, or give a longer --lock-timeout")
        if not told and wait.say is not None:
            wait.say(f"{output}: another build is using this output folder or site ({holder}); "
                     f"waiting for it to end (stop it, or give --lock-timeout SECONDS to give up)")
            told = True
        time.sleep(POLL)


def _tell(descriptor: int) -> None:
    """Say who holds the lock, for a build that waits."""
    os.ftruncate(descriptor, 0)
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    os.pwrite(descriptor, f"pid {os.getpid()}, command {' '.join(sys.argv)!r}, since {started}\n".encode(), 0)


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(descriptor: int) -> str:
    """What the holder wrote about itself, as text to show (it may be half written or anything)."""
    try:
        text = os.pread(descriptor, SHOWN, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return " ".join(text.split()) or "a build that has not said which"
