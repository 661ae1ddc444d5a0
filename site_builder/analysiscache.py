"""The story intelligence's work, kept on disk between builds.

An edit touches one chunk of 500 articles; the other chunks' shingles, signatures and term
counts come back from here instead of being computed again. And when nothing the stories and
related coverage read has changed (an edit of tags, a link or a dateline), they come back whole.
"""
from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .graph import StoryResults
from .textsig import ChunkAnalysis, part_arrays, part_from_arrays

RESULTS_VERSION = 1


class ChunkStore:
    """One .npz file per chunk analysis, named by its key (`textsig.chunk_key`); `prune` removes
    the files this run did not ask for. Beside them, the last stories and related coverage."""

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
        """Forget the chunks of texts that are no longer in the archive (when this run analysed it)."""
        if self.used and self.folder.is_dir():
            for path in self.folder.glob("*.npz"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)

    def results(self, key: str) -> StoryResults | None:
        """The stories and related coverage computed from inputs of this key (`graph.graph_key`)."""
        try:
            with open(self.folder / "results.pickle", "rb") as handle:
                if pickle.load(handle) != (RESULTS_VERSION, key):
                    return None
                found: StoryResults = pickle.load(handle)
                return found
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def keep_results(self, key: str, results: StoryResults) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"results.tmp{os.getpid()}"
        with open(tmp, "wb") as handle:     # the key first: a build that cannot use them reads no more
            pickle.dump((RESULTS_VERSION, key), handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / "results.pickle")
