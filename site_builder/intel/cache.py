"""The story intelligence's work, kept on disk between builds.

The text analysis of each chunk of articles (NPZ, by a hash of its texts), and each part's
events, stories and related coverage (JSON, by a hash of its inputs): an edit recomputes the
chunk and the parts it touches, everything else comes back from here.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ..core.cachefolder import ANALYSIS_NAME
from ..core.store import atomic_file, read_cache, write_cache
from .segments import RESULTS
from .textsig import ChunkAnalysis, part_arrays, part_from_arrays


class ChunkStore:
    """One .npz file per chunk analysis, one .json file per part's results, named by their key;
    `prune` removes the files this run did not ask for. Not `trusted` (a clean build), nothing is
    read back, only written. A write that fails (a full disk) is noted in `unsaved` and the build
    goes on."""

    def __init__(self, folder: Path, trusted: bool = True) -> None:
        self.folder, self.trusted = folder, trusted
        self.used: set[str] = set()
        self.written: set[str] = set()     # chunks this run put here: they can be read back untrusted
        self.unsaved: OSError | None = None

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def has(self, key: str) -> bool:
        self.used.add(key)
        return self.trusted and self._path(key).is_file()

    def get(self, key: str) -> ChunkAnalysis | None:
        self.used.add(key)
        if not self.trusted and key not in self.written:
            return None
        try:
            with np.load(self._path(key), allow_pickle=False) as data:
                return part_from_arrays({name: data[name] for name in data.files})
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
            return None

    def put(self, key: str, part: ChunkAnalysis) -> bool:
        """Keep a chunk's analysis; whether it could be written."""
        self.used.add(key)
        arrays: dict[str, Any] = part_arrays(part)
        try:
            with atomic_file(self._path(key)) as handle:
                np.savez(handle, **arrays)
        except OSError as error:
            self.unsaved = error
            return False
        self.written.add(key)
        return True

    def load(self, key: str) -> Any:
        """A part's results saved under `key`; None when missing, damaged or not trusted."""
        self.used.add(key)
        return read_cache(self.folder / f"{key}.json", RESULTS.version) if self.trusted else None

    def save(self, key: str, data: Any) -> None:
        self.used.add(key)
        try:
            write_cache(self.folder / f"{key}.json", RESULTS.version, data)
        except OSError as error:
            self.unsaved = error

    def prune(self) -> None:
        """Forget the chunks and parts of texts that are no longer in the archive (when this run analysed it)."""
        if self.used and self.folder.is_dir():
            for path in (*self.folder.glob("*.npz"), *self.folder.glob("*.json")):
                if path.stem not in self.used and ANALYSIS_NAME.fullmatch(path.name):   # never another's file
                    path.unlink(missing_ok=True)
