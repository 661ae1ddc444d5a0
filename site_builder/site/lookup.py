"""Lookup tables over the archive, computed once per build in linear time."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

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
    entity_stories: dict[str, list[str]]     # entity slug -> story ids, most articles first
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
    for slug, article in archive.articles.items():
        entities = list(dict.fromkeys(archive.entity_of[n.casefold()] for n in article.entities))
        for entity in entities:
            by_entity[entity].append(slug)
            story_counts[entity][archive.story_of[slug]] += 1
        listed = entities[:LISTED_ENTITIES]     # all with all would be quadratic in one article's size
        for entity in listed:
            co_counts[entity].update(e for e in listed if e != entity)
        by_source[archive.source_of[article.source.casefold()]].append(slug)
        by_month[month_key(article.date)].append(slug)
    event_pos, events = {}, {}
    for story in archive.stories:
        for position, event in enumerate(story.events):
            event_pos[event.id] = (story.id, position)
            events[event.id] = event
    return SiteIndex(
        list(archive.articles), dict(by_entity), dict(by_source), dict(by_month), {s.id: s for s in archive.stories}, event_pos, events,
        {e: [s for s, _ in c.most_common(top)] for e, c in story_counts.items()},
        {e: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top] for e, c in co_counts.items()},
        {s.id: len({archive.source_of[archive.articles[v.slug].source.casefold()] for e in s.events for v in e.versions})
         for s in archive.stories},
    )
