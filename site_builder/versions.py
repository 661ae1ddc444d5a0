"""Syndicated copies: near-duplicate bodies grouped into the versions of one event.

Candidates come from MinHash LSH over word shingles (never all pairs); each candidate pair is
then verified on the exact shingle sets before two articles are joined.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .model import Article
from .textsig import Shingles, lsh_pairs, minhash, overlap, union_find_groups, word_shingles

MIN_SHINGLES = 8   # shorter bodies are too small to call copies of anything


@dataclass(frozen=True)
class VersionGroup:
    """Indices (into the input) of the copies of one event, oldest first, and the score that joined each."""

    members: tuple[int, ...]
    scores: tuple[float, ...]


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """How much of the shorter shingle set is in the longer one (containment of the smaller set)."""
    smaller = min(len(a), len(b))
    return overlap(a, b) / smaller if smaller >= MIN_SHINGLES else 0.0


def verified_pairs(shingles: Shingles, threshold: float) -> list[tuple[int, int, float]]:
    """LSH candidate pairs whose exact resemblance reaches `threshold`."""
    pairs = lsh_pairs(minhash(shingles))
    found = []
    sets: dict[int, np.ndarray] = {}
    for a, b in pairs.tolist():
        for index in (a, b):
            if index not in sets:
                sets[index] = shingles.unique(index)
        score = resemblance(sets[a], sets[b])
        if score >= threshold:
            found.append((a, b, score))
    return found


def group_versions(articles: Sequence[Article], threshold: float,
                   shingles: Shingles | None = None) -> list[VersionGroup]:
    """Every article in exactly one group; groups of copies whose bodies resemble each other.

    `shingles` may be given when already computed (one per article, in the same order).
    """
    if shingles is None:
        shingles = word_shingles(a.body for a in articles)
    pairs = verified_pairs(shingles, threshold)
    best: dict[tuple[int, int], float] = {(a, b): s for a, b, s in pairs}
    groups = []
    for members in union_find_groups(len(articles), [(a, b) for a, b, _ in pairs]):
        members.sort(key=lambda i: (articles[i].date, articles[i].slug))
        scores = [1.0] + [_joining_score(i, members[:k] + members[k + 1:], best) for k, i in enumerate(members) if k]
        groups.append(VersionGroup(tuple(members), tuple(round(s, 3) for s in scores)))
    return groups


def _joining_score(index: int, others: list[int], best: dict[tuple[int, int], float]) -> float:
    """The best verified resemblance of a version to another version of its event."""
    return max(best.get((min(index, o), max(index, o)), 0.0) for o in others)
