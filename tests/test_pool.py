"""core.pool.forked_map: results in order whatever the chunk size, and a dead worker an error."""
from __future__ import annotations

import os
import signal
from typing import NoReturn

import pytest

from site_builder.core.pool import WorkerDied, forked_map


def square(n: int) -> int:
    return n * n


def dies_at_seven(n: int) -> int:
    if n == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def killed(bounds: tuple[int, int]) -> NoReturn:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("the process was killed")


@pytest.mark.parametrize("chunksize", [1, 7, 1000])
def test_results_come_in_order_whatever_the_chunk_size(chunksize: int) -> None:
    assert list(forked_map(square, range(100), 2, chunksize=chunksize)) == [n * n for n in range(100)]


@pytest.mark.parametrize("chunksize", [1, 5])
def test_a_worker_killed_in_a_chunk_is_an_error_not_a_wait(chunksize: int) -> None:
    with pytest.raises(WorkerDied) as raised:
        list(forked_map(dies_at_seven, range(40), 2, chunksize=chunksize))
    assert raised.value.exitcode == -signal.SIGKILL


def test_a_text_analysis_worker_killed_is_an_error_not_a_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.intel import textsig

    monkeypatch.setattr(textsig, "PARALLEL", 0)
    monkeypatch.setattr(textsig, "_analyse_range", killed)
    docs = [textsig.Doc("t", "", "a body of words") for _ in range(4)]
    with pytest.raises(WorkerDied):
        list(textsig.analysed(docs, textsig.chunk_ranges(0, 4)))
