"""Stories and their events: syndicated copies grouped into events, events clustered into stories.

Explicit `story:` keys always win. Other events are clustered online, oldest first, by average
linkage: an event joins the story whose recent events it resembles most on average (shared
entities weighted by rarity, topic-word TF-IDF, closeness in time), or starts a new story.
Candidate pairs come from sparse products over time-bucketed features, never all pairs.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .config import StoryWeights
from .model import Article, Event, Story, StoryInfo, Version
from .textsig import ArchiveFeatures, EventFeatures, analyse_archive, date_order, event_features, pair_similarity
from .versions import group_versions

PULL = 1.5   # an unlabelled event joins an explicit story only at PULL x threshold: "clearly alike"


@dataclass(frozen=True)
class Draft:
    """Events (indices into the event list) of one computed story; `label` is its explicit id, if any."""

    label: str | None
    events: tuple[int, ...]


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
    similar = pair_similarity(event, weights.entities, weights.text, weights.window_days)
    drafts = cluster(event, similar, [_label(m) for m in members], weights)
    return _stories(drafts, events, members, similar, registry)


def _label(versions: list[Article]) -> str | None:
    """The explicit story of an event: the oldest version's `story:` that is set."""
    return next((a.story for a in versions if a.story), None)


def cluster(features: EventFeatures, similar: sp.csr_matrix, labels: list[str | None],
            weights: StoryWeights) -> list[Draft]:
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
    for event, label in enumerate(labels):
        if label is not None:
            chosen = by_label.setdefault(label, len(times))
        else:
            begin, end = indptr[event], indptr[event + 1]
            sums: dict[int, float] = {}
            for other, score in zip(neighbours[begin:end], scores[begin:end]):
                sums[story_of[other]] = sums.get(story_of[other], 0.0) + score
            chosen = _best_story(sums, times, explicit, days[event], weights)
        if chosen == len(times):
            times.append(Timeline())
            explicit.append(label)
        story_of.append(chosen)
        times[chosen].add(days[event])
    drafts: dict[int, list[int]] = defaultdict(list)
    for event, story in enumerate(story_of):
        drafts[story].append(event)
    return [Draft(explicit[s], tuple(e)) for s, e in drafts.items()]


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


def _stories(drafts: list[Draft], events: list[Event], members: list[list[Article]], similar: sp.csr_matrix,
             registry: Sequence[StoryInfo]) -> tuple[Story, ...]:
    info = {s.id: s for s in registry}
    taken = set(info) | {d.label for d in drafts if d.label}
    stories = []
    for draft, central in zip(drafts, _centres(drafts, similar)):
        lead = members[central][0]
        story_id = draft.label or _auto_id(events[draft.events[0]].id, taken)
        known = info.get(story_id) if draft.label else None
        stories.append(Story(story_id, known.title if known else lead.title,
                             known.summary if known else lead.summary, draft.label is not None,
                             tuple(events[e] for e in draft.events), known.status if known else "developing"))
    stories.sort(key=lambda s: s.id)
    stories.sort(key=lambda s: s.events[-1].date, reverse=True)
    return tuple(stories)


def _auto_id(slug: str, taken: set[str]) -> str:
    """An automatic story's id: its earliest event's slug, suffixed if an explicit story has that id."""
    return slug if slug not in taken else f"{slug}-story"


def _centres(drafts: list[Draft], similar: sp.csr_matrix) -> list[int]:
    """Per draft, the event most like the rest of its story (ties: the earliest)."""
    story = np.zeros(similar.shape[0], dtype=np.int64)
    for number, draft in enumerate(drafts):
        story[list(draft.events)] = number
    coo = similar.tocoo()
    same = story[coo.row] == story[coo.col]
    totals = np.bincount(coo.row[same], weights=coo.data[same], minlength=similar.shape[0])
    return [d.events[0] if len(d.events) < 3 else d.events[int(np.argmax(totals[list(d.events)]))] for d in drafts]
