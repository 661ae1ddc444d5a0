"""Incremental builds cost what changed: the commit reuses the previous site kept as a spare, the
open data is updated row by row, and `build --timings` shows where the time goes."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from site_builder.build.clock import STAGES


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder", *args], capture_output=True, text=True, timeout=300)


# -- the stage clock ---------------------------------------------------------------------------------------
def test_timings_prints_every_stage_after_the_summary(example_site: Path) -> None:
    done = run_cli("build", "--site", str(example_site), "--no-search", "--jobs", "1", "--timings")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    summary = next(n for n, line in enumerate(lines) if line.startswith("built "))
    stages = dict(re.findall(r"([a-z][a-z ]*?) (\d+\.\d\d) s", lines[summary + 1].removeprefix("stages: ")))
    assert list(stages) == list(STAGES)
    assert stages["render"] != "0.00"          # a first build renders every page
    total = float(re.search(r"in (\d+\.\d\d) s", lines[summary]).group(1))   # type: ignore[union-attr]
    assert 0.5 * total <= sum(map(float, stages.values())) <= total + 0.05


def test_without_timings_only_the_summary_is_printed(example_site: Path) -> None:
    done = run_cli("build", "--site", str(example_site), "--no-search", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.strip()][-1].startswith("built ")
    assert "stages:" not in done.stdout
