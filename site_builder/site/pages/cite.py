"""Citation files beside each article's page and each story's: CSL-JSON (cite.json), BibTeX
(cite.bib) and RIS (cite.ris); a story's hold one entry per article of the story."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from ..context import Contexts
from ..formats.citations import Citation, article_citation, bibtex, csl_json, ris
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, story_url

FORMATS: dict[str, Callable[[list[Citation]], str]] = {"json": csl_json, "bib": bibtex, "ris": ris}
DATES = ("published", "archived_at", "accessed")
CITE_FILES = (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))     # as pages link them


def cite_file(extension: str) -> str:
    """'cite.bib': the file beside a page."""
    return f"cite.{extension}"


def citation_data(ctx: Contexts, slug: str) -> dict[str, Any]:
    """An article's citation as plain data (its dates as ISO 8601)."""
    a = ctx.archive.articles[slug]
    cite = article_citation(a, ctx.archive.source_of[a.source.casefold()], ctx.absolute(a.url_path))
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(cite).items()}


def _citation(data: dict[str, Any]) -> Citation:
    fields: dict[str, Any] = {k: date.fromisoformat(v) if k in DATES and v else v for k, v in data.items()}
    return Citation(**dict(fields, authors=tuple(fields.get("authors", ()))))


def _article(ctx: Contexts, route: Route) -> Context:
    return {"citations": [citation_data(ctx, route.key)]}


def _story(ctx: Contexts, route: Route) -> Context:
    story = ctx.index.stories[route.key]
    return {"citations": [citation_data(ctx, v.slug) for e in story.events for v in e.versions]}


def _files(extension: str) -> Callable[[Route, Context], dict[str, bytes]]:
    def files(route: Route, context: Context) -> dict[str, bytes]:
        text = FORMATS[extension]([_citation(c) for c in context["citations"]])
        return {route.output: text.encode("utf-8")}
    return files


# (kind, file) per format, made once: the routes are three per article and per story
ARTICLE_FILES = tuple((f"article-cite-{ext}", cite_file(ext)) for ext in FORMATS)
STORY_FILES = tuple((f"story-cite-{ext}", cite_file(ext)) for ext in FORMATS)


def _routes(site: RouteInput) -> Iterable[Route]:
    for slug, article in site.archive.articles.items():
        page = article.url_path
        yield from (Route(kind, slug, page + file) for kind, file in ARTICLE_FILES)
    for story in site.archive.stories:
        yield from (Route(kind, story.id, story_url(story.id, file)) for kind, file in STORY_FILES)


PAGES = PageGroup((
    *(PageKind(kind, _article, make=_files(ext), about_article=True) for ext, (kind, _) in zip(FORMATS, ARTICLE_FILES)),
    *(PageKind(kind, _story, make=_files(ext)) for ext, (kind, _) in zip(FORMATS, STORY_FILES)),
), routes=_routes, order=85)
