"""The modules of page kinds other installed packages add (`site.kinds.installed_modules`), as a
build's input fingerprint names them, looked up again only when Python's import path changed.

Reading every installed package's metadata for its entry points takes a build with nothing to do
about a tenth of its time (importlib.metadata and its imports, then a scan of every package).
Installing, upgrading or removing a package adds or removes an entry (its `.dist-info` folder) in
a folder of the import path, which changes that folder's modification time: the list is kept in
the cache with the folders' times, and read back while they are the same.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any, TypedDict

from ..core.schema import schema
from ..core.store import read_cache, write_cache
from ..site.kinds import installed_modules

KINDS_FILE = "page-kinds.json"
SETTLED = 2.0               # seconds


class KindsRecord(TypedDict):
    path: list[list[Any]]    # each folder of sys.path with its modification time in ns (None: none there)
    modules: list[str]


KINDS = schema(KindsRecord)


def page_kind_modules(cache: Path, trusted: bool = True) -> list[str]:
    """`installed_modules()`, kept in the cache folder `cache` while the import path is the same;
    looked up again, whatever was kept, when not `trusted` (`build --clean`)."""
    path = [[folder, _mtime(folder)] for folder in sys.path]
    kept = read_cache(cache / KINDS_FILE, KINDS.version) if trusted else None
    if isinstance(kept, dict) and kept.get("path") == path and isinstance(kept.get("modules"), list) \
            and all(isinstance(name, str) for name in kept["modules"]):
        return list(kept["modules"])
    modules = installed_modules()
    if _settled(path):
        with suppress(OSError):      # a read-only cache: the next build looks them up again
            write_cache(cache / KINDS_FILE, KINDS.version, KindsRecord(path=path, modules=modules))
    return modules


def _settled(path: list[list[Any]]) -> bool:
    """No folder changed within the last SETTLED seconds: a change in the same tick of the file
    system's clock would leave its time as it was, and the list kept would hide it."""
    now = time.time_ns()
    return all(not isinstance(mtime, int) or now - mtime > SETTLED * 1e9 for _, mtime in path)


def _mtime(folder: str) -> int | None:
    try:
        return os.stat(folder or ".").st_mtime_ns
    except OSError:
        return None
