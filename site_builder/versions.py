"""Syndicated copies: near-duplicate bodies grouped into the versions of one event.

Candidates come from MinHash LSH over word shingles (never all pairs); each candidate pair is
then verified on the exact shingle sets before two articles are joined.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .model import Article
from .textsig import Analysis, Doc, Shingles, analyse, lsh_pairs

MIN_SHINGLES = 8   # shorter bodies are too small to call copies of anything


@dataclass(frozen=True)
class VersionGroup:
    """Indices (into the input) of the copies of one event, oldest first, and the score that joined each."""

    members: tuple[int, ...]
    scores: tuple[float, ...]


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """How much of the shorter shingle set is in the longer one (containment of the smaller set)."""
    smaller = min(len(a), len(b))
    return np.intersect1d(a, b, assume_unique=True).size / smaller if smaller >= MIN_SHINGLES else 0.0


def verified_pairs(analysis: Analysis, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """LSH candidate pairs (n, 2) whose exact resemblance reaches `threshold`, and their scores."""
    pairs = lsh_pairs(analysis.signature)
    shingles: Shingles = analysis.shingles
    sizes = np.diff(shingles.starts)
    pairs = pairs[np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]]) >= MIN_SHINGLES] if len(pairs) else pairs
    scores = np.array([resemblance(shingles.of(a), shingles.of(b)) for a, b in pairs.tolist()], dtype=np.float64)
    keep = scores >= threshold
    return pairs[keep], scores[keep]


def group_versions(articles: Sequence[Article], threshold: float,
                   analysis: Analysis | None = None) -> list[VersionGroup]:
    """Every article in exactly one group; groups of copies whose bodies resemble each other.

    `analysis` may be given when already computed (one document per article, in the same order).
    Groups are ordered by their smallest index.
    """
    if analysis is None:
        analysis = analyse([Doc("", "", a.body) for a in articles])
    pairs, scores = verified_pairs(analysis, threshold)
    count = len(articles)
    graph = sp.csr_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(count, count))
    labels = connected_components(graph, directed=False)[1] if count else np.zeros(0, dtype=np.int64)
    best: dict[tuple[int, int], float] = dict(zip(map(tuple, pairs.tolist()), scores.tolist()))
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(np.concatenate(([-1], labels[order], [-1]))))
    groups = []
    for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        members = order[begin:end].tolist()
        if len(members) > 1:
            members.sort(key=lambda i: (articles[i].date, articles[i].slug))
        scores_of = [1.0] + [_joining_score(i, members[:k] + members[k + 1:], best) for k, i in enumerate(members) if k]
        groups.append(VersionGroup(tuple(members), tuple(round(s, 3) for s in scores_of)))
    groups.sort(key=lambda g: min(g.members))
    return groups


def _joining_score(index: int, others: list[int], best: dict[tuple[int, int], float]) -> float:
    """The best verified resemblance of a version to another version of its event."""
    return max(best.get((min(index, o), max(index, o)), 0.0) for o in others)
