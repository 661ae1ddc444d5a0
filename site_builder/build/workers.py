"""The contexts, signatures and — when stale — bytes of the routes to build, across worker processes.

Workers are forked after the archive is computed, so they inherit it and receive only
ranges of route numbers; they write pages straight into the staging folder and send
back signatures, file names and what each context read, never page bytes.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from ..core.errors import fail
from ..core.pool import forked_map
from ..site.context import Contexts
from ..site.depends import read_ids
from ..site.kinds import Target
from ..site.pages import Pages
from ..site.render import Renderer
from ..site.routes import Route
from .datafiles import Records, update_data_file
from .manifest import signature
from .spare import spare_folder
from .writer import cannot_write, plain_target, write_file

WORK = ("render", "data files")     # the stages of the stage clock a route's work is counted in
PARALLEL_FROM = 300      # routes; fewer are faster in this process than in a pool
CHUNK = 64


@dataclass(frozen=True)
class Job:
    pages: Pages                      # the page kinds
    todo: list[Route]                 # the routes whose context to build
    contexts: Contexts
    digests: dict[str, str]           # page kind -> hash of its templates and site-wide values
    renderer: Renderer
    previous: dict[str, str]          # output path -> signature of the last good build
    output: Path
    staging: Path
    data_records: Records | None = None   # where data/'s files are described, to update them row by row


@dataclass(frozen=True)
class Produced:
    signatures: dict[str, str]        # output path -> signature, for every route built
    written: list[str]                # files written into the staging folder
    reads: dict[str, np.ndarray]      # output path -> ids of what its context read (with a recorder)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(WORK, 0.0))   # summed over workers


@dataclass
class _Done:
    signatures: list[tuple[str, str]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    reads: list[tuple[str, np.ndarray]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(WORK, 0.0))


def _run(job: Job, bounds: tuple[int, int], ids: dict[str, int]) -> _Done:
    done = _Done()
    recorder = job.contexts.recorder
    made: set[Path] = set()          # the staging folders this chunk made or found
    for route in job.todo[bounds[0]:bounds[1]]:
        started = time.perf_counter()
        kind = job.pages[route.kind]
        context = job.pages.context(job.contexts, route)
        sig = signature(route.kind, job.digests.get(route.kind, ""), context)
        done.signatures.append((route.output, sig))
        if recorder is not None:
            done.reads.append((route.output, read_ids(recorder.take(), ids)))
        if job.previous.get(route.output) != sig or not (job.output / route.output).exists():
            if kind.write is not None:
                done.written.append(write_itself(route, job))
            else:
                for rel, data in job.pages.files(route, context, job.renderer).items():
                    write_file(job.staging, rel, data, made)
                    done.written.append(rel)
        done.seconds["data files" if kind.write is not None else "render"] += time.perf_counter() - started
    return done


def _run_chunk(work: tuple[Job, dict[str, int]], bounds: tuple[int, int]) -> _Done:
    """One chunk of the pages; `work` is the job and the ids made so far in this process."""
    return _run(work[0], bounds, work[1])


def produce(job: Job, jobs: int, progress: Callable[[int, int], None] | None = None) -> Produced:
    """Contexts and signatures of `job.todo`; stale ones rendered into `job.staging`."""
    total = len(job.todo)
    chunks = [(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]
    report = progress or (lambda done, total: None)
    produced = Produced({}, [], {})
    job.staging.mkdir(parents=True, exist_ok=True)
    parallel = jobs > 1 and total >= PARALLEL_FROM
    if parallel:
        gc.freeze()     # the workers' collectors leave the inherited archive alone (and its memory shared)
    results = forked_map(_run_chunk, chunks, jobs if parallel else 1, (job, {}))
    try:     # in order: the same result on every run; a worker that dies raises WorkerDied
        for count, done in enumerate(results, start=1):
            produced.signatures.update(done.signatures)
            produced.written.extend(done.written)
            produced.reads.update(done.reads)
            for name, seconds in done.seconds.items():
                produced.seconds[name] += seconds
            report(min(count * CHUNK, total), total)
    finally:
        if isinstance(results, Generator):     # the workers stop, even when this stops early
            results.close()
        if parallel:
            gc.unfreeze()
    return produced


def write_itself(route: Route, job: Job) -> str:
    """Have the route's kind write its file straight into the staging folder (from the previous
    build's file where it can: the files of data/)."""
    write = job.pages[route.kind].write
    assert write is not None
    target = plain_target(job.staging, route.output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write(route, job.contexts, Target(target, plain_target(job.output, route.output),
                                          partial(update_data_file, records=job.data_records,
                                                  spare=plain_target(spare_folder(job.output), route.output))))
    except FileExistsError:
        raise fail(route.output, None, "two pages write this output file", "report this as a bug") from None
    except OSError as error:
        raise cannot_write(route.output, error) from error
    return route.output
