"""What makes the output besides the site's inputs: site_builder's own code and the libraries that
shape its pages and stories. An upgrade of either (or a developer's edit) gives another digest, and
a build then trusts no page, parsed file or story result that other code made: an incremental
build after an upgrade gives what a clean build gives."""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
# the libraries whose output is part of the site's: templates, Markdown, the numbers of the story
# intelligence, the JSON of its records
LIBRARIES = ("jinja2", "mistune", "numpy", "scipy", "orjson")


def package_digest(root: Path, libraries: Sequence[str] = ()) -> str:
    """A hash of every module under `root` (its place and bytes; compiled copies aside), or of the
    module `root` is, and of the versions of `libraries`."""
    digest = hashlib.blake2b(digest_size=12)
    if root.is_file():
        digest.update(root.read_bytes())
    for folder, names, files in os.walk(root):
        names[:] = sorted(name for name in names if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    digest.update(f"{os.path.relpath(path, root)}\0".encode("utf-8", "surrogateescape"))
                    digest.update(handle.read() + b"\0")
    for library in libraries:
        digest.update(f"{library} {getattr(importlib.import_module(library), '__version__', '')}\0".encode())
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """The digest of the code this process runs: made once, as that code does not change under it
    (a file edited later is not what the process runs)."""
    return package_digest(PACKAGE, LIBRARIES)


def module_root(name: str) -> Path | None:
    """Where the code of the module `name` is: the folder of its top-level package, or its file
    (found without importing it); None when it is not found."""
    try:
        spec = importlib.util.find_spec(name.partition(".")[0])
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin and os.path.isfile(spec.origin) else None


def installed_code(modules: Iterable[str]) -> list[Path]:
    """The code of the modules of page kinds other packages add, as module_root finds it (the
    package's own modules among `modules` are in code_digest)."""
    return sorted({root for name in modules
                   if name.partition(".")[0] != PACKAGE.name and (root := module_root(name)) is not None})


def modules_digest(modules: Iterable[str]) -> str:
    """A hash of the code of `modules` (installed_code)."""
    return ";".join(package_digest(root) for root in installed_code(modules))


def libraries_stamp() -> list[tuple[str, int]]:
    """Each folder the LIBRARIES are installed in, with its modification time in ns: installing,
    upgrading or removing a package adds or removes its `.dist-info` there. Cheap enough for a
    build with nothing to do (no library is imported)."""
    folders = {root.parent for name in LIBRARIES if (root := module_root(name)) is not None}
    return [(str(folder), os.stat(folder).st_mtime_ns) for folder in sorted(folders)]
