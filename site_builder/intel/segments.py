"""The story intelligence part by part through time, so an edit recomputes only what it can affect.

The archive is cut into parts of SEGMENT_DAYS by date. Each part's events and stories are
computed from the articles within a horizon around it (copies lie within days of each other,
story neighbours within two windows) and from a small state the earlier parts carry forward
(the events and stories still open at its start); its related coverage from the articles within
the related horizon and their stories. A clean build computes every part in time order; an
incremental build does exactly the same, but reads back each part whose inputs (texts, dates,
names, settings) and carried state are those of a part kept from an earlier build. So an edit
costs the parts around it, and those after it only as long as what it changed is carried on,
and the result is a clean build's by construction.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import orjson

from ..core.collector import no_collection
from ..core.config import Config, RelatedWeights, StoryWeights
from ..core.model import Article, RelatedLink, Relation, Story, StoryInfo
from ..core.pool import Background, can_fork
from ..core.schema import field_names, schema
from . import related as related_module
from . import stories as stories_module
from . import textsig
from .stories import CarriedEvent, CarriedReport, Carry, PartStories, assemble_stories, part_stories
from .textsig import (
    SECONDS_PER_DAY,
    Analysis,
    ArchiveFeatures,
    ChunkAnalysis,
    Doc,
    analysed,
    analysis_rows,
    archive_features,
    assemble,
    chunk_key_of,
    chunk_ranges,
    date_order,
    docs_of,
    text_hash,
)

SEGMENT_DAYS = 56.0
# a part's results, kept by a hash of its inputs (the format: how they are computed)
RESULTS = schema(PartStories, RelatedLink, format=4, made=True)

# Fields of an article the story intelligence never reads; its texts (the fields of a `Doc`) are
# hashed in the keys of their analysis. Every other field, one added later too, is in the hash of
# the article's part.
UNREAD = {"path": "the file's place", "wire": "shown on pages only", "tags": "shown on pages only",
          "draft": "drafts are left out before", "lines": "for messages", "digest": "the file's bytes",
          "names_found": "for check", "archived": "shown on pages only", "archived_at": "shown on pages only",
          "imported_at": "shown on pages only",
          "authors": "shown on pages only",
          "updated": "shown on pages only", "updated_date_only": "shown on pages only",
          "correction": "shown on pages only", "image": "shown on pages only",
          "image_caption": "shown on pages only", "language": "shown on pages only"}


def part_fields(kind: type[Article]) -> tuple[str, ...]:
    """The fields of an article (of type `kind`) hashed in its part's key."""
    return field_names(kind, (*UNREAD, *field_names(Doc)))


StoryResults = tuple[tuple[Story, ...], dict[str, tuple[RelatedLink, ...]]]


class PartStore(Protocol):
    """Chunk analyses and parts' results kept between builds, by a key of their inputs."""

    def get(self, key: str) -> ChunkAnalysis | None: ...
    def put(self, key: str, part: ChunkAnalysis) -> bool: ...
    def has(self, key: str) -> bool: ...
    def load(self, key: str) -> Any: ...
    def save(self, key: str, data: Any) -> None: ...


@dataclass(frozen=True)
class Window:
    """Articles `low` to `high` (in date order), in the parts numbered `parts`."""

    low: int
    high: int
    parts: list[int]


@dataclass(frozen=True)
class Part:
    """Articles `begin` to `end` (in date order) of the days [first, until)."""

    begin: int
    end: int
    first: float
    until: float


def parts_of(days: np.ndarray) -> list[Part]:
    """The archive's non-empty parts: calendar spans of SEGMENT_DAYS (days since the epoch)."""
    if not len(days):
        return []
    number = np.floor(days / SEGMENT_DAYS).astype(np.int64)
    starts = np.flatnonzero(np.concatenate(([True], number[1:] != number[:-1])))
    ends = np.append(starts[1:], len(days))
    return [Part(int(b), int(e), float(number[b] * SEGMENT_DAYS), float((number[b] + 1) * SEGMENT_DAYS))
            for b, e in zip(starts, ends)]


class Texts:
    """The text analysis of the archive, chunk by chunk: read back from the store, or computed
    (all missing chunks at once, in parallel, and put in the store rather than kept in memory:
    750 MB at 100,000 articles); any range of articles on demand."""

    RECENT = 8     # chunks kept in memory once read: the windows of neighbouring parts share them

    def __init__(self, ordered: Sequence[Article], ranges: list[tuple[int, int]], keys: list[str],
                 store: PartStore | None, jobs: int) -> None:
        self.ordered, self.ranges, self.keys, self.store = ordered, ranges, keys, store
        self.kept: dict[int, ChunkAnalysis] = {}       # chunks the store could not take
        self.recent: dict[int, ChunkAnalysis] = {}
        missing = [n for n, key in enumerate(self.keys) if store is None or not store.has(key)]
        docs = [doc for n in missing for doc in docs_of(ordered[ranges[n][0]: ranges[n][1]])]   # theirs only
        sizes = np.cumsum([0] + [ranges[n][1] - ranges[n][0] for n in missing]).tolist()
        results = analysed(docs, list(zip(sizes[:-1], sizes[1:])), jobs)
        for n, part in zip(missing, results):
            if store is None or not store.put(self.keys[n], part):
                self.kept[n] = part
        for _ in results:      # nothing is left: this lets the processes end
            pass
        self.starts = [b for b, _ in ranges]
        self.analysed = sum(ranges[n][1] - ranges[n][0] for n in missing)    # articles analysed, not read back

    def rows(self, begin: int, end: int) -> Analysis:
        """The analysis of articles `begin` to `end`."""
        first = int(np.searchsorted(self.starts, begin, side="right")) - 1
        last = int(np.searchsorted(self.starts, end, side="left"))
        chunks = [self._chunk(n) for n in range(first, last)]
        return analysis_rows(assemble(chunks), begin - self.starts[first], end - self.starts[first])

    def _chunk(self, n: int) -> ChunkAnalysis:
        found = self.kept.get(n) or self.recent.get(n)
        if found is None and self.store is not None:
            found = self.store.get(self.keys[n])
        if found is None:
            begin, end = self.ranges[n]
            found = next(analysed(docs_of(self.ordered[begin:end]), [(0, end - begin)]))
            if self.store is None or not self.store.put(self.keys[n], found):
                self.kept[n] = found
        if n not in self.kept:
            self.recent[n] = found
            if len(self.recent) > self.RECENT:
                del self.recent[next(iter(self.recent))]
        return found


_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def _digest(*values: object) -> str:
    return hashlib.blake2b(orjson.dumps(values, option=_JSON), digest_size=16).hexdigest()


class ArchiveParts:
    """The date-ordered articles, their parts, and per article a hash of all of it that the story
    intelligence reads: its texts (as their analysis is keyed) and every other field but those
    `UNREAD`. A window of articles is keyed by the hashes of its articles alone, so an edit
    changes the keys of the windows that hold the edited article and no others."""

    def __init__(self, articles: Sequence[Article], canonical: Callable[[str], str], store: PartStore | None,
                 jobs: int = 1) -> None:
        self.ordered = date_order(articles)
        self.canonical = canonical
        self.days = np.array([a.date.timestamp() / SECONDS_PER_DAY for a in self.ordered], dtype=np.float64)
        self.parts = parts_of(self.days)
        self.ends = [part.end for part in self.parts]
        ranges = [r for part in self.parts for r in chunk_ranges(part.begin, part.end)]
        texts = [text_hash(a) for a in self.ordered]
        self.texts = Texts(self.ordered, ranges, [chunk_key_of(texts[b:e]) for b, e in ranges], store, jobs)
        hashed = {kind: part_fields(kind) for kind in set(map(type, self.ordered))}
        slug_of: dict[str, str] = {}
        named = [sorted({slug_of[n] if n in slug_of else slug_of.setdefault(n, canonical(n)) for n in a.entities})
                 for a in self.ordered]
        self.hashes = [hashlib.blake2b(text + orjson.dumps([entities, [getattr(a, name) for name in hashed[type(a)]]],
                                                           option=_JSON), digest_size=16).digest()
                       for a, text, entities in zip(self.ordered, texts, named)]
        self.names = [{slug for entities in named[part.begin: part.end] for slug in entities} for part in self.parts]

    def around(self, part: Part, days: float) -> Window:
        """The articles within `days` of the part, and the parts they are in."""
        low = int(np.searchsorted(self.days, part.first - days, side="left"))
        high = int(np.searchsorted(self.days, part.until + days, side="left"))
        return Window(low, high, list(range(bisect_right(self.ends, low), bisect_left(self.ends, high) + 1)))

    def digest(self, number: int, window: Window) -> str:
        """A hash of what part `number` reads in its `window`: the window's articles and where the
        part's own lie among them."""
        part = self.parts[number]
        digest = hashlib.blake2b(orjson.dumps([part.first, part.begin - window.low, part.end - window.low,
                                               window.high - window.low]), digest_size=16)
        digest.update(b"".join(self.hashes[window.low: window.high]))
        return digest.hexdigest()

    def features(self, low: int, high: int) -> ArchiveFeatures:
        return archive_features(self.ordered[low:high], self.texts.rows(low, high), self.canonical)


def story_intelligence(articles: Sequence[Article], registry: Sequence[StoryInfo], canonical: Callable[[str], str],
                       config: Config, names: Mapping[str, str], store: PartStore | None = None,
                       jobs: int = 1) -> StoryResults:
    """Stories and related coverage of the archive, part by part (see the module's docstring);
    `store` keeps the texts' analyses and the parts' results between builds; up to `jobs`
    processes share a big archive's work."""
    with no_collection():
        return _story_intelligence(articles, registry, canonical, config, names, store, jobs)


def _story_intelligence(articles: Sequence[Article], registry: Sequence[StoryInfo], canonical: Callable[[str], str],
                        config: Config, names: Mapping[str, str], store: PartStore | None, jobs: int) -> StoryResults:
    archive = ArchiveParts(articles, canonical, store, jobs)
    reach = max(stories_module.horizon(config.stories), related_module.horizon(config.related))
    windows = [archive.around(part, reach) for part in archive.parts]
    features: dict[int, ArchiveFeatures] = {}

    def features_of(number: int) -> ArchiveFeatures:
        if number not in features:
            features[number] = archive.features(windows[number].low, windows[number].high)
        return features[number]

    found: list[PartStories] = []
    story_of: dict[str, str] = {}      # article slug -> story key
    event_of: dict[str, str] = {}
    related = _Related(archive, config.related, names, store,
                       jobs - 1 if archive.texts.analysed >= textsig.PARALLEL and can_fork() else 0)
    waiting = 0                        # the first part whose related coverage is not known yet
    try:
        for number, stories in enumerate(_stories(archive, windows, reach, config.stories, store, features_of)):
            found.append(stories)
            _memberships(stories, story_of, event_of)
            while waiting <= number and (number + 1 == len(archive.parts)
                                         or windows[waiting].high <= archive.parts[number].end):
                related.add(waiting, windows[waiting], story_of, event_of, features_of)
                features.pop(waiting, None)
                waiting += 1
        return assemble_stories(archive.ordered, found, registry), related.gathered()
    finally:
        related.close()


def _memberships(part: PartStories, story_of: dict[str, str], event_of: dict[str, str]) -> None:
    """Add a part's articles' events and stories (by key) to the archive's. An event first seen in
    an earlier part is in the story of its first version, whose slug is the event's key."""
    story_of_event = {key: story for key, story, _, _ in part.events}
    for slug, event, _, _ in part.versions:
        event_of[slug] = event
        story_of[slug] = story_of_event[event] if event in story_of_event else story_of[event]


def _stories(archive: ArchiveParts, windows: list[Window], reach: float, weights: StoryWeights,
             store: PartStore | None, features_of: Callable[[int], ArchiveFeatures]) -> Iterator[PartStories]:
    """Each part's events and stories, in time order."""
    carry = Carry()
    for number, part in enumerate(archive.parts):
        low, high = windows[number].low, windows[number].high
        key = "stories-" + _digest(RESULTS.version, repr(weights), reach, archive.digest(number, windows[number]),
                                   carry_data(carry))
        found = part_stories_from(store.load(key)) if store is not None else None
        if found is None:
            found = part_stories(archive.ordered[low:high], features_of(number),
                                 (part.begin - low, part.end - low), carry, part.until, reach, weights)
            if store is not None:
                store.save(key, part_stories_data(found))
        yield found
        carry = found.carry


def carry_data(carry: Carry) -> dict[str, Any]:
    """The carry as JSON: "articles", slug -> report key; "reports", key -> [[outlet, url] of each
    copy, event key]; "events", key -> [first day, story key, outlets]."""
    return {"articles": dict(carry.articles),
            "reports": {key: [[list(copy) for copy in r.copies], r.event] for key, r in carry.reports.items()},
            "events": {key: [e.first_day, e.story, list(e.outlets)] for key, e in carry.events.items()}}


def carry_from(data: Any) -> Carry:
    """The carry `carry_data` gave (ValueError, KeyError or TypeError when it is not one)."""
    return Carry({str(slug): str(report) for slug, report in data["articles"].items()},
                 {str(key): CarriedReport(tuple((str(outlet), str(url)) for outlet, url in copies), str(event))
                  for key, (copies, event) in data["reports"].items()},
                 {str(key): CarriedEvent(float(first), str(story), tuple(map(str, outlets)))
                  for key, (first, story, outlets) in data["events"].items()})


def part_stories_data(found: PartStories) -> dict[str, Any]:
    return {"versions": found.versions, "events": found.events, "carry": carry_data(found.carry)}


def part_stories_from(data: Any) -> PartStories | None:
    """A part's stories as `part_stories_data` kept them; None when they are not that."""
    try:
        return PartStories(data["versions"], data["events"], carry_from(data["carry"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


Links = dict[str, tuple[RelatedLink, ...]]


class _Related:
    """Related coverage part by part: read back from the store, or computed, in `workers` other
    processes while the stories of later parts are computed when there is much to compute (a cold
    build) and the build has the --jobs for them."""

    def __init__(self, archive: ArchiveParts, weights: RelatedWeights, names: Mapping[str, str],
                 store: PartStore | None, workers: int) -> None:
        self.archive, self.weights, self.names, self.store = archive, weights, names, store
        self.found: list[tuple[str, Links | Callable[[], Links]]] = []    # (key, links or what gives them)
        self.pool = Background(_related_job, workers, archive) if workers > 0 else None

    def add(self, number: int, window: Window, story_of: Mapping[str, str], event_of: Mapping[str, str],
            features_of: Callable[[int], ArchiveFeatures]) -> None:
        """The related coverage of part `number`, whose window's articles all have their stories."""
        archive = self.archive
        around = archive.ordered[window.low: window.high]
        named = {slug: self.names[slug] for n in window.parts for slug in archive.names[n] if slug in self.names}
        memberships = [(a.slug, story_of[a.slug], event_of[a.slug]) for a in around]
        key = "related-" + _digest(RESULTS.version, repr(self.weights), sorted(named.items()),
                                   archive.digest(number, window), memberships)
        kept = links_from(self.store.load(key)) if self.store is not None else None
        if kept is not None:
            self.found.append(("", kept))
        elif self.pool is not None:
            self.found.append((key, self.pool.submit((number, window, memberships, self.weights, named))))
        else:
            self.found.append((key, _part_related(archive, number, window, dict((m[0], m[1]) for m in memberships),
                                                  dict((m[0], m[2]) for m in memberships), self.weights, named,
                                                  features_of(number))))

    def gathered(self) -> dict[str, tuple[RelatedLink, ...]]:
        """Every part's related coverage, kept in the store where computed now."""
        result: dict[str, tuple[RelatedLink, ...]] = {}
        for key, found in self.found:
            links = found if isinstance(found, dict) else found()
            if key and self.store is not None:
                self.store.save(key, links_data(links))
            result.update(links)
        return result

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def links_data(links: Links) -> dict[str, Any]:
    """A part's related coverage as JSON: per article, [slug, score, [editor, shared names, same
    story, by day, days, seconds]] per link."""
    return {slug: [[link.slug, link.score, [w.editor, list(w.shared), w.same_story, w.by_day, w.days, w.seconds]]
                   for link in found for w in (link.why,)] for slug, found in links.items()}


def links_from(data: Any) -> Links | None:
    """The related coverage `links_data` gave; None when it is not that."""
    try:
        return {str(slug): tuple(RelatedLink(str(other), float(score),
                                             Relation(bool(editor), tuple(map(str, shared)), bool(same), bool(by_day),
                                                      int(days), float(seconds)))
                                 for other, score, (editor, shared, same, by_day, days, seconds) in links)
                for slug, links in data.items()}
    except (TypeError, ValueError, AttributeError):
        return None


RelatedJob = tuple[int, Window, list[tuple[str, str, str]], RelatedWeights, Mapping[str, str]]


def _related_job(archive: ArchiveParts, job: RelatedJob) -> Links:
    """In another process: one part's related coverage (the archive is the parent's, inherited)."""
    number, window, memberships, weights, names = job
    return _part_related(archive, number, window, {m[0]: m[1] for m in memberships}, {m[0]: m[2] for m in memberships},
                         weights, names, archive.features(window.low, window.high))


def _part_related(archive: ArchiveParts, number: int, window: Window, story_of: Mapping[str, str],
                  event_of: Mapping[str, str], weights: RelatedWeights, names: Mapping[str, str],
                  features: ArchiveFeatures) -> dict[str, tuple[RelatedLink, ...]]:
    """The related coverage of one part's articles."""
    part, low, high = archive.parts[number], window.low, window.high
    return related_module.part_related(archive.ordered[low:high], features, (part.begin - low, part.end - low),
                                       story_of, event_of, archive.canonical, weights, names)


def compute_stories(articles: Sequence[Article], registry: Sequence[StoryInfo], canonical: Callable[[str], str],
                    weights: StoryWeights, jobs: int = 1) -> tuple[Story, ...]:
    """The stories of `articles`: events of copies, grouped into stories, newest activity first."""
    return story_intelligence(articles, registry, canonical, Config(stories=weights), {}, jobs=jobs)[0]


def related_coverage(articles: Sequence[Article], stories: Sequence[Story], canonical: Callable[[str], str],
                     weights: RelatedWeights, names: Mapping[str, str] | None = None,
                     jobs: int = 1) -> dict[str, tuple[RelatedLink, ...]]:
    """Up to `weights.count` related articles per article slug, explicit links first, for `stories`."""
    archive = ArchiveParts(articles, canonical, None, jobs)
    story_of = {v.slug: s.id for s in stories for e in s.events for v in e.versions}
    event_of = {v.slug: e.id for s in stories for e in s.events for v in e.versions}
    reach = related_module.horizon(weights)
    related: dict[str, tuple[RelatedLink, ...]] = {}
    for number, part in enumerate(archive.parts):
        window = archive.around(part, reach)
        related.update(_part_related(archive, number, window, story_of, event_of, weights, names or {},
                                     archive.features(window.low, window.high)))
    return related
