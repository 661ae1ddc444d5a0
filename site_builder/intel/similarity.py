"""Similarity between events: shared rare entities, shared topic words, closeness in time."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .sparse import sp
from .textsig import ArchiveFeatures

TOP_TERMS = 40            # topic terms kept per event
POSTING_CAP = 100          # a feature shared by more events in one time bucket is too common to find pairs


@dataclass(frozen=True)
class EventFeatures:
    """Per event (rows): day number, rarity-weighted entity vector and TF-IDF term vector, L2-normalised."""

    days: np.ndarray       # float64, days since the epoch of the earliest version
    entities: sp.csr_matrix  # events x entity slugs
    terms: sp.csr_matrix     # events x terms
    entity_slugs: tuple[str, ...]
    titles: sp.csr_matrix    # events x title terms (of every version)
    length: np.ndarray       # log(1 + distinct shingles of the first version's body): how much text there is


def event_features(features: ArchiveFeatures, groups: Sequence[Sequence[int]] | None, which: str) -> EventFeatures:
    """Features of events, each a group of article rows in `features` (None: every article alone).

    `which` picks the term counts: "story" (the whole text) or "related" (the top of it).
    """
    analysis = features.analysis
    terms = analysis.story_terms if which == "story" else analysis.related_terms
    entities = features.entities
    titles = features.titles
    days = features.days
    length = np.diff(analysis.shingles.starts)
    if groups is not None:
        sizes = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
        rows = np.fromiter((i for g in groups for i in g), dtype=np.int64, count=int(sizes.sum()))
        indptr = np.concatenate(([0], np.cumsum(sizes)))
        pick = sp.csr_matrix((np.ones(len(rows)), rows, indptr), shape=(len(groups), terms.shape[0]))
        terms, entities, titles = pick @ terms, pick @ entities, pick @ titles
        days, length = days[rows[indptr[:-1]]], length[rows[indptr[:-1]]]
        entities.data[:] = 1.0
        titles.data[:] = 1.0
    terms = sp.csr_matrix(terms, dtype=np.float64, copy=True)
    terms.data = 1.0 + np.log(terms.data)
    return EventFeatures(days, tfidf(entities), tfidf(strongest(tfidf(terms), TOP_TERMS)), features.entity_slugs,
                         tfidf(titles), np.log1p(length))


STRONGEST_ROWS = 4096     # rows ranked at a time: the temporaries stay small at any archive size


def strongest(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Only the `keep` largest values of each row (the terms that say most about a document);
    equal values are kept by column order."""
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    indptr, rows = matrix.indptr, matrix.shape[0]
    sizes = np.diff(indptr)
    scale = 2.0 * (float(np.abs(matrix.data).max()) if matrix.nnz else 1.0) + 1.0
    chosen = []
    for begin in range(0, rows, STRONGEST_ROWS):
        end = min(rows, begin + STRONGEST_ROWS)
        low, high = int(indptr[begin]), int(indptr[end])
        key = np.repeat(np.arange(end - begin) * scale, sizes[begin:end]) - matrix.data[low:high]
        order = np.argsort(key, kind="stable")       # by row, largest first; equal values by column
        rank = np.arange(high - low) - np.repeat(indptr[begin:end] - low, sizes[begin:end])
        chosen.append(np.sort(order[rank < keep]) + low)
    picked = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    counts = np.minimum(sizes, keep)
    return sp.csr_matrix((matrix.data[picked], matrix.indices[picked], np.concatenate(([0], np.cumsum(counts)))),
                         shape=matrix.shape)


def idf(matrix: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column: rare features weigh more, none weighs zero."""
    rows = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return np.log((rows + 1) / (df + 1)) + 1.0


def tfidf(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Columns weighted by `idf`, rows scaled to unit length (in place on one copy: at 100,000
    articles each copy of a term matrix is hundreds of megabytes)."""
    weighted = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    weighted.data *= idf(matrix)[weighted.indices]
    squares = sp.csr_matrix((weighted.data ** 2, weighted.indices, weighted.indptr), shape=weighted.shape)
    norms = np.sqrt(squares @ np.ones(weighted.shape[1]))
    del squares
    norms[norms == 0] = 1.0
    weighted.data *= np.repeat(1.0 / norms, np.diff(weighted.indptr))
    return weighted


def windowed_factors(matrix: sp.csr_matrix, days: np.ndarray, window: float, reach: int = 1) -> Part:
    """Rows times rows, restricted to rows within about `reach` `window`s of each other in time
    (every pair less than `reach` windows apart is in).

    Each feature is split per time bucket; the right factor also holds the `reach` buckets on each
    side, and features shared by more than POSTING_CAP rows in a bucket are dropped (too common).
    """
    coo = matrix.tocoo()
    bucket = np.floor((days - days.min()) / window).astype(np.int64) if len(days) else days.astype(np.int64)
    width = int(bucket.max()) + 1 + 2 * reach if len(days) else 1
    column = coo.col.astype(np.int64) * width + bucket[coo.row] + reach
    keys, inverse, counts = np.unique(column, return_inverse=True, return_counts=True)
    keep = counts[inverse] <= POSTING_CAP
    rows, cols, data = coo.row[keep], inverse[keep], coo.data[keep]
    left = sp.csr_matrix((data, (rows, cols)), shape=(matrix.shape[0], len(keys)))
    shifted_rows, shifted_cols, shifted_data = [], [], []
    column = column[keep]
    for shift in range(-reach, reach + 1):
        target = np.minimum(np.searchsorted(keys, column + shift), len(keys) - 1)
        hit = keys[target] == column + shift
        shifted_rows.append(rows[hit])
        shifted_cols.append(target[hit])
        shifted_data.append(data[hit])
    right = sp.csr_matrix((np.concatenate(shifted_data), (np.concatenate(shifted_rows), np.concatenate(shifted_cols))),
                          shape=left.shape).T.tocsr()
    return lambda begin, end: (left[begin:end] @ right).tocsr()


Part = Callable[[int, int], sp.csr_matrix]
Finish = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
BLOCK = 2000


def blockwise_scores(parts: Sequence[tuple[Part, float]], count: int, finish: Finish, keep: int,
                     within: tuple[int, int] | None = None) -> sp.csr_matrix:
    """Sum of weighted parts, block of rows by block (the rows `within`, else all), turned into scores
    by `finish(rows, cols, sums)`; only the `keep` best positive scores of each row survive, so
    memory stays linear."""
    rows, cols, data = [], [], []
    first, last = within or (0, count)
    for begin in range(first, last, BLOCK):
        end = min(last, begin + BLOCK)
        total = sum((part(begin, end) * weight for part, weight in parts), sp.csr_matrix((end - begin, count)))
        block = total.tocoo()
        row = block.row.astype(np.int64) + begin
        score = finish(row, block.col.astype(np.int64), block.data)
        positive = score > 0
        best = strongest(sp.csr_matrix((score[positive], (block.row[positive], block.col[positive])),
                                       shape=(end - begin, count)), keep).tocoo()
        rows.append(best.row.astype(np.int64) + begin)
        cols.append(best.col.astype(np.int64))
        data.append(best.data)
    if not rows:
        return sp.csr_matrix((count, count))
    return sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(count, count))


NEIGHBOURS = 50           # candidate neighbours kept per event


@dataclass(frozen=True)
class PairEvidence:
    """Candidate pairs of events (row, col), each row's NEIGHBOURS most alike close in time, with
    what tells whether they belong to one story."""

    rows: np.ndarray       # int64
    cols: np.ndarray       # int64
    entities: np.ndarray   # cosine of their rarity-weighted entities
    text: np.ndarray       # cosine of their TF-IDF topic terms
    titles: np.ndarray     # cosine of their titles' TF-IDF topic terms
    apart: np.ndarray      # days between them
    evidence: np.ndarray   # the shorter one's `EventFeatures.length`: how much text the cosines rest on
    count: int             # events


def pair_evidence(features: EventFeatures, window: float) -> PairEvidence:
    """Each event's NEIGHBOURS candidates within about two `window`s, ranked by shared entities and
    terms times `closeness`; memory stays linear (rows are taken BLOCK at a time)."""
    days, count = features.days, len(features.days)
    parts = [windowed_factors(matrix, days, window, reach=2)
             for matrix in (features.entities, features.terms, features.titles)]
    found: list[tuple[np.ndarray, ...]] = []
    for begin in range(0, count, BLOCK):
        end = min(count, begin + BLOCK)
        entity, text, title = (part(begin, end) for part in parts)
        total = (entity + text + title).tocoo()
        rows, cols = total.row.astype(np.int64), total.col.astype(np.int64)
        score = total.data * closeness(np.abs(days[rows + begin] - days[cols]), window)
        keep = (score > 0) & (rows + begin != cols)
        best = strongest(sp.csr_matrix((score[keep], (rows[keep], cols[keep])), shape=(end - begin, count)),
                         NEIGHBOURS).tocoo()
        rows, cols = best.row.astype(np.int64), best.col.astype(np.int64)
        if not len(rows):     # no candidates in this block (scipy's element indexing wants some)
            continue
        found.append((rows + begin, cols, *(np.clip(np.asarray(m[rows, cols]).ravel(), 0.0, 1.0)
                                            for m in (entity, text, title))))
    if not found:
        none = np.zeros(0)
        return PairEvidence(none.astype(np.int64), none.astype(np.int64), none, none, none, none, none, count)
    rows, cols, entity_cos, text_cos, title_cos = (np.concatenate(columns) for columns in zip(*found))
    evidence = np.minimum(features.length[rows], features.length[cols])
    return PairEvidence(rows, cols, entity_cos, text_cos, title_cos, np.abs(days[rows] - days[cols]), evidence, count)


def closeness(apart: np.ndarray, window: float) -> np.ndarray:
    """1 within `window` days, falling linearly to 0 at twice the window."""
    return np.clip(2.0 - apart / window, 0.0, 1.0)
