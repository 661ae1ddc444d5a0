"""Work across forked processes that never waits on a dead one.

`multiprocessing.Pool` replaces a worker killed in the middle of a task (the out-of-memory killer,
a full disk's crash, `kill -9`) and waits forever for the task it held. `forked_map` watches every
worker it started and stops the work, with `WorkerDied`, as soon as one of them is gone.
"""
from __future__ import annotations

import multiprocessing
import os
import multiprocessing.pool
import signal
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar

from .errors import Problem

T = TypeVar("T")
R = TypeVar("R")
WATCH_SECONDS = 0.2      # how often the workers are looked at while no result comes


def default_jobs() -> int:
    """Worker processes when none are asked for: one a CPU."""
    return os.cpu_count() or 1


class WorkerDied(Exception):
    """A worker process ended before its work was done."""

    def __init__(self, exitcode: int) -> None:
        self.exitcode = exitcode
        super().__init__(f"a worker process ended with exit code {exitcode}")

    def located(self, path: str) -> Problem:
        """The located message of the stage that used the workers (`path`: what it was making)."""
        if self.exitcode < 0:
            how = ": out of memory, or stopped by someone" if -self.exitcode == signal.SIGKILL else ""
            why = f"killed by signal {-self.exitcode}{how}"
        else:
            why = f"exit status {self.exitcode}"
        return Problem(path, None, f"a worker process of the build stopped without finishing ({why})",
                       "free memory, or build with fewer --jobs, then build again")


def forked_map(function: Callable[[T], R], items: Iterable[T], jobs: int, *, chunksize: int = 1,
               initializer: Callable[..., Any] | None = None, initargs: tuple[Any, ...] = ()) -> Iterator[R]:
    """`function` over `items` in `jobs` forked processes, results in order; WorkerDied when a
    worker ends before the work is done. The workers are stopped when the iterator is closed or
    exhausted (use it with `contextlib.closing` when it may be left early)."""
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=initializer, initargs=initargs)
    started: dict[int, multiprocessing.process.BaseProcess] = {}
    try:
        # chunks made here: Pool.imap with a chunksize above 1 gives a plain generator, without
        # the `next(timeout)` the watch needs
        results = pool.imap(partial(_each, function), _chunks(items, chunksize))
        while True:
            for worker in getattr(pool, "_pool", ()):     # with the replacements of dead ones
                started.setdefault(id(worker), worker)
            try:
                yield from results.next(timeout=WATCH_SECONDS)
            except StopIteration:
                return
            except multiprocessing.TimeoutError:
                dead = [w.exitcode for w in started.values() if w.exitcode is not None]
                if dead:
                    raise WorkerDied(dead[0]) from None
    finally:
        pool.terminate()
        pool.join()


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _each(function: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [function(item) for item in chunk]
