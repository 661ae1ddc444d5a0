"""The archive graph: entities and sources resolved, stories, events and related coverage."""
from __future__ import annotations

from collections.abc import Sequence

from .config import Config
from .model import Archive, Article, Entity, Registries, Source
from .related import related_coverage
from .slugs import slugify
from .stories import compute_stories
from .textsig import ChunkStoreLike, analyse_archive


def _entity_index(articles: Sequence[Article], registries: Registries) -> tuple[dict[str, Entity], dict[str, str]]:
    """Entities by slug, and every name and alias (casefolded) to its canonical slug."""
    entities: dict[str, Entity] = {}
    names: dict[str, str] = {}
    for entity in registries.entities:
        entities.setdefault(entity.slug, entity)
        for name in (entity.name, *entity.aliases):
            names.setdefault(name.casefold(), entity.slug)
    for article in articles:
        for name in article.entities:
            key = name.casefold()
            if key not in names:
                slug = slugify(name)
                names[key] = slug
                entities.setdefault(slug, Entity(slug, name, known=False))
    return entities, names


def _source_index(articles: Sequence[Article], registries: Registries) -> tuple[dict[str, Source], dict[str, str]]:
    sources: dict[str, Source] = {}
    names: dict[str, str] = {}
    for source in registries.sources:
        sources.setdefault(source.slug, source)
        names.setdefault(source.name.casefold(), source.slug)
    for article in articles:
        key = article.source.casefold()
        if key not in names:
            slug = slugify(article.source)
            names[key] = slug
            sources.setdefault(slug, Source(slug, article.source, known=False))
    return sources, names


def build_archive(articles: Sequence[Article], registries: Registries, config: Config,
                  store: ChunkStoreLike | None = None) -> Archive:
    """Everything computed over the whole archive; articles newest first. `store` keeps the text
    analysis of unchanged chunks of articles between builds."""
    ordered = sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)
    entities, entity_of = _entity_index(ordered, registries)
    sources, source_of = _source_index(ordered, registries)

    def canonical(name: str) -> str:
        return entity_of.get(name.casefold()) or slugify(name)

    features = analyse_archive(ordered, canonical, store)   # the texts are read once, for stories and related
    stories = compute_stories(ordered, registries.stories, canonical, config.stories, features=features)
    story_of, event_of = {}, {}
    for story in stories:
        for event in story.events:
            for version in event.versions:
                story_of[version.slug] = story.id
                event_of[version.slug] = event.id
    related = related_coverage(ordered, stories, canonical, config.related,
                               names={slug: entity.name for slug, entity in entities.items()}, features=features)
    slugs = {a.slug for a in ordered}   # `related:` may name a missing article or a draft: `check` reports it
    related = {slug: tuple(link for link in links if link.slug in slugs) for slug, links in related.items()}
    return Archive({a.slug: a for a in ordered}, stories, story_of, event_of, entities, entity_of,
                   sources, source_of, related)
