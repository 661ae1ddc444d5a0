"""The lists of every story, entity, source and month: stories newest first, entities and sources
A–Z with a letter bar, each paged."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import groupby
from typing import Any

from ...core.model import month_title
from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..letters import alphabetical, by_letter, letter_bar
from ..routes import Route, RouteInput, month_url, paged, source_url

STORIES, ENTITIES, SOURCES = "stories/", "entities/", "sources/"


def _stories(ctx: Contexts, route: Route) -> Context:
    stories = ctx.archive.stories
    return {"stories": [ctx.story_ref(s) for s in ctx.page_of(stories, route.page)],
            "total": len(stories), "pagination": ctx.pagination(route, STORIES, len(stories))}


def _entities(ctx: Contexts, route: Route) -> Context:
    names = ctx.once("entities a-z", "", lambda: alphabetical(
        [(slug, ctx.archive.entities[slug].name) for slug in ctx.index.by_entity], lambda item: item[1]))
    items = [dict(ctx.entity_ref(slug), count=len(ctx.index.by_entity[slug]))
             for slug, _ in ctx.page_of(names, route.page)]
    return _named(ctx, route, ENTITIES, [name for _, name in names], items)


def _sources(ctx: Contexts, route: Route) -> Context:
    names = ctx.once("sources a-z", "", lambda: alphabetical(
        [(slug, ctx.archive.sources[slug].name) for slug in ctx.index.by_source], lambda item: item[1]))
    items = [{"name": name, "url": ctx.url(source_url(slug)), "count": len(ctx.index.by_source[slug])}
             for slug, name in ctx.page_of(names, route.page)]
    return _named(ctx, route, SOURCES, [name for _, name in names], items)


def _named(ctx: Contexts, route: Route, base: str, names: list[str], items: list[dict[str, Any]]) -> Context:
    """A page of an A–Z list: its items under their letters, the letter bar and the pager."""
    return {"groups": by_letter(items), "letters": letter_bar(names, ctx.config.per_page, base, ctx.url),
            "total": len(names), "pagination": ctx.pagination(route, base, len(names))}



def _months(ctx: Contexts, route: Route) -> Context:
    months = sorted(ctx.index.by_month.items(), reverse=True)
    return {"years": [{"year": year, "months": [
        {"title": month_title(datetime(int(m[:4]), int(m[5:]), 1)), "url": ctx.url(month_url(m)), "count": len(s)}
        for m, s in in_year]} for year, in_year in groupby(months, key=lambda kv: kv[0][:4])]}


def _routes(site: RouteInput) -> Iterable[Route]:
    for kind, base, count in (("stories-index", STORIES, len(site.archive.stories)),
                              ("entities-index", ENTITIES, len(site.sizes.by_entity)),
                              ("sources-index", SOURCES, len(site.sizes.by_source))):
        yield from (Route(kind, "", paged(base, n), n) for n in site.pages(count))
    yield Route("archive-index", "", "archive/")


PAGES = PageGroup((
    PageKind("stories-index", _stories, template="stories-index.html", address=STORIES),
    PageKind("entities-index", _entities, template="entities-index.html", address=ENTITIES),
    PageKind("sources-index", _sources, template="sources-index.html", address=SOURCES),
    PageKind("archive-index", _months, template="archive-index.html", address="archive/"),
), routes=_routes, order=30)
