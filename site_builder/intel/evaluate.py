"""Clustering quality against hand (or generator) labels: pairwise and B-cubed scores.

Everything is computed from contingency counts (cluster x label sizes), never from all pairs.
"""
from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Problem, SiteError, fail

LEVELS = {"stories": "story", "events": "event", "copies": "copy"}   # what is scored -> the labels' column


@dataclass(frozen=True)
class Scores:
    """Pairwise and B-cubed precision, recall and F1 of a clustering against labels."""

    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    items: int


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float


def read_labels(path: Path, column: str = "story") -> dict[str, str]:
    """`path -> label` from a CSV with a header naming at least `path` and `column`; problems located."""
    rel = str(path)
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise fail(rel, None, f"cannot read labels: {error.strerror}",
                   "check that the file exists and that you may read it") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("path", column) if c not in (reader.fieldnames or [])]
        if missing:
            raise fail(rel, 1, f"labels header lacks {', '.join(missing)}",
                       f"the first line must name the columns, e.g. path,{column}")
        return _rows(reader, rel, column)


def _rows(reader: csv.DictReader, rel: str, column: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    problems = []
    for row in reader:
        line = reader.line_num
        key, value = (row.get("path") or "").strip(), (row.get(column) or "").strip()
        if not key or not value:
            problems.append(Problem(rel, line, f"row needs both path and {column}", "fill in or delete the row"))
        elif key in labels and labels[key] != value:
            problems.append(Problem(rel, line, f"'{key}' is labelled twice, differently",
                                    "keep one row per path"))
        else:
            labels[key] = value
    if problems:
        raise SiteError(problems)
    return labels


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _contingency(computed: Mapping[str, str], labels: Mapping[str, str]) -> tuple[Counter, Counter, Counter]:
    items = [k for k in labels if k in computed]
    cells = Counter((computed[k], labels[k]) for k in items)
    clusters = Counter(computed[k] for k in items)
    classes = Counter(labels[k] for k in items)
    return cells, clusters, classes


def pair_scores(computed: Mapping[str, str], labels: Mapping[str, str]) -> PairScores:
    """Pairwise precision and recall: of item pairs put together, how many belong together, and vice versa."""
    cells, clusters, classes = _contingency(computed, labels)
    together = sum(_pairs(n) for n in cells.values())
    predicted = sum(_pairs(n) for n in clusters.values())
    true = sum(_pairs(n) for n in classes.values())
    precision = together / predicted if predicted else 1.0
    recall = together / true if true else 1.0
    return PairScores(precision, recall, _f1(precision, recall))


def story_scores(computed: Mapping[str, str], labels: Mapping[str, str]) -> Scores:
    """Scores of `computed` (item -> cluster) against `labels` (item -> true class), over labelled items."""
    cells, clusters, classes = _contingency(computed, labels)
    items = sum(cells.values())
    pairwise = pair_scores(computed, labels)
    precision = sum(n * n / clusters[c] for (c, _), n in cells.items()) / items if items else 1.0
    recall = sum(n * n / classes[t] for (_, t), n in cells.items()) / items if items else 1.0
    return Scores(pairwise.precision, pairwise.recall, pairwise.f1, precision, recall, _f1(precision, recall), items)


def version_scores(computed_event_of: Mapping[str, str], true_event_of: Mapping[str, str]) -> PairScores:
    """Pairwise precision and recall of version grouping (which articles are copies of one event)."""
    return pair_scores(computed_event_of, true_event_of)
