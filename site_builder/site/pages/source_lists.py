"""The whole lists a source page shows the start of: the stories the outlet covered and the events
it reported first, each paged (the source page's "and N more" links here)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...intel.coverage import Profile, source_profile
from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, paged, source_url

STORIES, FIRST = "stories/", "first/"
PROFILE_LIST = 20     # a source page lists this many of its stories and of the events it reported first


def profile(ctx: Contexts, source: str) -> Profile:
    """How `source` covered the archive, once per build and source."""
    return ctx.once("source profile", source, lambda: source_profile(
        source, ctx.index.by_source.get(source, []), ctx.archive.story_of, ctx.archive.event_of, ctx.index.events,
        ctx.archive.articles, ctx.archive.source_of))


def _stories(ctx: Contexts, route: Route) -> Context:
    stories = profile(ctx, route.key).stories
    items = [dict(ctx.story_ref(ctx.index.stories[s]), copies=n) for s, n in ctx.page_of(stories, route.page)]
    return _listing(ctx, route, STORIES, "Stories {name} covered", len(stories),
                    [{"title": s["title"], "url": s["url"],
                      "note": f"{s['copies']} of {s['articles']} article{'s' if s['articles'] != 1 else ''}"}
                     for s in items])


def _first(ctx: Contexts, route: Route) -> Context:
    first = profile(ctx, route.key).first
    items = []
    for event_id in ctx.page_of(first, route.page):
        event = ctx.index.events[event_id]
        link = ctx.link(event.versions[0].slug)
        outlets = len({ctx.archive.articles[v.slug].source for v in event.versions})
        items.append({"title": link["title"], "url": link["url"], "note": f"{link['date']['day']}, {outlets} outlets"})
    return _listing(ctx, route, FIRST, "Events {name} reported first", len(first), items)


def _listing(ctx: Contexts, route: Route, folder: str, heading: str, total: int,
             items: list[dict[str, Any]]) -> Context:
    source = ctx.archive.sources[route.key]
    base = source_url(route.key) + folder
    return {"heading": heading.format(name=source.name), "back": {"title": source.name,
                                                                   "url": ctx.url(source_url(route.key))},
            "items": items, "total": total, "pagination": ctx.pagination(route, base, total)}



def _routes(site: RouteInput) -> Iterable[Route]:
    for slug in site.sizes.by_source:
        for kind, folder, count in (("source-stories", STORIES, site.sizes.stories_by_source.get(slug, 0)),
                                    ("source-first", FIRST, site.sizes.first_by_source.get(slug, 0))):
            if count > PROFILE_LIST:
                base = source_url(slug) + folder
                yield from (Route(kind, slug, paged(base, n), n) for n in site.pages(count))


PAGES = PageGroup((PageKind("source-stories", _stories, template="full-list.html"),
                   PageKind("source-first", _first, template="full-list.html")), routes=_routes, order=101)
