"""Related coverage for every article: explicit `related:` links first, then the most alike others.

Scored by shared entities (weighted by rarity), topic words of the title, summary and lede,
being in the same story and closeness in time. Candidates come from time-bucketed inverted
indexes (sparse products) and story neighbours, never from all pairs. Versions of the
article's own event are left out: they are shown separately.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .config import RelatedWeights
from .model import Article, RelatedLink, Story
from .textsig import (ArchiveFeatures, EventFeatures, analyse_archive, blockwise_scores, closeness, date_order,
                      event_features, idf, windowed_factors)

EDITOR = "linked by the editor"
SHOWN_ENTITIES = 3


def related_coverage(articles: Sequence[Article], stories: Sequence[Story], canonical: Callable[[str], str],
                     weights: RelatedWeights, *, names: Mapping[str, str] | None = None,
                     features: ArchiveFeatures | None = None) -> dict[str, tuple[RelatedLink, ...]]:
    """Up to `weights.count` related articles per article slug, explicit links first.

    `names` maps entity slugs to display names for the reasons; else the name as written is shown.
    `features` (from `analyse_archive` over the same articles) saves reading the texts again.
    """
    ordered = date_order(articles)
    if features is None or not features.matches(ordered):
        features = analyse_archive(ordered, canonical)
    story_of, event_of = _memberships(stories)
    each = event_features(features, None, "related")
    scores = _scores(ordered, each, story_of, event_of, weights)
    rarity = dict(zip(each.entity_slugs, idf(each.entities).tolist()))
    written = _written(ordered, canonical, rarity)
    coo = scores.tocoo()
    ranked = np.lexsort((coo.col, -coo.data, coo.row))
    columns, data = coo.col[ranked].tolist(), coo.data[ranked].tolist()
    bounds = np.searchsorted(coo.row[ranked], np.arange(len(ordered) + 1)).tolist()
    result = {}
    for index, article in enumerate(ordered):
        begin, end = bounds[index], min(bounds[index + 1], bounds[index] + weights.count * 2)
        picked = list(zip(columns[begin:end], data[begin:end]))
        result[article.slug] = _links(index, ordered, picked, story_of, written, names, weights)
    return result


def _written(ordered: Sequence[Article], canonical: Callable[[str], str], rarity: Mapping[str, float]
             ) -> list[dict[str, str]]:
    """Per article, canonical slug -> name as written, rarest first (ties: by slug)."""
    slug_of: dict[str, str] = {}
    written = []
    for article in ordered:
        names = {slug_of[n] if n in slug_of else slug_of.setdefault(n, canonical(n)): n for n in article.entities}
        written.append({s: names[s] for s in sorted(names, key=lambda s: (-rarity.get(s, 0.0), s))})
    return written


def _memberships(stories: Sequence[Story]) -> tuple[dict[str, str], dict[str, str]]:
    story_of, event_of = {}, {}
    for story in stories:
        for event in story.events:
            for version in event.versions:
                story_of[version.slug] = story.id
                event_of[version.slug] = event.id
    return story_of, event_of


def _scores(ordered: Sequence[Article], features: EventFeatures, story_of: Mapping[str, str],
            event_of: Mapping[str, str], weights: RelatedWeights) -> sp.csr_matrix:
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
    return blockwise_scores(parts, len(ordered), finish, weights.count * 3)


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
           story_of: Mapping[str, str], written: Sequence[Mapping[str, str]],
           names: Mapping[str, str] | None, weights: RelatedWeights) -> tuple[RelatedLink, ...]:
    article = ordered[index]
    links = [RelatedLink(s, 1.0, (EDITOR,)) for s in dict.fromkeys(article.related) if s != article.slug]
    shown = {link.slug for link in links} | {article.slug}
    for other, score in picked:
        candidate = ordered[other]
        if candidate.slug not in shown and len(links) < weights.count:
            shown.add(candidate.slug)
            links.append(RelatedLink(candidate.slug, round(score, 3),
                                     reasons(article, candidate, story_of, written[index], written[other], names)))
    return tuple(links[: weights.count])


def reasons(article: Article, other: Article, story_of: Mapping[str, str], mine: Mapping[str, str],
            theirs: Mapping[str, str], names: Mapping[str, str] | None) -> tuple[str, ...]:
    """Human reasons: the rarest shared entities, the same story, and when (`mine`: rarest first)."""
    found = []
    shared = shared_entities(mine, theirs, names)
    if shared:
        found.append("shares " + ", ".join(shared))
    if story_of.get(article.slug) is not None and story_of.get(article.slug) == story_of.get(other.slug):
        found.append("same story")
    found.append(when(article, other))
    return tuple(found)


def shared_entities(mine: Mapping[str, str], theirs: Mapping[str, str], names: Mapping[str, str] | None) -> list[str]:
    """Display names of the rarest entities both articles name; `mine` (slug -> name as written) is
    ordered rarest first."""
    common = [s for s in mine if s in theirs][:SHOWN_ENTITIES]
    return [(names or {}).get(s) or mine[s] for s in common]


def when(article: Article, other: Article) -> str:
    """'same day', '3 hours later', '2 days earlier': the other article's time relative to this one."""
    if article.date_only or other.date_only:
        days = (other.date.date() - article.date.date()).days
        return "same day" if days == 0 else _ago(abs(days), "day", days > 0)
    seconds = (other.date - article.date).total_seconds()
    hours = abs(seconds) / 3600
    if hours < 1:
        return "within the hour"
    if hours < 24:
        return _ago(round(hours), "hour", seconds > 0)
    return _ago(round(hours / 24), "day", seconds > 0)


def _ago(amount: int, unit: str, later: bool) -> str:
    return f"{amount} {unit}{'s' if amount != 1 else ''} {'later' if later else 'earlier'}"


