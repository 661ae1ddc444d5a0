"""`python -m tests.slow_commit build …`: site-builder whose writes into output/ are slowed and announced.

Used by tests/build/test_faults.py to kill a build while `output/` is being changed: every rename
and hard link the writer makes sleeps SLOW_COMMIT seconds, and stderr says "commit" when
the writer starts putting a build in place and "committed N" when it is done, N its steps (each
rename, hard link and swap of two folders it made). With DIE_AT=N the process ends at once (as if
killed) instead of making its Nth rename or hard link; with DIE_AFTER=NAME it ends just after moving
a file or folder of that name; with NO_EXCHANGE=1 the writer works as where the system has no
`renameat2` (macOS, other Unix); with HOLD_UNTIL=PATH its first rename or hard link waits until PATH
exists (at most ten minutes). With PAUSE_AT=N (or swap, spare, end: see `Steps`) it says "paused"
and sleeps before the commit's Nth step: a kill then lands at that step, however slow the machine.
"""
from __future__ import annotations

import importlib
import os
import sys
import time
import types
from collections.abc import Callable
from typing import Any

from site_builder import cli
from site_builder.build import spare, writer


def slowed(call: Callable[..., Any], delay: float) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(delay)
        return call(*args, **kwargs)
    return slow


def held(call: Callable[..., Any], path: str) -> Callable[..., Any]:
    waiting = [True]

    def hold(*args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + 600
        while waiting[0] and not os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting[0] = False
        return call(*args, **kwargs)
    return hold


class Steps:
    """The commit's steps (each rename, hard link and swap of two folders) counted as they are made;
    the process pauses before the one PAUSE_AT names: its number (or the commit's end if it makes
    fewer), `swap` (the two folders swapped), `spare` (the previous site kept as the spare) or `end`."""

    def __init__(self, pause_at: str) -> None:
        self.pause_at, self.made, self.committing = pause_at, 0, False

    def counted(self, call: Callable[..., Any], name: str = "") -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            if self.committing:
                self.made += 1
                if self.pause_at and self.pause_at in (str(self.made), name):
                    self.pause()
            return call(*args, **kwargs)
        return step

    def before(self, call: Callable[..., Any], name: str) -> Callable[..., Any]:
        def point(*args: Any, **kwargs: Any) -> Any:
            if self.committing and self.pause_at == name:
                self.pause()
            return call(*args, **kwargs)
        return point

    def announced(self, commit: Callable[..., Any]) -> Callable[..., Any]:
        def announce(*args: Any, **kwargs: Any) -> Any:
            say("commit")
            self.committing, self.made = True, 0
            result = commit(*args, **kwargs)
            self.committing = False
            if self.pause_at == "end" or (self.pause_at.isdigit() and int(self.pause_at) > self.made):
                self.pause()
            say(f"committed {self.made}")
            return result
        return announce

    def pause(self) -> None:
        say("paused")
        time.sleep(600)      # until the test kills the process


def say(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def dying(call: Callable[..., Any], count: list[int], at: int, after: str) -> Callable[..., Any]:
    def die(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        if count[0] == at:
            os._exit(137)
        result = call(*args, **kwargs)
        if os.path.basename(args[0]) == after:
            os._exit(137)
        return result
    return die


def main() -> None:
    delay = float(os.environ.get("SLOW_COMMIT", "0.005"))
    slow_os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os) if not name.startswith("__")})
    slow_os.replace, slow_os.link = slowed(os.replace, delay), slowed(os.link, delay)
    if "DIE_AT" in os.environ or "DIE_AFTER" in os.environ:
        count, at, after = [0], int(os.environ.get("DIE_AT", "0")), os.environ.get("DIE_AFTER", "\0")
        slow_os.replace = dying(slow_os.replace, count, at, after)
        slow_os.link = dying(slow_os.link, count, at, after)
    if "HOLD_UNTIL" in os.environ:
        slow_os.replace = held(slow_os.replace, os.environ["HOLD_UNTIL"])
        slow_os.link = held(slow_os.link, os.environ["HOLD_UNTIL"])
    if os.environ.get("NO_EXCHANGE"):
        writer._renameat2 = lambda: None       # type: ignore[assignment]
    steps = Steps(os.environ.get("PAUSE_AT", ""))
    for name in ("replace", "link", "rename"):
        setattr(slow_os, name, steps.counted(getattr(slow_os, name)))
    writer.exchange = steps.counted(writer.exchange, "swap")
    writer.keep_spare = steps.before(writer.keep_spare, "spare")
    writer.os = spare.os = slow_os          # type: ignore[assignment]
    build: Any = importlib.import_module("site_builder.build.spine")      # the names it imported from writer
    build.commit = steps.announced(writer.commit)
    build.swap_in = steps.announced(writer.swap_in)
    cli.main()


if __name__ == "__main__":
    main()
