"""The story intelligence's work, kept on disk between builds.

An edit touches one chunk of 500 articles; the other chunks' shingles, signatures and term
counts come back from here instead of being computed again. And when nothing the stories and
related coverage read has changed (an edit of tags, a link or a dateline), they come back whole.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .cachefile import (DataError, atomic_file, read_cache, related_data, related_from, stories_data, stories_from,
                        write_cache)
from .graph import StoryResults
from .textsig import ChunkAnalysis, part_arrays, part_from_arrays

RESULTS_VERSION = 3


class ChunkStore:
    """One .npz file per chunk analysis, named by its key (`textsig.chunk_key`); `prune` removes
    the files this run did not ask for. Beside them, the last stories and related coverage.
    Not `trusted` (a clean build), nothing is read back, only written. A write that fails (a full
    disk) is noted in `unsaved` and the build goes on."""

    def __init__(self, folder: Path, trusted: bool = True) -> None:
        self.folder, self.trusted = folder, trusted
        self.used: set[str] = set()
        self.unsaved: OSError | None = None

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def get(self, key: str) -> ChunkAnalysis | None:
        self.used.add(key)
        if not self.trusted:
            return None
        try:
            with np.load(self._path(key), allow_pickle=False) as data:
                return part_from_arrays({name: data[name] for name in data.files})
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
            return None

    def put(self, key: str, part: ChunkAnalysis) -> None:
        self.used.add(key)
        arrays: dict[str, Any] = part_arrays(part)
        try:
            with atomic_file(self._path(key)) as handle:
                np.savez(handle, **arrays)
        except OSError as error:
            self.unsaved = error

    def prune(self) -> None:
        """Forget the chunks of texts that are no longer in the archive (when this run analysed it)."""
        if self.used and self.folder.is_dir():
            for path in self.folder.glob("*.npz"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)

    def results(self, key: str) -> StoryResults | None:
        """The stories and related coverage computed from inputs of this key (`graph.graph_key`)."""
        data = read_cache(self.folder / "results.json", RESULTS_VERSION) if self.trusted else None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        try:
            return stories_from(data["stories"]), related_from(data["related"])
        except DataError:
            return None

    def keep_results(self, key: str, results: StoryResults) -> None:
        stories, related = results
        try:
            write_cache(self.folder / "results.json", RESULTS_VERSION,
                        {"key": key, "stories": stories_data(stories), "related": related_data(related)})
        except OSError as error:
            self.unsaved = error
