"""Every route's context, signature and — when stale — its bytes, across worker processes.

Workers are forked after the archive is computed, so they inherit it and receive only
ranges of route numbers; they write pages straight into the staging folder and send
back signatures and file names, never page bytes.
"""
from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .context import Contexts
from .manifest import signature
from .outputs import DATA_KINDS, data_bytes, data_context
from .render import Renderer
from .routes import Route
from .writer import write_file

PARALLEL_FROM = 300      # routes; fewer are faster in this process than in a pool
CHUNK = 64


@dataclass(frozen=True)
class Job:
    routes: list[Route]
    contexts: Contexts
    digests: dict[str, str]           # page kind -> hash of its templates and site-wide values
    renderer: Renderer
    previous: dict[str, str]          # output path -> signature of the last good build
    output: Path
    staging: Path


@dataclass(frozen=True)
class Produced:
    signatures: dict[str, str]        # output path -> signature, for every route
    written: list[str]                # files written into the staging folder


def route_context(job: Job, route: Route) -> dict[str, Any]:
    if route.kind in DATA_KINDS:
        return data_context(route, job.contexts, job.routes)
    return job.contexts.build(route)


def route_bytes(route: Route, context: dict[str, Any], renderer: Renderer) -> dict[str, bytes]:
    if route.kind in DATA_KINDS:
        return data_bytes(route, context)
    return {route.output: renderer.render(route.kind, context)}


def _run(job: Job, bounds: tuple[int, int]) -> tuple[list[tuple[str, str]], list[str]]:
    signatures, written = [], []
    for route in job.routes[bounds[0]:bounds[1]]:
        context = route_context(job, route)
        sig = signature(route.kind, job.digests.get(route.kind, ""), context)
        signatures.append((route.output, sig))
        if job.previous.get(route.output) != sig or not (job.output / route.output).exists():
            for rel, data in route_bytes(route, context, job.renderer).items():
                write_file(job.staging, rel, data)
                written.append(rel)
    return signatures, written


_JOB: Job | None = None   # set once in each forked worker, by _init_worker


def _init_worker(job: Job) -> None:
    global _JOB
    _JOB = job


def _run_in_worker(bounds: tuple[int, int]) -> tuple[list[tuple[str, str]], list[str]]:
    assert _JOB is not None
    return _run(_JOB, bounds)


def produce(job: Job, jobs: int, progress: Callable[[int, int], None] | None = None) -> Produced:
    """Contexts and signatures of all routes; stale ones rendered into `job.staging`."""
    total = len(job.routes)
    chunks = [(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]
    report = progress or (lambda done, total: None)
    signatures: dict[str, str] = {}
    written: list[str] = []
    job.staging.mkdir(parents=True, exist_ok=True)
    if jobs <= 1 or total < PARALLEL_FROM:
        results = map(lambda bounds: _run(job, bounds), chunks)
        pool = None
    else:
        gc.freeze()     # the workers' collectors leave the inherited archive alone (and its memory shared)
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(job,))
        results = pool.imap(_run_in_worker, chunks)      # in order: the same result on every run
    try:
        for done, (sigs, files) in enumerate(results, start=1):
            signatures.update(sigs)
            written += files
            report(min(done * CHUNK, total), total)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
            gc.unfreeze()
    return Produced(signatures, written)
