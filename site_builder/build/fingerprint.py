"""A cheap fingerprint of every build input (file names, sizes, modification and change times, options)."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ..core.walk import Walk, walk_inputs

PACKAGE = Path(__file__).parent.parent


def _walk(root: Path, site: Path, digest: hashlib.blake2b, walked: Walk | None) -> None:
    # each folder by its full path, each file by its place in it: the same whatever the site was
    # called (`.`, relative or absolute)
    where = root.resolve()
    if not root.is_dir():
        digest.update(f"missing {where}\n".encode("utf-8", "surrogateescape"))
        return
    digest.update(f"folder {where}\n".encode("utf-8", "surrogateescape"))
    # Python writes bytecode of modules imported late in a build: that is not a change of site_builder
    walk = walked if walked is not None else walk_inputs(root, site, skip=("__pycache__",))
    for found in walk.files:
        # a link is stamped by what it leads to, which is what the build reads; the change time
        # moves on any write, even one that keeps the size and puts the modification time back
        # (`touch -r`), and on a change of permissions; a name that is not UTF-8 holds
        # surrogates: hashed as the bytes it was read from
        info = found.info
        digest.update(f"{found.rel}\0{found.linked}\0{info.st_mtime_ns}\0{info.st_size}\0{info.st_mode}"
                      f"\0{info.st_ctime_ns}\0{info.st_ino}\n".encode("utf-8", "surrogateescape"))
    for refused in walk.refused:
        digest.update(f"refused {refused.rel}\0{refused.kind}\n".encode("utf-8", "surrogateescape"))


def input_fingerprint(site: Path, folders: list[Path], options: str, walked: dict[Path, Walk] | None = None,
                      code: Sequence[Path] = ()) -> str:
    """Changes when any input file is added, removed or touched, the config or the options change,
    or site_builder itself or the `code` of other packages' page kinds (folders or files) is
    updated. A folder in `walked` is stamped as it was walked there."""
    digest = hashlib.blake2b(options.encode(), digest_size=16)
    for path in (site / "site.toml",):
        digest.update(path.read_bytes() if path.exists() else b"no config")
    for folder in folders:
        _walk(folder, site, digest, (walked or {}).get(folder))
    for root in (PACKAGE, *code):
        if root.is_file():
            info = root.stat()
            digest.update(f"module {root}\0{info.st_mtime_ns}\0{info.st_size}\0{info.st_ctime_ns}\0{info.st_ino}\n"
                          .encode("utf-8", "surrogateescape"))
        else:
            _walk(root, root, digest, None)
    return digest.hexdigest()
