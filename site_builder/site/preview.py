"""Instant previews in `serve`: an edited article's page re-rendered before the full rebuild.

The full incremental build of a large archive recomputes its stories and related coverage,
which takes seconds. An archivist fixing a typo wants to see the page now, so the server
renders the edited articles' own pages at once from the new files and the last good build's
stories and related links, serves them from memory and reloads the open pages; the full
build follows and replaces them. Anything that is not a plain edit of an existing article
(a new or deleted file, a changed slug, date or draft flag, an entity or source the last
build did not know, a file with an error) gets no preview, only the full build.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..content.articles import parse_article
from ..core.config import Config
from ..core.model import Archive, Article
from .context import Contexts
from .lookup import SiteIndex
from .render import Renderer
from .routes import Route

if TYPE_CHECKING:
    from .pages import Pages


@dataclass(frozen=True)
class PageMaker:
    """What the last good build rendered its pages from."""

    site: Path
    archive: Archive
    index: SiteIndex
    config: Config
    renderer: Renderer
    pages: Pages
    article_pages: list[Route]      # the routes of articles' own pages

    def by_path(self) -> dict[str, Article]:
        return {a.path: a for a in self.archive.articles.values()}


def preview_pages(maker: PageMaker, changed: set[Path], drafts: bool = False) -> dict[str, bytes] | None:
    """Output path -> page bytes for each changed article; None when the full build must decide."""
    known = maker.by_path()
    edited: dict[str, Article] = {}
    for path in changed:
        rel = _relative(path, maker.site)
        old = known.get(rel) if rel else None
        if rel is None or old is None or not path.is_file():
            return None
        new = parse_article(path, rel, ZoneInfo(maker.config.timezone)).article
        if new is None or not _same_place(old, new, maker.archive, drafts):
            return None
        edited[old.slug] = new
    if not edited:
        return None
    archive = dataclasses.replace(maker.archive, articles={**maker.archive.articles, **edited})
    contexts = Contexts(archive, maker.index, maker.config)
    pages: dict[str, bytes] = {}
    for route in (r for r in maker.article_pages if r.key in edited):
        pages |= maker.pages.files(route, maker.pages.context(contexts, route), maker.renderer)
    return pages


def _same_place(old: Article, new: Article, archive: Archive, drafts: bool) -> bool:
    """The edit keeps the page where it was and names only what the last build knew."""
    return (new.slug == old.slug and new.url_path == old.url_path and new.story == old.story
            and (drafts or not new.draft)
            and new.source.casefold() in archive.source_of
            and all(name.casefold() in archive.entity_of for name in new.entities))


def _relative(path: Path, site: Path) -> str | None:
    return path.relative_to(site).as_posix() if path.is_relative_to(site) else None
