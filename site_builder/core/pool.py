"""Work across forked processes that never waits on a dead one.

`multiprocessing.Pool` replaces a worker killed in the middle of a task (the out-of-memory killer,
a full disk's crash, `kill -9`) and waits forever for the task it held. `forked_map` and
`Background` watch every worker they started and stop the work, with `WorkerDied`, as soon as one
of them is gone. Every process pool of the program is one of theirs.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, Generic, TypeVar

from .errors import Problem

S = TypeVar("S")
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


def can_fork() -> bool:
    """Whether work may go to forked processes: the system forks, and this process runs one thread
    (a fork copies no other thread, so a lock another one held would stay held in the child)."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def forked_map(function: Callable[[S, T], R], items: Iterable[T], jobs: int, shared: S, *,
               chunksize: int = 1) -> Iterator[R]:
    """`function(shared, item)` over `items` in `jobs` forked processes, results in order;
    WorkerDied when a worker ends before the work is done. `shared` is what every item needs
    (the archive, the documents): the workers inherit it, it is never pickled. With `jobs` 1 or
    fewer no process is started and the work is done here, item by item. The workers are stopped
    when the iterator is closed or exhausted (use it with `contextlib.closing` when it may be left
    early)."""
    if jobs <= 1:
        return (function(shared, item) for item in items)
    return _forked_map(function, items, jobs, shared, chunksize)


def _forked_map(function: Callable[[S, T], R], items: Iterable[T], jobs: int, shared: S,
                chunksize: int) -> Iterator[R]:
    pool = _pool(jobs, shared)
    started = _workers(pool, {})
    try:
        # chunks made here: Pool.imap with a chunksize above 1 gives a plain generator, without
        # the `next(timeout)` the watch needs
        results = pool.imap(partial(_each, function), _chunks(items, chunksize))
        while True:
            try:
                yield from results.next(timeout=WATCH_SECONDS)
            except StopIteration:
                return
            except multiprocessing.TimeoutError:
                _watch(pool, started)
            _workers(pool, started)
    finally:
        pool.terminate()
        pool.join()


class Background(Generic[S, T, R]):
    """`function(shared, item)` for items handed over one at a time, in `workers` forked processes
    while this one goes on; each result is taken when needed, WorkerDied when a worker ended
    before its work was done. Close it when done (the workers are stopped)."""

    def __init__(self, function: Callable[[S, T], R], workers: int, shared: S) -> None:
        self.function = function
        self.pool = _pool(workers, shared)
        self.started = _workers(self.pool, {})

    def submit(self, item: T) -> Callable[[], R]:
        """Start the work on `item`; what gives its result, waiting for it."""
        pending = self.pool.apply_async(_call, (self.function, item))
        return partial(self._result, pending)

    def _result(self, pending: multiprocessing.pool.AsyncResult[R]) -> R:
        while True:
            try:
                return pending.get(timeout=WATCH_SECONDS)
            except multiprocessing.TimeoutError:
                _watch(self.pool, self.started)

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


_INHERITED: list[Any] = []     # in a worker: the `shared` value of the pool that forked it (its initializer's)


def _pool(workers: int, shared: Any) -> multiprocessing.pool.Pool:
    return multiprocessing.get_context("fork").Pool(workers, initializer=_INHERITED.append, initargs=(shared,))


Workers = dict[int, multiprocessing.process.BaseProcess]


def _workers(pool: multiprocessing.pool.Pool, started: Workers) -> Workers:
    """`started` with the workers of `pool` now (it replaces dead ones: look often)."""
    for worker in getattr(pool, "_pool", ()):
        started.setdefault(id(worker), worker)
    return started


def _watch(pool: multiprocessing.pool.Pool, started: Workers) -> None:
    """WorkerDied when any worker of `pool` seen so far has ended."""
    _workers(pool, started)
    dead = [w.exitcode for w in started.values() if w.exitcode is not None]
    if dead:
        raise WorkerDied(dead[0]) from None


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _each(function: Callable[[Any, T], R], chunk: list[T]) -> list[R]:
    return [function(_INHERITED[0], item) for item in chunk]


def _call(function: Callable[[Any, T], R], item: T) -> R:
    return function(_INHERITED[0], item)
