"""The package's layering, types and lint, checked with every test run."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = str(BIN / tool) if (BIN / tool).exists() else shutil.which(tool)
    assert command, f"{tool} is not installed: pip install -e '.[test]'"
    return subprocess.run([command, *args], cwd=REPO, capture_output=True, text=True, check=False)


def test_dependencies_point_one_way() -> None:
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check() -> None:
    result = _run("mypy", "site_builder", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint() -> None:
    result = _run("ruff", "check", "site_builder", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
