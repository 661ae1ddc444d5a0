"""Watch the site's inputs: snapshots of every file, and a thread that turns a burst of changes into one call."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ..core.walk import walk_inputs

QUIET = 0.1            # seconds without changes before a burst becomes one build


MIN_POLL = 0.05        # seconds between scans of a small site


POLL_COST = 10         # larger trees are scanned less often: at most 1/POLL_COST of a core


IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp")


Snapshot = dict[str, tuple[int, int, int, int]]     # path -> (mtime_ns, size, inode, ctime_ns)


# -- watch -----------------------------------------------------------------------------------------
def snapshot(inputs: Iterable[Path], site: Path | None = None) -> Snapshot:
    """Modification time, size, inode and change time of every input file. With `site`, folders
    are walked as the build reads them (`core.walk`: links that stay inside the site followed, a
    linked file stamped by what it leads to); without, links to folders are not followed."""
    files: Snapshot = {}
    for path in inputs:
        if path.is_dir() and site is not None:
            for found in walk_inputs(path, site, skip=(".git",)).files:
                if not _ignored(os.path.basename(found.path)):
                    info = found.info
                    files[found.path] = (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)
        elif path.is_dir():
            _scan_folder(str(path), files)
        else:
            _stat_into(str(path), files)
    return files


def _ignored(name: str) -> bool:
    """Editors' backup, swap and lock files, and git's folder."""
    return name.endswith(IGNORED_SUFFIXES) or name.startswith(".#") or name == ".git"


def _scan_folder(folder: str, files: Snapshot) -> None:
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if _ignored(entry.name):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        _stat_into(entry.path, files)
        except OSError:       # a folder removed while scanning shows up as removed files
            continue


def _stat_into(path: str, files: Snapshot) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    files[path] = (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)   # ctime: even `touch -r` edits


def changed_files(before: Snapshot, after: Snapshot) -> set[str]:
    """Files created, changed or deleted between two snapshots (a rename is a delete and a create)."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


class Watcher(threading.Thread):
    """Calls on_change once per burst of changes to the inputs, after QUIET seconds of calm.

    Scanning 10,000 files takes tens of milliseconds, so an idle archive is scanned rarely.
    The operating system's file events (through watchfiles) wake the watcher at once and name
    the files to look at again; a folder that came or went, a name outside the inputs, or no
    events at all mean a full scan. Full scans keep running at the idle pace, so an event that
    is lost only costs time."""

    def __init__(self, inputs: Callable[[], Iterable[Path]], on_change: Callable[[set[Path]], None],
                 before: Snapshot, stop: threading.Event, site: Path | None = None) -> None:
        super().__init__(name="site-builder-watcher", daemon=True)
        self.inputs, self.on_change, self.before, self.stop = inputs, on_change, before, stop
        self.site = site          # folders are walked as the build reads them (see snapshot)
        self.wake = threading.Event()
        self._lock = threading.Lock()
        self._hints: set[str] = set()
        self._watching = False        # file events are being delivered

    def run(self) -> None:
        threading.Thread(target=self._listen, name="site-builder-events", daemon=True).start()
        pending: set[str] = set()
        last_change = 0.0
        delay = MIN_POLL
        trusted = False      # a full scan ran since events began: they alone can tell a burst is over
        while not self.stop.is_set():
            self.wake.wait(MIN_POLL if pending else delay)
            self.wake.clear()
            if self.stop.is_set():
                return
            with self._lock:
                hints, self._hints = self._hints, set()
            after = self._restat(hints) if hints or (pending and trusted) else None
            if after is None:
                trusted = self._watching
                started = time.monotonic()
                after = snapshot(self.inputs(), self.site)
                delay = max(MIN_POLL, (time.monotonic() - started) * POLL_COST)
            changed, self.before = changed_files(self.before, after), after
            if changed:
                pending |= changed
                last_change = time.monotonic()
            elif pending and time.monotonic() - last_change >= QUIET:
                self.on_change({Path(p) for p in pending})
                pending = set()

    def _restat(self, paths: set[str]) -> Snapshot | None:
        """The last snapshot with `paths` looked at again; None when only a full scan can tell."""
        roots = [str(p) for p in self.inputs()]
        after = dict(self.before)
        for path in paths:
            inside = any(path == root or path.startswith(root + os.sep) for root in roots)
            if not inside or os.path.isdir(path):
                return None
            if _ignored(os.path.basename(path)) or f"{os.sep}.git{os.sep}" in path:
                continue
            after.pop(path, None)
            _stat_into(path, after)
            if path not in after and path not in self.before \
                    and any(known.startswith(path + os.sep) for known in self.before):
                return None           # a folder was removed: its files are gone too
        return after

    def _listen(self) -> None:
        """Note every file event under the inputs that exist now, and wake the watcher."""
        try:
            from watchfiles import watch
            paths = [p for p in self.inputs() if p.exists()]
            for changes in watch(*paths, debounce=50, step=5, stop_event=self.stop, rust_timeout=200,
                                 yield_on_timeout=True, raise_interrupt=False, watch_filter=None):
                if changes or not self._watching:
                    with self._lock:
                        self._hints.update(path for _, path in changes)
                        self._watching = True
                    self.wake.set()
        except Exception:      # no file events here (or too many folders): scanning alone still sees everything
            return
