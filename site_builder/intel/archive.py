"""The story intelligence over the whole archive: entities and sources resolved, stories, events
and related coverage; and the loader of build, check and stories (content, then the intelligence)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.load import Content, load_content
from ..core.config import Config
from ..core.errors import Problem, SiteError
from ..core.model import Archive, Article, Registries
from ..core.pool import WorkerDied
from ..core.slugs import slugify
from ..core.walk import Walk
from .names import entity_index, source_index
from .segments import PartStore, story_intelligence


def build_archive(articles: Sequence[Article], registries: Registries, config: Config,
                  cache: PartStore | None = None, jobs: int = 1) -> Archive:
    """Everything computed over the whole archive; articles newest first. `cache` keeps the text
    analysis and the story intelligence of the archive's parts between builds (`segments`); up to
    `jobs` processes share a big archive's work."""
    ordered = sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)
    entity_names = entity_index(ordered, registries.entities)
    source_names = source_index(ordered, registries.sources)
    entities, entity_of = entity_names.items, entity_names.slug_of

    def canonical(name: str) -> str:
        return entity_of.get(name.casefold()) or slugify(name)

    stories, related = story_intelligence(ordered, registries.stories, canonical, config,
                                          {slug: entity.name for slug, entity in entities.items()}, cache, jobs)
    story_of, event_of = {}, {}
    for story in stories:
        for event in story.events:
            for version in event.versions:
                story_of[version.slug] = story.id
                event_of[version.slug] = event.id
    slugs = {a.slug for a in ordered}   # `related:` may name a missing article or a draft: `check` reports it
    for article in ordered:             # computed links always lead to an article
        if article.related:
            related[article.slug] = tuple(link for link in related[article.slug] if link.slug in slugs)
    return Archive({a.slug: a for a in ordered}, stories, story_of, event_of, entities, entity_of,
                   source_names.items, source_names.slug_of, related,
                   entity_names.problems + source_names.problems, registries.removed)


@dataclass(frozen=True)
class Loaded:
    """The site's content and, when the content has no errors, its analysed archive."""

    content: Content
    archive: Archive | None

    @property
    def errors(self) -> list[Problem]:
        """The content's errors, or else the archive's."""
        if self.archive is None:
            return list(self.content.errors)
        return [p for p in self.archive.problems if p.severity == "error"]

    def checked(self) -> Archive:
        """The archive; SiteError with every error when there is none to use."""
        if self.errors or self.archive is None:
            raise SiteError(self.errors)
        return self.archive


def analysis_store(site: Path, config: Config, trusted: bool = True) -> PartStore:
    """Where the story intelligence keeps its work between runs (build, check, stories, export)."""
    from .cache import ChunkStore
    return ChunkStore(site / config.paths.cache / "analysis", trusted=trusted)


def load_site(site: Path, config: Config, *, drafts: bool = False, jobs: int = 1, cache: bool = True,
                 trusted: bool = True, store: PartStore | None = None,
                 stage: Callable[[str], AbstractContextManager[Any]] = lambda name: nullcontext(),
                 walk: Walk | None = None) -> Loaded:
    """config → content → stop on errors → the story intelligence: the one loader of build, check
    and stories, so each runs the intelligence once (reading back what `store` kept). `stage`
    times the two parts, "load" and "story intelligence" (the build's stage clock)."""
    with stage("load"):
        content = load_content(site, config, drafts=drafts, jobs=jobs, cache=cache, trusted=trusted, walk=walk)
    if content.errors:
        return Loaded(content, None)
    with stage("story intelligence"):
        try:
            return Loaded(content, build_archive(content.articles, content.registries, config, store, jobs))
        except WorkerDied as died:
            raise SiteError(died.located(config.paths.content)) from None
