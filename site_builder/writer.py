"""Write outputs safely: staged first, moved into place only when the whole build succeeded."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .errors import Problem, SiteError


def safe_target(root: Path, relative: str) -> Path:
    """The file `relative` inside `root`; refuses any path that would leave it."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()) or target == root.resolve():
        raise SiteError(Problem(relative, None, "output path leaves the output folder", "use a plain slug"))
    return target


def write_file(root: Path, relative: str, data: bytes) -> None:
    target = safe_target(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:   # a second write to one path is a bug: refuse it
        handle.write(data)


def commit(staging: Path, output: Path, written: list[str], removed: list[str]) -> None:
    """Move staged files into `output` one by one (each move atomic), then delete orphans."""
    for relative in written:
        target = safe_target(output, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
    for relative in removed:
        target = safe_target(output, relative)
        target.unlink(missing_ok=True)
        _prune_empty_dirs(target.parent, output)
    shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging: Path, output: Path) -> None:
    """Replace the whole output folder by the staged one, keeping the old until the new is in place."""
    old = output.with_name(output.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        os.replace(output, old)
    os.replace(staging, output)
    shutil.rmtree(old, ignore_errors=True)


def _prune_empty_dirs(folder: Path, root: Path) -> None:
    root = root.resolve()
    folder = folder.resolve()
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
