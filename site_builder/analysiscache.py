"""The text analysis of each chunk of articles, kept on disk between builds.

An edit touches one chunk of 500 articles; the other chunks' shingles, signatures and term
counts come back from here instead of being computed again.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .textsig import ChunkAnalysis, part_arrays, part_from_arrays


class ChunkStore:
    """One .npz file per chunk analysis, named by its key (`textsig.chunk_key`); `prune` removes
    the files this run did not ask for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def get(self, key: str) -> ChunkAnalysis | None:
        self.used.add(key)
        try:
            with np.load(self._path(key), allow_pickle=False) as data:
                return part_from_arrays({name: data[name] for name in data.files})
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None

    def put(self, key: str, part: ChunkAnalysis) -> None:
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{key}.tmp{os.getpid()}.npz"
        arrays: dict[str, Any] = part_arrays(part)
        np.savez(tmp, **arrays)
        os.replace(tmp, self._path(key))

    def prune(self) -> None:
        """Forget the chunks of texts that are no longer in the archive."""
        if self.folder.is_dir():
            for path in self.folder.glob("*.npz"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)
