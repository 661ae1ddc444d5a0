"""core.pool: results in order whatever the chunk size, a dead worker an error, and --jobs obeyed by
every process pool of the build."""
from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import NoReturn

import pytest

from site_builder.build import workers
from site_builder.build.pipeline import BuildOptions, build
from site_builder.content import load
from site_builder.core import pool
from site_builder.core.errors import SiteError
from site_builder.core.pool import Background, WorkerDied, forked_map
from site_builder.intel import textsig

KILLED = (f"content: a worker process of the build stopped without finishing (killed by signal {int(signal.SIGKILL)}: "
          "out of memory, or stopped by someone) (free memory, or build with fewer --jobs, then build again)")


def times(factor: int, n: int) -> int:
    return factor * n


def dies_at_seven(pid: int, n: int) -> int:
    if n == 7 and os.getpid() != pid:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def killed(docs: object, bounds: tuple[int, int]) -> NoReturn:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("the process was killed")


@pytest.mark.parametrize("chunksize", [1, 7, 1000])
def test_results_come_in_order_whatever_the_chunk_size(chunksize: int) -> None:
    assert list(forked_map(times, range(100), 2, 3, chunksize=chunksize)) == [3 * n for n in range(100)]


@pytest.mark.parametrize("chunksize", [1, 5])
def test_a_worker_killed_in_a_chunk_is_an_error_not_a_wait(chunksize: int) -> None:
    with pytest.raises(WorkerDied) as raised:
        list(forked_map(dies_at_seven, range(40), 2, os.getpid(), chunksize=chunksize))
    assert raised.value.exitcode == -signal.SIGKILL


def test_one_job_is_done_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "_pool", None)      # any pool started would fail
    assert list(forked_map(dies_at_seven, range(10), 1, os.getpid())) == list(range(10))


def test_background_work_gives_its_results_and_a_killed_worker_is_an_error() -> None:
    background = Background(dies_at_seven, 1, os.getpid())
    try:
        first, second = background.submit(3), background.submit(7)
        assert first() == 3
        with pytest.raises(WorkerDied):
            second()
    finally:
        background.close()


def test_a_text_analysis_worker_killed_is_an_error_not_a_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textsig, "PARALLEL", 0)
    monkeypatch.setattr(textsig, "_analyse_range", killed)
    docs = [textsig.Doc("t", "", "a body of words") for _ in range(4)]
    with pytest.raises(WorkerDied):
        list(textsig.analysed(docs, textsig.chunk_ranges(0, 4), 2))


def _every_stage_parallel(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every stage that can share its work does so from the first article; the sizes of the pools started."""
    for module, name in ((textsig, "PARALLEL"), (load, "PARALLEL_FROM"), (workers, "PARALLEL_FROM")):
        monkeypatch.setattr(module, name, 0)
    monkeypatch.setattr(textsig, "CHUNK", 2)      # several chunks to share
    started: list[int] = []
    real = pool._pool

    def counted(jobs: int, shared: object):
        started.append(jobs)
        return real(jobs, shared)
    monkeypatch.setattr(pool, "_pool", counted)
    return started


def test_one_job_starts_no_process_pool(example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = _every_stage_parallel(monkeypatch)
    build(example_site, BuildOptions(search=False, jobs=1, clean=True))
    assert started == []
    build(example_site, BuildOptions(search=False, jobs=3, clean=True))
    assert sorted(started) == [2, 3, 3, 3]     # the related coverage beside the stories, the texts, parse, render


def test_a_worker_killed_in_the_text_analysis_fails_the_build_with_a_located_message(
        example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _every_stage_parallel(monkeypatch)
    parent = os.getpid()
    real = textsig._analyse_chunk

    def analysed_or_killed(docs):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(docs)
    monkeypatch.setattr(textsig, "_analyse_chunk", analysed_or_killed)
    with pytest.raises(SiteError) as caught:
        build(example_site, BuildOptions(search=False, jobs=2, clean=True))
    assert [str(p) for p in caught.value.problems] == [KILLED]
