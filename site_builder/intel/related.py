"""Related coverage for every article: explicit `related:` links first, then the most alike others.

Scored by shared entities (weighted by rarity), topic words of the title, summary and lede,
being in the same story and closeness in time. Candidates come from time-bucketed inverted
indexes (sparse products) and story neighbours, never from all pairs. Versions of the
article's own event are left out: they are shown separately; of another event, only the one most
alike is linked.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..core.config import RelatedWeights
from ..core.model import Article, RelatedLink, Relation
from .similarity import EventFeatures, blockwise_scores, closeness, event_features, idf, windowed_factors
from .sparse import sp
from .textsig import ArchiveFeatures

SHOWN_ENTITIES = 3
EDITOR = Relation(editor=True)


def part_related(ordered: Sequence[Article], features: ArchiveFeatures, core: tuple[int, int],
                 story_of: Mapping[str, str], event_of: Mapping[str, str], canonical: Callable[[str], str],
                 weights: RelatedWeights, names: Mapping[str, str] | None = None) -> dict[str, tuple[RelatedLink, ...]]:
    """Up to `weights.count` related articles for each article of `ordered[core[0]:core[1]]`,
    explicit links first, found among `ordered` (the part and its horizon; `features` are theirs).

    `names` maps entity slugs to display names for the reasons; else the name as written is given.
    """
    each = event_features(features, None, "related")
    scores = _scores(ordered, each, story_of, event_of, weights, core)
    rarity = idf(features.entities)
    written = _Written(ordered, canonical, dict(zip(features.entity_slugs, rarity.tolist())))
    row, col, data = _one_a_event(*_ranked(scores), ordered, event_of)
    sizes = np.bincount(row, minlength=len(ordered))
    rank = np.arange(len(row)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    edited = np.array([bool(a.related) for a in ordered], dtype=bool)
    plain = (rank < weights.count) & ~edited[row]
    found = _plain_links(ordered, row[plain], col[plain], data[plain], features, rarity, story_of, names, written)
    result: dict[str, tuple[RelatedLink, ...]] = {a.slug: () for a in ordered[core[0]: core[1]]}
    for index, links in found.items():
        result[ordered[index].slug] = tuple(links)
    bounds = np.searchsorted(row, np.arange(len(ordered) + 1)).tolist()
    for index in np.flatnonzero(edited[core[0]: core[1]]).tolist():
        index += core[0]
        begin, end = bounds[index], min(bounds[index + 1], bounds[index] + weights.count * 2)
        picked = list(zip(col[begin:end].tolist(), data[begin:end].tolist()))
        result[ordered[index].slug] = _links(index, ordered, picked, story_of, written, names, weights)
    return result


def horizon(weights: RelatedWeights) -> float:
    """Days on each side of an article where its related coverage is looked for."""
    return 2 * weights.time_window_days


def _ranked(scores: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, score) of every scored pair: by row, best score first, ties by column."""
    coo = scores.tocoo()
    order = np.lexsort((coo.col, -coo.data, coo.row))
    return coo.row[order].astype(np.int64), coo.col[order].astype(np.int64), coo.data[order]


def _one_a_event(row: np.ndarray, col: np.ndarray, data: np.ndarray, ordered: Sequence[Article],
                 event_of: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ranked pairs with only the best of each row's candidates of one event: other outlets'
    copies of a happening are one link (its page lists them), not a list of the same headline."""
    numbers: dict[str, int] = {}
    event = np.array([numbers.setdefault(event_of.get(a.slug, a.slug), len(numbers)) for a in ordered],
                     dtype=np.int64)
    _, first = np.unique(row * max(len(numbers), 1) + event[col], return_index=True)
    keep = np.zeros(len(row), dtype=bool)
    keep[first] = True                 # the first of each (row, event) in rank order is its best
    return row[keep], col[keep], data[keep]


class _Written:
    """Per article, canonical slug -> name as written, rarest first (ties: by slug); made when asked for."""

    def __init__(self, ordered: Sequence[Article], canonical: Callable[[str], str], rarity: Mapping[str, float]):
        self.ordered, self.canonical, self.rarity = ordered, canonical, rarity
        self.made: dict[int, dict[str, str]] = {}

    def __getitem__(self, index: int) -> dict[str, str]:
        if index not in self.made:
            names = {self.canonical(n): n for n in self.ordered[index].entities}
            self.made[index] = {s: names[s] for s in sorted(names, key=lambda s: (-self.rarity.get(s, 0.0), s))}
        return self.made[index]


def _plain_links(ordered: Sequence[Article], row: np.ndarray, col: np.ndarray, data: np.ndarray,
                 features: ArchiveFeatures, rarity: np.ndarray, story_of: Mapping[str, str],
                 names: Mapping[str, str] | None, written: _Written) -> dict[int, list[RelatedLink]]:
    """Links of articles without editor links, all at once: (row, col) pairs ranked within each row."""
    shared = _shared_names(row, col, features, rarity, names, written)
    numbers: dict[str, int] = {}
    story = np.array([numbers.setdefault(story_of[a.slug], len(numbers)) if a.slug in story_of else -1
                      for a in ordered], dtype=np.int64)
    same = ((story[row] == story[col]) & (story[row] >= 0)).tolist()
    slugs = [a.slug for a in ordered]
    found: dict[int, list[RelatedLink]] = {}
    for index, other, score, together, common, (by_day, days, seconds) in zip(
            row.tolist(), col.tolist(), data.tolist(), same, shared, _times(ordered, row, col)):
        why = Relation(False, common, together, by_day, days, seconds)
        found.setdefault(index, []).append(RelatedLink(slugs[other], round(score, 3), why))
    return found


def _shared_names(row: np.ndarray, col: np.ndarray, features: ArchiveFeatures, rarity: np.ndarray,
                  names: Mapping[str, str] | None, written: _Written) -> list[tuple[str, ...]]:
    """Per pair, the display names of up to SHOWN_ENTITIES rarest entities both name."""
    entities, slugs = features.entities, features.entity_slugs
    width = max(entities.shape[1], 1)
    position = np.empty(len(slugs), dtype=np.int64)
    position[sorted(range(len(slugs)), key=lambda e: (-rarity[e], slugs[e]))] = np.arange(len(slugs))
    sizes = np.diff(entities.indptr)
    owner = np.repeat(np.arange(entities.shape[0], dtype=np.int64), sizes)
    by_rarity = entities.indices[np.argsort(owner * width + position[entities.indices], kind="stable")]
    held = np.sort(owner * width + entities.indices)
    counts = sizes[row]
    pair = np.repeat(np.arange(len(row)), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    entity = by_rarity[np.repeat(entities.indptr[:-1][row], counts) + offset]
    wanted = col[pair] * width + entity
    hit = held[np.minimum(np.searchsorted(held, wanted), len(held) - 1)] == wanted if len(held) else wanted < 0
    pair, entity = pair[hit], entity[hit]
    keep = np.arange(len(pair)) - np.searchsorted(pair, pair) < SHOWN_ENTITIES
    shown: list[list[str]] = [[] for _ in range(len(row))]
    display = [(names or {}).get(slug) for slug in slugs]
    rows = row.tolist()
    for k, e in zip(pair[keep].tolist(), entity[keep].tolist()):
        shown[k].append(display[e] or written[rows[k]][slugs[e]])
    return [tuple(s) for s in shown]


def _times(ordered: Sequence[Article], row: np.ndarray, col: np.ndarray) -> zip[tuple[bool, int, float]]:
    """Per pair: whether either is dated by day alone, the other's calendar day and time minus the first's."""
    stamps = np.array([a.date.timestamp() for a in ordered], dtype=np.float64)
    days = np.array([a.date.date().toordinal() for a in ordered], dtype=np.int64)
    dated = np.array([a.date_only for a in ordered], dtype=bool)
    return zip((dated[row] | dated[col]).tolist(), (days[col] - days[row]).tolist(), (stamps[col] - stamps[row]).tolist())


def _scores(ordered: Sequence[Article], features: EventFeatures, story_of: Mapping[str, str],
            event_of: Mapping[str, str], weights: RelatedWeights, core: tuple[int, int]) -> sp.csr_matrix:
    """Sparse article x article scores in [0, 1]; own versions and weak pairs dropped."""
    window = weights.time_window_days
    total = weights.entities + weights.text + weights.same_story + weights.time or 1.0
    same = _story_neighbours(ordered, story_of, weights.count * 2)
    events = np.array([event_of.get(a.slug, a.slug) for a in ordered])
    days = features.days

    def finish(rows: np.ndarray, cols: np.ndarray, sums: np.ndarray) -> np.ndarray:
        score = (sums + weights.time * closeness(np.abs(days[rows] - days[cols]), window)) / total
        return np.where((score >= weights.min_score) & (events[rows] != events[cols]), score, 0.0)

    parts = [(windowed_factors(features.entities, days, window), weights.entities),
             (windowed_factors(features.terms, days, window), weights.text),
             (lambda begin, end: same[begin:end], weights.same_story)]
    return blockwise_scores(parts, len(ordered), finish, weights.count * 3, core)


def _story_neighbours(ordered: Sequence[Article], story_of: Mapping[str, str], reach: int) -> sp.csr_matrix:
    """1 for pairs in the same story at most `reach` articles apart in date order."""
    numbers: dict[str, int] = {}
    story = np.array([numbers.setdefault(story_of[a.slug], len(numbers)) if a.slug in story_of else -1
                      for a in ordered], dtype=np.int64)
    members = np.flatnonzero(story >= 0)
    order = members[np.argsort(story[members], kind="stable")]
    rows, cols = [], []
    for shift in range(1, reach + 1):
        same = story[order[shift:]] == story[order[:-shift]]
        rows += [order[shift:][same], order[:-shift][same]]
        cols += [order[:-shift][same], order[shift:][same]]
    count = len(ordered)
    row, col = (np.concatenate(rows), np.concatenate(cols)) if rows else (np.zeros(0, np.int64),) * 2
    return sp.csr_matrix((np.ones(len(row)), (row, col)), shape=(count, count))


def _links(index: int, ordered: Sequence[Article], picked: list[tuple[int, float]],
           story_of: Mapping[str, str], written: _Written,
           names: Mapping[str, str] | None, weights: RelatedWeights) -> tuple[RelatedLink, ...]:
    article = ordered[index]
    links = [RelatedLink(s, 1.0, EDITOR) for s in dict.fromkeys(article.related) if s != article.slug]
    shown = {link.slug for link in links} | {article.slug}
    for other, score in picked:
        candidate = ordered[other]
        if candidate.slug not in shown and len(links) < weights.count:
            shown.add(candidate.slug)
            links.append(RelatedLink(candidate.slug, round(score, 3),
                                     relation(article, candidate, story_of, written[index], written[other], names)))
    return tuple(links[: weights.count])


def relation(article: Article, other: Article, story_of: Mapping[str, str], mine: Mapping[str, str],
             theirs: Mapping[str, str], names: Mapping[str, str] | None) -> Relation:
    """Why `other` is related to `article`: the rarest shared entities (`mine`: rarest first), the
    same story, and how far apart in time."""
    same = story_of.get(article.slug) is not None and story_of.get(article.slug) == story_of.get(other.slug)
    return Relation(False, tuple(shared_entities(mine, theirs, names)), same, article.date_only or other.date_only,
                    (other.date.date() - article.date.date()).days, (other.date - article.date).total_seconds())


def shared_entities(mine: Mapping[str, str], theirs: Mapping[str, str], names: Mapping[str, str] | None) -> list[str]:
    """Display names of the rarest entities both articles name; `mine` (slug -> name as written) is
    ordered rarest first."""
    common = [s for s in mine if s in theirs][:SHOWN_ENTITIES]
    return [(names or {}).get(s) or mine[s] for s in common]
