"""Stories and their events: syndicated copies grouped into events, events clustered into stories.

Explicit `story:` keys always win. Other events are clustered online, oldest first, by average
linkage: an event joins the story whose recent events are on average most likely the same story
as it (`storymodel`: shared rare entities, topic words, closeness in time, how much text that
rests on), when that reaches the threshold, or starts a new story. Precision comes first: one
event much alike is not enough when the story's other recent events are not. Candidate pairs come
from sparse products over time-bucketed features, never all pairs.

The archive is worked through in parts (`segments`): `part_stories` groups one part's articles,
given the events and stories still open at its start (`Carry`), and `assemble_stories` makes the
archive's stories of all parts' results.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..core.config import StoryWeights
from ..core.model import Article, Event, Story, StoryInfo, Tie, Version
from .events import FAINT, Report, group_reports, likeness, places, report_terms
from .similarity import EventFeatures, event_features, pair_evidence
from .sparse import sp
from .storymodel import same_story
from .textsig import SECONDS_PER_DAY, ArchiveFeatures
from .tokens import STOPWORDS, words
from .versions import WINDOW_DAYS, Seeds, VersionGroup, group_versions

PULL = 1.5   # an unlabelled event joins an explicit story only at PULL x threshold: "clearly alike"
SHOWN_TERMS = 5


@dataclass(frozen=True)
class Clusters:
    """Per event visited, the key of its story; for each event that joined a story by likeness, the
    earlier event of the story it matched best with that pair's probability; and per event, its
    earlier neighbours in its story with their probabilities (what makes an event central)."""

    story: list[str]
    ties: dict[int, tuple[int, float]]
    support: dict[int, list[tuple[int, float]]]


def story_key(label: str | None, event: str) -> str:
    """The key of a story: its `story:` label marked by '=', else the key of its first event (a slug)."""
    return "=" + label if label is not None else event


@dataclass(frozen=True)
class CarriedReport:
    """A report still open at a part's start: the (outlet, url) of each of its copies so far and its event."""

    copies: tuple[tuple[str, str], ...]
    event: str


@dataclass(frozen=True)
class CarriedEvent:
    """An event still open at a part's start: the day of its first report, its story, its outlets."""

    first_day: float
    story: str
    outlets: tuple[str, ...]       # casefolded, sorted


@dataclass(frozen=True)
class Carry:
    """What the next part of the archive needs from the parts before it: per article within the
    horizon of its start its report, per report its copies and event, per event its first day,
    story and outlets (each in key order)."""

    articles: Mapping[str, str] = field(default_factory=dict)       # slug -> report key
    reports: Mapping[str, CarriedReport] = field(default_factory=dict)
    events: Mapping[str, CarriedEvent] = field(default_factory=dict)


@dataclass(frozen=True)
class PartStories:
    """The events and stories of one part's articles (kept between builds, `segments`)."""

    versions: list[tuple[str, str, str, float]]    # per article: slug, event key, report key, score that joined it
    events: list[tuple[str, str, list[Any] | None, list[tuple[str, float]]]]
    # per event first seen here: key, story key, tie [event, score, entity slugs, terms] or None,
    # earlier events of its story it is like, with the probability
    carry: Carry


def part_stories(ordered: Sequence[Article], features: ArchiveFeatures, core: tuple[int, int], carry: Carry,
                 until: float, reach: float, weights: StoryWeights) -> PartStories:
    """Events and stories of the articles `ordered[core[0]:core[1]]`, read with their neighbours in
    `ordered` (those within `reach` days, at least `horizon`, on each side; `features` are theirs)
    and `carry`, the state the earlier parts left; with the carry for the part after `until` (a
    day number)."""
    begin, end = core
    seeds = Seeds({i: carry.articles[a.slug] for i, a in enumerate(ordered[:begin]) if a.slug in carry.articles},
                  {key: list(report.copies) for key, report in carry.reports.items()})
    copies = group_versions(ordered, weights.version_threshold, features.analysis, seeds)
    copies.sort(key=lambda g: g.members[0])     # rows are in (date, slug) order
    report_keys = [g.key or ordered[g.members[0]].slug for g in copies]
    event_of_report = {key: carry.reports[key].event for key in report_keys if key in carry.reports}
    # Reports after the part are grouped too, so that its events are those of the whole archive;
    # the events they begin are the next part's.
    happenings = [h for h in _happenings(ordered, features, copies, report_keys, event_of_report, carry, weights)
                  if copies[h[0]].members[0] < end]
    groups = [[m for r in h for m in copies[r].members] for h in happenings]
    keys = [event_of_report.get(report_keys[h[0]]) or ordered[copies[h[0]].members[0]].slug for h in happenings]
    carried = [key in carry.events for key in keys]
    members = [[ordered[m] for m in sorted(g)] for g in groups]
    event = event_features(features, groups, "story")
    days = event.days.copy()
    for number, key in enumerate(keys):
        days[number] = carry.events[key].first_day if carried[number] else min(features.days[g] for g in groups[number])
    event = replace(event, days=days)
    similar = same_story(pair_evidence(event, weights.window_days), weights)
    fixed = [carry.events[key].story if carried[number] else None for number, key in enumerate(keys)]
    clusters = cluster(similar, days.tolist(), keys, [_label(m) for m in members], weights, fixed)
    mine = [n for n in range(len(keys)) if not carried[n] and min(groups[n]) >= begin]
    versions = [(ordered[m].slug, keys[n], report_keys[r], s) for n, h in enumerate(happenings) for r in h
                for m, s in zip(copies[r].members, copies[r].scores) if begin <= m < end]
    found = [(keys[n], clusters.story[n], _tie(n, clusters.ties.get(n), event, keys, members),
              [(keys[o], round(s, 6)) for o, s in clusters.support[n]]) for n in mine]
    return PartStories(versions, found, _carry(ordered, copies, report_keys, happenings, keys, clusters.story,
                                               carry, end, until - reach))


def _happenings(ordered: Sequence[Article], features: ArchiveFeatures, copies: list[VersionGroup],
                report_keys: list[str], event_of_report: dict[str, str], carry: Carry,
                weights: StoryWeights) -> list[list[int]]:
    """The reports (indices into `copies`) grouped into events (see `events`)."""
    firsts = [g.members[0] for g in copies]
    reports = []
    for number, group in enumerate(copies):
        event = event_of_report.get(report_keys[number])
        state = carry.events.get(event) if event is not None else None
        outlets = state.outlets if state else [ordered[m].source.casefold() for m in group.members]
        label = _label([ordered[m] for m in group.members])
        story = state.story if state else (story_key(label, "") if label is not None else None)
        reports.append(Report(float(features.days[group.members[0]]), frozenset(outlets), story, event))
    vectors = report_terms(features.analysis.story_terms, firsts)
    filed = [places(ordered[m].dateline) for m in firsts]
    alike = likeness(vectors, features.days[firsts], filed, FAINT * weights.event_threshold)
    return group_reports(reports, alike, weights.event_threshold)


def _carry(ordered: Sequence[Article], copies: list[VersionGroup], report_keys: list[str],
           happenings: list[list[int]], keys: list[str], stories: list[str], carry: Carry, end: int,
           since: float) -> Carry:
    """The state the next part needs: the articles from the day `since`, their reports and events,
    and the reports after the part that its events hold (the next part keeps them there)."""
    articles: dict[str, str] = {}
    reports: dict[str, CarriedReport] = {}
    events: dict[str, CarriedEvent] = {}
    for number, happening in enumerate(happenings):
        state = carry.events.get(keys[number])
        outlets = set(state.outlets) if state else set()
        first = state.first_day if state else ordered[copies[happening[0]].members[0]].date.timestamp() / SECONDS_PER_DAY
        kept = False
        for r in happening:
            group, key = copies[r], report_keys[r]
            outlets.update(ordered[m].source.casefold() for m in group.members)
            if group.members[0] >= end:
                reports[key], kept = CarriedReport((), keys[number]), True
                continue
            copied = carry.reports[key].copies if key in carry.reports else ()
            copied += tuple((ordered[m].source.casefold(), ordered[m].url or "") for m in group.members
                            if m < end and ordered[m].slug not in carry.articles)
            recent = [ordered[m].slug for m in group.members
                      if m < end and ordered[m].date.timestamp() / SECONDS_PER_DAY >= since]
            if recent:
                reports[key], kept = CarriedReport(copied, keys[number]), True
                articles.update(dict.fromkeys(recent, key))
        if kept:
            events[keys[number]] = CarriedEvent(first, stories[number], tuple(sorted(outlets)))
    return Carry(dict(sorted(articles.items())), dict(sorted(reports.items())), dict(sorted(events.items())))


def horizon(weights: StoryWeights) -> float:
    """Days on each side of a part that its stories read: copies within WINDOW_DAYS of each other,
    story neighbours within two windows."""
    return max(2 * weights.window_days, WINDOW_DAYS) + WINDOW_DAYS


def _tie(number: int, tie: tuple[int, float] | None, features: EventFeatures, keys: list[str],
         members: list[list[Article]]) -> list[Any] | None:
    """What an event shares with the earlier event that tied it to its story: rarest names first."""
    if tie is None:
        return None
    other, score = tie
    rows = features.entities
    mine = dict(zip(rows.indices[rows.indptr[number]: rows.indptr[number + 1]].tolist(),
                    rows.data[rows.indptr[number]: rows.indptr[number + 1]].tolist()))
    theirs = set(rows.indices[rows.indptr[other]: rows.indptr[other + 1]].tolist())
    shared = sorted(theirs.intersection(mine), key=lambda column: (-mine[column], column))
    return [keys[other], round(score, 3), [features.entity_slugs[c] for c in shared],
            list(shared_terms(members[number][0], members[other][0]))]


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


def cluster(similar: sp.csr_matrix, days: Sequence[float], keys: Sequence[str], labels: Sequence[str | None],
            weights: StoryWeights, fixed: Sequence[str | None] = (), stop: int | None = None) -> Clusters:
    """Online average-linkage clustering of events (`keys`) in date order, the first `stop`.

    Events are visited oldest first, so only earlier neighbours can already be in a story. An
    event `fixed` to a story (formed in an earlier part of the archive) stays in it.
    """
    earlier = sp.tril(similar, k=-1, format="csr")
    indptr, neighbours, scores = earlier.indptr.tolist(), earlier.indices.tolist(), earlier.data.tolist()
    story_of: list[int] = []
    times: list[Timeline] = []
    story_keys: list[str] = []
    number: dict[str, int] = {}
    ties: dict[int, tuple[int, float]] = {}
    for event in range(len(keys) if stop is None else stop):
        begin, end = indptr[event], indptr[event + 1]
        key = fixed[event] if event < len(fixed) else None
        if key is None and labels[event] is not None:
            key = story_key(labels[event], keys[event])
        if key is not None:
            chosen = number.get(key, len(times))
        else:
            sums: dict[int, float] = {}
            for other, score in zip(neighbours[begin:end], scores[begin:end]):
                sums[story_of[other]] = sums.get(story_of[other], 0.0) + score
            chosen = _best_story(sums, times, story_keys, days[event], weights)
            if chosen < len(times):
                ties[event] = max(((o, s) for o, s in zip(neighbours[begin:end], scores[begin:end])
                                   if story_of[o] == chosen), key=lambda pair: (pair[1], -pair[0]))
            key = story_keys[chosen] if chosen < len(times) else story_key(None, keys[event])
        if chosen == len(times):
            number[key] = chosen
            times.append(Timeline())
            story_keys.append(key)
        story_of.append(chosen)
        times[chosen].add(days[event])
    support = {event: [(o, s) for o, s in zip(neighbours[indptr[event]: indptr[event + 1]],
                                               scores[indptr[event]: indptr[event + 1]]) if story_of[o] == chosen]
               for event, chosen in enumerate(story_of)}
    return Clusters([story_keys[s] for s in story_of], ties, support)


def _best_story(sums: dict[int, float], times: list[Timeline], story_keys: list[str], day: float,
                weights: StoryWeights) -> int:
    """The story an event resembles most on average over its events close in time, or a new one.

    `sums` are the event's summed similarities to each story's events. The average is weighted
    by closeness in time, so a story's old events count less.
    """
    best, best_score = len(times), 0.0
    for story in sorted(sums):
        score = sums[story] / times[story].presence(day, weights.window_days)
        needed = weights.threshold * (PULL if story_keys[story].startswith("=") else 1.0)
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


def assemble_stories(ordered: Sequence[Article], parts: Sequence[PartStories],
                     registry: Sequence[StoryInfo]) -> tuple[Story, ...]:
    """The stories of the whole archive from its parts': newest activity first, events and
    versions oldest first; an explicit story's title from the registry, else its central event's
    (the one most like the story's others)."""
    position = {a.slug: n for n, a in enumerate(ordered)}
    versions: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
    for part in parts:
        for slug, key, report, score in part.versions:
            versions[key].append((position[slug], score, report))
    events: dict[str, list[str]] = defaultdict(list)
    ties: dict[str, list[Any] | None] = {}
    totals: dict[str, float] = defaultdict(float)
    for part in parts:
        for key, story, tie, support in part.events:
            events[story].append(key)
            ties[key] = tie
            for other, score in support:
                totals[key] += score
                totals[other] += score
    info = {s.id: s for s in registry}
    taken = set(info) | {key[1:] for key in events if key.startswith("=")}
    stories = []
    for key, keys in events.items():
        for k in keys:
            versions[k].sort()
        keys.sort(key=lambda k: versions[k][0][0])
        built = tuple(_event(k, versions[k], ties[k], ordered) for k in keys)
        central = keys[0] if len(keys) < 3 else max(keys, key=lambda k: (totals[k], -versions[k][0][0]))
        lead = ordered[versions[central][0][0]]
        explicit = key.startswith("=")
        story_id = key[1:] if explicit else _auto_id(key, taken)
        known = info.get(story_id) if explicit else None
        stories.append(Story(story_id, known.title if known else lead.title, known.summary if known else lead.summary,
                             explicit, built, known.status if known else "developing"))
    stories.sort(key=lambda s: s.id)
    stories.sort(key=lambda s: s.events[-1].date, reverse=True)
    return tuple(stories)


def _event(key: str, versions: list[tuple[int, float, str]], tie: list[Any] | None, ordered: Sequence[Article]) -> Event:
    first = ordered[versions[0][0]]
    return Event(key, first.date, tuple(Version(ordered[n].slug, s, r) for n, s, r in versions),
                 Tie(tie[0], tie[1], tuple(tie[2]), tuple(tie[3])) if tie else None)


def _auto_id(slug: str, taken: set[str]) -> str:
    """An automatic story's id: its earliest event's slug, suffixed if an explicit story has that id."""
    return slug if slug not in taken else f"{slug}-story"
