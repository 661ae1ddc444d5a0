"""Syndicated copies: near-duplicate bodies grouped into the versions of one event.

Candidates come from MinHash LSH over the word shingles of whole bodies and of their ledes (a copy
cut short keeps its lede), never all pairs. A candidate pair is a copy when, within WINDOW_DAYS:
- most of the shorter body's shingles are in the longer one (words compared lowercased, 'U.S.' as
  'us', wire abbreviations such as 'mln' as the words they stand for);
- the shorter body's figures are in the longer one, when it is shorter than FIGURES_BELOW shingles:
  templated reports (dividends, earnings, casualty counts) share their words and differ in their
  numbers; a long text edited in a paragraph is still a copy;
- when the shorter body is a short notice (under SHORT_SHINGLES shingles), the titles share most
  of their words too: the company a dividend notice is about is named in its title only;
- the two come from different outlets, or are the same page (same `url`): an outlet that publishes
  a text twice published two things.
Articles are then taken oldest first: each joins, among the events it is a copy of that have no
version from its outlet yet, the one it resembles most (shared shingles over all), else starts one.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..core.model import Article
from .textsig import Analysis, Doc, Shingles, analyse, lsh_pairs
from .tokens import words

MIN_SHINGLES = 3       # bodies of fewer words are too small to call copies of anything
WINDOW_DAYS = 7.0      # copies further apart in time are different events
FIGURES_SHARED = 0.9   # share of the shorter body's figures the longer must have
FIGURES_BELOW = 100    # ... when the shorter body has fewer shingles than this
SHORT_SHINGLES = 20    # a body shorter than this is a notice: its title must match too
TITLE_SHARED = 0.6     # share of the shorter title's words the other title must have
_FIGURE = re.compile(r"\d+(?:[.,:/]\d+)*")


@dataclass(frozen=True)
class VersionGroup:
    """Indices (into the input) of the copies of one event, oldest first, and the score that joined each."""

    members: tuple[int, ...]
    scores: tuple[float, ...]
    key: str | None = None     # the event's key when `Seeds` formed it


@dataclass(frozen=True)
class Copy:
    """A verified pair of copies (indices, first < second): containment and Jaccard of their shingles."""

    first: int
    second: int
    containment: float
    jaccard: float


def resemblance(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Containment of the smaller shingle set in the larger, and their Jaccard similarity."""
    smaller = min(len(a), len(b))
    if smaller < MIN_SHINGLES:
        return 0.0, 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / smaller, shared / (len(a) + len(b) - shared)


def figures(text: str) -> Counter[str]:
    """The numbers of a text, '1,000' as '1000'."""
    return Counter(match.replace(",", "") for match in _FIGURE.findall(text))


def figures_agree(a: Counter[str], b: Counter[str]) -> bool:
    """Whether the text with fewer figures has (nearly) all of them in the other."""
    fewer, more = (a, b) if sum(a.values()) <= sum(b.values()) else (b, a)
    total = sum(fewer.values())
    return not total or sum((fewer & more).values()) >= FIGURES_SHARED * total


def titles_agree(a: str, b: str) -> bool:
    """Whether most words of the shorter title are in the other ('UPDATE 1-' and case aside)."""
    first, second = set(words(a)), set(words(b))
    fewer, more = (first, second) if len(first) <= len(second) else (second, first)
    return bool(fewer) and len(fewer & more) >= TITLE_SHARED * len(fewer)


def _same_outlet(a: Article, b: Article) -> bool:
    """Two publications of one outlet, not one page saved twice."""
    return a.source.casefold() == b.source.casefold() and not (a.url and a.url == b.url)


def candidate_pairs(analysis: Analysis) -> np.ndarray:
    """(n, 2) pairs i < j that agree on a band of the whole-body or the lede signature."""
    pairs = np.concatenate([lsh_pairs(analysis.signature), lsh_pairs(analysis.lede)])
    return np.unique(pairs, axis=0) if len(pairs) else pairs


def verified_copies(articles: Sequence[Article], analysis: Analysis, threshold: float,
                    pairs: np.ndarray | None = None) -> list[Copy]:
    """Candidate pairs (LSH's, unless given) that pass every test of a copy (see the module's docstring)."""
    shingles: Shingles = analysis.shingles
    days = np.array([a.date.timestamp() / 86400.0 for a in articles])
    pairs = candidate_pairs(analysis) if pairs is None else pairs
    if len(pairs):
        sizes = np.diff(shingles.starts)
        near = np.abs(days[pairs[:, 0]] - days[pairs[:, 1]]) <= WINDOW_DAYS
        pairs = pairs[near & (np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]]) >= MIN_SHINGLES)]
    numbers: dict[int, Counter[str]] = {}
    copies = []
    for a, b in pairs.tolist():
        if _same_outlet(articles[a], articles[b]):
            continue
        containment, jaccard = resemblance(shingles.of(a), shingles.of(b))
        if containment < threshold:
            continue
        size = min(shingles.size(a), shingles.size(b))
        if size < SHORT_SHINGLES and not titles_agree(articles[a].title, articles[b].title):
            continue
        if size < FIGURES_BELOW:
            for i in (a, b):
                if i not in numbers:
                    numbers[i] = figures(articles[i].body)
            if not figures_agree(numbers[a], numbers[b]):
                continue
        copies.append(Copy(a, b, containment, jaccard))
    return copies


def copy_score(earlier: Article, later: Article, threshold: float) -> float | None:
    """How much of the shorter body is in the other when `later` is a copy of `earlier` as the
    build groups them (every test above), else None: what `import` calls a new version."""
    pair = [earlier, later]
    copies = verified_copies(pair, analyse([Doc("", "", a.body) for a in pair]), threshold, np.array([[0, 1]]))
    return copies[0].containment if copies else None


class CopyIndex:
    """Articles by the body shingles the build's copies are found by (`textsig`), to test a new
    text against its likeliest earlier copies only: what `import` calls a new version."""

    def __init__(self, articles: Sequence[Article], threshold: float, candidates: int = 5) -> None:
        self.threshold, self.candidates = threshold, candidates
        self.articles: list[Article] = []
        self.sizes: list[int] = []
        self.index: dict[int, list[int]] = {}
        shingles = analyse([Doc("", "", a.body) for a in articles]).shingles
        for number, article in enumerate(articles):
            self._add(article, shingles.of(number))

    def add(self, article: Article) -> None:
        self._add(article, body_shingles(article.body))

    def _add(self, article: Article, shingles: np.ndarray) -> None:
        for value in shingles.tolist():
            self.index.setdefault(value, []).append(len(self.articles))
        self.articles.append(article)
        self.sizes.append(len(shingles))

    def nearest(self, shingles: np.ndarray) -> list[int]:
        """The articles sharing most shingles (by containment in the smaller text), most first."""
        counts: dict[int, int] = {}
        for value in shingles.tolist():
            for number in self.index.get(value, ()):
                counts[number] = counts.get(number, 0) + 1
        ranked = sorted(counts, key=lambda n: (-counts[n] / max(min(len(shingles), self.sizes[n]), 1), n))
        return ranked[:self.candidates]

    def copy_of(self, article: Article) -> tuple[Article, float] | None:
        """The likeliest article that `article` is a copy of, as the build decides it, and its score."""
        for number in self.nearest(body_shingles(article.body)):
            known = self.articles[number]
            earlier, later = sorted((known, article), key=lambda a: (a.date, a.slug))
            score = copy_score(earlier, later, self.threshold)
            if score is not None:
                return known, score
        return None


def body_shingles(body: str) -> np.ndarray:
    """The sorted distinct shingle hashes of one body, as the copies are found by."""
    return analyse([Doc("", "", body)]).shingles.of(0)


@dataclass(frozen=True)
class Seeds:
    """Events formed before these articles (an earlier part of the archive): some articles are
    already versions of them, and their versions so far come from these outlets."""

    event_of: dict[int, str] = field(default_factory=dict)                  # article index -> event key
    outlets: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # event key -> (outlet, url) per version


def group_versions(articles: Sequence[Article], threshold: float, analysis: Analysis | None = None,
                   seeds: Seeds | None = None) -> list[VersionGroup]:
    """Every article in exactly one group; groups of copies of one text, members oldest first.

    `analysis` may be given when already computed (one document per article, in the same order).
    `seeds`: articles already grouped stay in their event (its `key`), and later copies may join it.
    Groups are ordered by their first member in date order.
    """
    if analysis is None:
        analysis = analyse([Doc("", "", a.body) for a in articles])
    seeds = seeds or Seeds()
    order = sorted(range(len(articles)), key=lambda i: (articles[i].date, articles[i].slug))
    rank = {index: position for position, index in enumerate(order)}
    earlier: list[list[Copy]] = [[] for _ in articles]     # per article, its copies published before it
    for copy in verified_copies(articles, analysis, threshold):
        earlier[max(copy.first, copy.second, key=rank.__getitem__)].append(copy)
    event_of: dict[int, int] = {}
    members: list[list[int]] = []
    scores: list[list[float]] = []
    outlets: list[list[tuple[str, str]]] = []
    keys: list[str | None] = []
    seeded: dict[str, int] = {}
    for index in order:
        key = seeds.event_of.get(index)
        if key is not None:
            if key not in seeded:
                seeded[key] = len(members)
                members.append([])
                scores.append([])
                outlets.append(list(map(tuple, seeds.outlets.get(key, ()))))    # type: ignore[arg-type]
                keys.append(key)
            event_of[index] = seeded[key]
            members[seeded[key]].append(index)
            scores[seeded[key]].append(1.0)
            continue
        article = articles[index]
        chosen = _best_event(index, earlier[index], event_of, outlets, article)
        if chosen is None:
            event_of[index] = len(members)
            members.append([index])
            scores.append([1.0])
            outlets.append([_outlet(article)])
            keys.append(None)
        else:
            event, score = chosen
            event_of[index] = event
            members[event].append(index)
            scores[event].append(round(score, 3))
            outlets[event].append(_outlet(article))
    return [VersionGroup(tuple(m), tuple(s), k) for m, s, k in zip(members, scores, keys)]


def _outlet(article: Article) -> tuple[str, str]:
    return article.source.casefold(), article.url or ""


def _best_event(index: int, copies: list[Copy], event_of: dict[int, int], outlets: list[list[tuple[str, str]]],
                article: Article) -> tuple[int, float] | None:
    """The event article `index` resembles most among those it is a copy of and may join (no
    version from its outlet yet), with the containment that joined it; ties go to the earliest event."""
    source, url = _outlet(article)
    best: tuple[float, int, float] | None = None
    for copy in copies:
        event = event_of[copy.second if copy.first == index else copy.first]
        if any(source == other and not (url and url == other_url) for other, other_url in outlets[event]):
            continue
        key = (copy.jaccard, -event, copy.containment)
        if best is None or key > best:
            best = key
    return None if best is None else (-best[1], best[2])
