"""Lookup tables over the archive, computed once per build in linear time."""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter

from ..core.model import Archive, Article, Event, Story, month_key

LISTED_ENTITIES = 100    # an article page lists this many of its entities ("and 9,900 more"); they appear with each other


@dataclass(frozen=True)
class SiteIndex:
    """Which articles each entity, source and month lists, and who appears with whom."""

    newest: list[str]                        # every article slug, newest first
    by_entity: dict[str, list[str]]          # entity slug -> article slugs, newest first
    by_source: dict[str, list[str]]
    by_month: dict[str, list[str]]           # "2025/06" -> article slugs
    stories: dict[str, Story]
    event_pos: dict[str, tuple[str, int]]    # event id -> (story id, position in the story)
    events: dict[str, Event]
    entity_stories: dict[str, list[tuple[str, int]]]   # entity slug -> (story id, its articles there), most first
    co_entities: dict[str, list[tuple[str, int]]]   # entity slug -> (entity slug, shared articles)
    story_outlets: dict[str, int]            # story id -> how many outlets covered it

    def entity_slugs(self, archive: Archive, article: Article) -> list[str]:
        return list(dict.fromkeys(archive.entity_of[n.casefold()] for n in article.entities))


def site_index(archive: Archive, top: int = 12) -> SiteIndex:
    by_entity: dict[str, list[str]] = defaultdict(list)
    by_source: dict[str, list[str]] = defaultdict(list)
    by_month: dict[str, list[str]] = defaultdict(list)
    story_counts: dict[str, Counter[str]] = defaultdict(Counter)
    co_counts: dict[str, Counter[str]] = defaultdict(Counter)
    entity_of, story_of, source_of = archive.entity_of, archive.story_of, archive.source_of
    for slug, article in archive.articles.items():
        entities = list(dict.fromkeys([entity_of[n.casefold()] for n in article.entities]))
        story_id = story_of[slug]
        for entity in entities:
            by_entity[entity].append(slug)
            story_counts[entity][story_id] += 1
        listed = entities[:LISTED_ENTITIES]     # all with all would be quadratic in one article's size
        for entity in listed:
            co_counts[entity].update(listed)    # itself too, taken out below: a list counts in C
        by_source[source_of[article.source.casefold()]].append(slug)
        by_month[month_key(article.date)].append(slug)
    for entity, counts in co_counts.items():
        del counts[entity]
    event_pos, events = {}, {}
    for story in archive.stories:
        for position, event in enumerate(story.events):
            event_pos[event.id] = (story.id, position)
            events[event.id] = event
    return SiteIndex(
        list(archive.articles), dict(by_entity), dict(by_source), dict(by_month), {s.id: s for s in archive.stories}, event_pos, events,
        {e: sorted(c.items(), key=lambda item: (-item[1], item[0])) for e, c in story_counts.items()},
        {e: _most_common(c, top) for e, c in co_counts.items()},
        {s.id: len({source_of[archive.articles[v.slug].source.casefold()] for e in s.events for v in e.versions})
         for s in archive.stories},
    )


def _most_common(counts: Counter[str], top: int) -> list[tuple[str, int]]:
    """The `top` most counted, ties by name: sorted by name, then (stably) by count, in C."""
    return heapq.nlargest(top, sorted(counts.items()), key=itemgetter(1))
