"""The archive graph: entities and sources resolved, stories, events and related coverage."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from .config import Config
from .model import Archive, Article, RelatedLink, Registries, Story
from .names import entity_index, source_index
from .related import related_coverage
from .slugs import slugify
from .stories import compute_stories
from .textsig import ChunkStoreLike, analyse_archive, chunk_keys

GRAPH_VERSION = 2     # change when stories or related coverage are computed differently


StoryResults = tuple[tuple[Story, ...], dict[str, tuple[RelatedLink, ...]]]


class StoryCache(ChunkStoreLike, Protocol):
    """Chunk analyses, and the last stories and related coverage by a key of their inputs."""

    def results(self, key: str) -> StoryResults | None: ...
    def keep_results(self, key: str, results: StoryResults) -> None: ...


def graph_key(ordered: Sequence[Article], registries: Registries, config: Config, texts: list[str]) -> str:
    """A hash of everything stories and related coverage are computed from: the registries, their
    settings, the texts (`texts`: the text analysis' `chunk_keys`) and, per article, its slug,
    dates, names, story and related keys (not its tags, source, links or dateline, never read)."""
    fields = [(a.slug, a.date.isoformat(), a.date_only, a.entities, a.story, a.related) for a in ordered]
    text = repr((GRAPH_VERSION, registries, config.stories, config.related, texts, fields))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def build_archive(articles: Sequence[Article], registries: Registries, config: Config,
                  cache: StoryCache | None = None) -> Archive:
    """Everything computed over the whole archive; articles newest first. `cache` keeps the text
    analysis of unchanged chunks of articles between builds, and the stories and related coverage
    while what they read is unchanged."""
    ordered = sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)
    entity_names = entity_index(ordered, registries.entities)
    source_names = source_index(ordered, registries.sources)
    entities, entity_of = entity_names.items, entity_names.slug_of

    def canonical(name: str) -> str:
        return entity_of.get(name.casefold()) or slugify(name)

    kept, key, keys = None, "", None
    if cache is not None:
        keys = chunk_keys(ordered)
        key = graph_key(ordered, registries, config, keys)
        kept = cache.results(key)
    if kept is None:
        features = analyse_archive(ordered, canonical, cache, keys)   # texts read once, for stories and related
        stories = compute_stories(ordered, registries.stories, canonical, config.stories, features=features)
        related = related_coverage(ordered, stories, canonical, config.related,
                                   names={slug: entity.name for slug, entity in entities.items()}, features=features)
        if cache is not None:
            cache.keep_results(key, (stories, related))
    else:
        stories, related = kept
    story_of, event_of = {}, {}
    for story in stories:
        for event in story.events:
            for version in event.versions:
                story_of[version.slug] = story.id
                event_of[version.slug] = event.id
    slugs = {a.slug for a in ordered}   # `related:` may name a missing article or a draft: `check` reports it
    related = {slug: tuple(link for link in links if link.slug in slugs) for slug, links in related.items()}
    return Archive({a.slug: a for a in ordered}, stories, story_of, event_of, entities, entity_of,
                   source_names.items, source_names.slug_of, related,
                   entity_names.problems + source_names.problems)
