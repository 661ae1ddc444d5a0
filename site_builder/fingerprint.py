"""A cheap fingerprint of every build input (file names, sizes, modification and change times, options)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE = Path(__file__).parent


def _walk(root: Path, digest: "hashlib._Hash") -> None:
    if not root.is_dir():
        digest.update(f"missing {root}\n".encode())
        return
    for folder, dirs, files in os.walk(root, followlinks=False):
        # Python writes bytecode of modules imported late in a build: that is not a change of site_builder
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            # the change time moves on any write, even one that keeps the size and puts the
            # modification time back (`touch -r`), and on a change of permissions; a name that is
            # not UTF-8 holds surrogates: hashed as the bytes it was read from
            digest.update(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\0{info.st_mode}\0{info.st_ctime_ns}"
                          f"\0{info.st_ino}\n".encode("utf-8", "surrogateescape"))


def input_fingerprint(site: Path, folders: list[Path], options: str) -> str:
    """Changes when any input file is added, removed or touched, the config or the options change,
    or site_builder itself is updated."""
    digest = hashlib.blake2b(options.encode(), digest_size=16)
    for path in (site / "site.toml",):
        digest.update(path.read_bytes() if path.exists() else b"no config")
    for folder in (*folders, PACKAGE):
        _walk(folder, digest)
    return digest.hexdigest()
