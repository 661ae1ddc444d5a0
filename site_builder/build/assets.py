"""The static files of the site: the package's assets, overridden and extended by the site's static/."""
from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path

from ..core.config import Config
from ..core.errors import Problem
from ..core.walk import OUTSIDE, refusal_problem, walk_inputs
from .writer import write_file

PACKAGE_STATIC = Path(__file__).parent.parent / "site" / "static"


def static_files(site: Path, config: Config, withheld: Collection[str] = ()) -> dict[str, tuple[Path, str]]:
    """Each static file by output path, with the hash of its bytes; none of the `withheld` output
    paths (the saved copies of articles taken down)."""
    files: dict[str, tuple[Path, str]] = {}
    for root, inside in ((PACKAGE_STATIC, PACKAGE_STATIC), (site / config.paths.static, site)):
        for found in walk_inputs(root, inside).files:     # what is refused: see refused_inputs
            if "assets/" + found.rel in withheld:
                continue
            path = Path(found.path)
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            files["assets/" + found.rel] = (path, digest)
    return dict(sorted(files.items()))


def refused_inputs(site: Path, folders: tuple[str, ...]) -> list[Problem]:
    """What the templates and static folders hold that is not read: links leading outside the
    site (refused as those in content/ are, since what they lead to would be read and published),
    special files, folders nested too deep (errors), links that loop (warnings)."""
    problems = []
    for name in folders:
        for refused in walk_inputs(site / name, site).refused:
            if refused.kind == OUTSIDE:
                problems.append(Problem(f"{name}/{refused.rel}", None, "symbolic link points outside the site folder",
                                        f"copy what it links to into {name}/ instead of linking it"))
            else:
                problems.append(refusal_problem(refused, name, name))
    return problems


def copy_static(files: dict[str, tuple[Path, str]], stale: list[str], staging: Path) -> list[str]:
    """The `stale` static files copied into the staging folder."""
    for rel in stale:
        write_file(staging, rel, files[rel][0].read_bytes())
    return list(stale)
