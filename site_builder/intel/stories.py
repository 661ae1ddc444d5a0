"""Stories and their events: syndicated copies grouped into events, events clustered into stories.

Explicit `story:` keys always win. Other events are clustered online, oldest first, by average
linkage: an event joins the story whose recent events are on average most likely the same story
as it (`storymodel`: shared rare entities, topic words, closeness in time, how much text that
rests on), when that reaches the threshold, or starts a new story. Precision comes first: one
event much alike is not enough when the story's other recent events are not. Candidate pairs come
from sparse products over time-bucketed features, never all pairs.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from ..core.config import StoryWeights
from ..core.model import Article, Event, Story, StoryInfo, Tie, Version
from .storymodel import same_story
from .tokens import STOPWORDS, words
from .textsig import ArchiveFeatures, analyse_archive, date_order
from .similarity import EventFeatures, event_features, pair_evidence
from .versions import group_versions

PULL = 1.5   # an unlabelled event joins an explicit story only at PULL x threshold: "clearly alike"
SHOWN_TERMS = 5


@dataclass(frozen=True)
class Candidate:
    """Events (indices into the event list) of one computed story; `label` is its explicit id, if any."""

    label: str | None
    events: tuple[int, ...]


@dataclass(frozen=True)
class Clusters:
    """Computed stories, and for each event that joined one by likeness, the earlier event of the
    story it matched best with that pair's probability."""

    candidates: list[Candidate]
    ties: dict[int, tuple[int, float]]


def compute_stories(articles: Sequence[Article], registry: Sequence[StoryInfo],
                    canonical: Callable[[str], str], weights: StoryWeights, *,
                    features: ArchiveFeatures | None = None) -> tuple[Story, ...]:
    """Group articles into stories of events, newest activity first; events and versions oldest first.

    `features` (from `analyse_archive` over the same articles) saves reading the texts again.
    """
    ordered = date_order(articles)
    if features is None or not features.matches(ordered):
        features = analyse_archive(ordered, canonical)
    groups = group_versions(ordered, weights.version_threshold, features.analysis)
    groups.sort(key=lambda g: g.members[0])     # rows are in (date, slug) order
    events = [Event(ordered[g.members[0]].slug, ordered[g.members[0]].date,
                    tuple(Version(ordered[m].slug, s) for m, s in zip(g.members, g.scores))) for g in groups]
    members = [[ordered[m] for m in g.members] for g in groups]
    event = event_features(features, [g.members for g in groups], "story")
    similar = same_story(pair_evidence(event, weights.window_days), weights)
    clusters = cluster(event, similar, [_label(m) for m in members], weights)
    events = [replace(e, tie=_tie(number, clusters.ties.get(number), event, events, members))
              for number, e in enumerate(events)]
    return _stories(clusters.candidates, events, members, similar, registry)


def _tie(number: int, tie: tuple[int, float] | None, features: EventFeatures, events: list[Event],
         members: list[list[Article]]) -> Tie | None:
    """What an event shares with the earlier event that tied it to its story: rarest names first."""
    if tie is None:
        return None
    other, score = tie
    rows = features.entities
    mine = dict(zip(rows.indices[rows.indptr[number]: rows.indptr[number + 1]].tolist(),
                    rows.data[rows.indptr[number]: rows.indptr[number + 1]].tolist()))
    theirs = set(rows.indices[rows.indptr[other]: rows.indptr[other + 1]].tolist())
    shared = sorted(theirs.intersection(mine), key=lambda column: (-mine[column], column))
    return Tie(events[other].id, round(score, 3), tuple(features.entity_slugs[c] for c in shared),
               shared_terms(members[number][0], members[other][0]))


def shared_terms(article: Article, other: Article) -> tuple[str, ...]:
    """Topic words both leads use, in the order of the first (stop words, numbers, short words aside)."""
    theirs = set(_topic_words(other))
    return tuple(dict.fromkeys(word for word in _topic_words(article) if word in theirs))[:SHOWN_TERMS]


def _topic_words(article: Article) -> list[str]:
    text = " ".join((article.title, article.summary, article.body.split("\n\n", 1)[0]))
    return [word for word in words(text) if len(word) > 2 and not word.isdigit() and word not in STOPWORDS]


def _label(versions: list[Article]) -> str | None:
    """The explicit story of an event: the oldest version's `story:` that is set."""
    return next((a.story for a in versions if a.story), None)


def cluster(features: EventFeatures, similar: sp.csr_matrix, labels: list[str | None],
            weights: StoryWeights) -> Clusters:
    """Online average-linkage clustering of events in date order.

    Events are visited oldest first, so only earlier neighbours can already be in a story.
    """
    days = features.days.tolist()
    earlier = sp.tril(similar, k=-1, format="csr")
    indptr, neighbours, scores = earlier.indptr.tolist(), earlier.indices.tolist(), earlier.data.tolist()
    story_of: list[int] = []
    times: list[Timeline] = []
    explicit: list[str | None] = []
    by_label: dict[str, int] = {}
    ties: dict[int, tuple[int, float]] = {}
    for event, label in enumerate(labels):
        begin, end = indptr[event], indptr[event + 1]
        if label is not None:
            chosen = by_label.setdefault(label, len(times))
        else:
            sums: dict[int, float] = {}
            for other, score in zip(neighbours[begin:end], scores[begin:end]):
                sums[story_of[other]] = sums.get(story_of[other], 0.0) + score
            chosen = _best_story(sums, times, explicit, days[event], weights)
            if chosen < len(times):
                ties[event] = max(((o, s) for o, s in zip(neighbours[begin:end], scores[begin:end])
                                   if story_of[o] == chosen), key=lambda pair: (pair[1], -pair[0]))
        if chosen == len(times):
            times.append(Timeline())
            explicit.append(label)
        story_of.append(chosen)
        times[chosen].add(days[event])
    candidates: dict[int, list[int]] = defaultdict(list)
    for event, story in enumerate(story_of):
        candidates[story].append(event)
    return Clusters([Candidate(explicit[s], tuple(e)) for s, e in candidates.items()], ties)


def _best_story(sums: dict[int, float], times: list[Timeline], explicit: list[str | None], day: float,
                weights: StoryWeights) -> int:
    """The story an event resembles most on average over its events close in time, or a new one.

    `sums` are the event's summed similarities to each story's events. The average is weighted
    by closeness in time, so a story's old events count less.
    """
    best, best_score = len(times), 0.0
    for story in sorted(sums):
        score = sums[story] / times[story].presence(day, weights.window_days)
        needed = weights.threshold * (PULL if explicit[story] else 1.0)
        if score >= needed and score > best_score:
            best, best_score = story, score
    return best


class Timeline:
    """The days of a story's events, oldest first, with running sums."""

    def __init__(self) -> None:
        self.days: list[float] = []
        self.sums: list[float] = [0.0]

    def add(self, day: float) -> None:
        self.days.append(day)
        self.sums.append(self.sums[-1] + day)

    def presence(self, day: float, window: float) -> float:
        """How many events are close to `day` (none is later), each counted by its closeness:
        1 within `window` days, falling linearly to 0 at twice the window."""
        far, near, count = bisect_left(self.days, day - 2 * window), bisect_left(self.days, day - window), len(self.days)
        fading = (near - far) * (2.0 - day / window) + (self.sums[near] - self.sums[far]) / window
        return max(count - near + fading, 1e-9)


def _stories(candidates: list[Candidate], events: list[Event], members: list[list[Article]], similar: sp.csr_matrix,
             registry: Sequence[StoryInfo]) -> tuple[Story, ...]:
    info = {s.id: s for s in registry}
    taken = set(info) | {d.label for d in candidates if d.label}
    stories = []
    for candidate, central in zip(candidates, _centres(candidates, similar)):
        lead = members[central][0]
        story_id = candidate.label or _auto_id(events[candidate.events[0]].id, taken)
        known = info.get(story_id) if candidate.label else None
        stories.append(Story(story_id, known.title if known else lead.title,
                             known.summary if known else lead.summary, candidate.label is not None,
                             tuple(events[e] for e in candidate.events), known.status if known else "developing"))
    stories.sort(key=lambda s: s.id)
    stories.sort(key=lambda s: s.events[-1].date, reverse=True)
    return tuple(stories)


def _auto_id(slug: str, taken: set[str]) -> str:
    """An automatic story's id: its earliest event's slug, suffixed if an explicit story has that id."""
    return slug if slug not in taken else f"{slug}-story"


def _centres(candidates: list[Candidate], similar: sp.csr_matrix) -> list[int]:
    """Per candidate, the event most like the rest of its story (ties: the earliest)."""
    story = np.zeros(similar.shape[0], dtype=np.int64)
    for number, candidate in enumerate(candidates):
        story[list(candidate.events)] = number
    coo = similar.tocoo()
    same = story[coo.row] == story[coo.col]
    totals = np.bincount(coo.row[same], weights=coo.data[same], minlength=similar.shape[0])
    return [d.events[0] if len(d.events) < 3 else d.events[int(np.argmax(totals[list(d.events)]))] for d in candidates]
