"""An entity's page, paged: its articles, its stories, who appears with it; and its feed."""
from __future__ import annotations

from collections.abc import Iterable

from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, entity_url, paged
from .entity_lists import SHOWN_STORIES, STORIES
from .feed import feed_context, feed_files


def _entity(ctx: Contexts, route: Route) -> Context:
    entity = ctx.archive.entities[route.key]
    slugs = ctx.index.by_entity.get(route.key, [])
    base = entity_url(route.key)
    return {"entity": {"name": entity.name, "kind": entity.kind, "aliases": list(entity.aliases),
                       "description": entity.description, "known": entity.known, "count": len(slugs)},
            "articles": ctx.page_slice(slugs, route.page), "pagination": ctx.pagination(route, base, len(slugs)),
            **(_stories(ctx, route.key) if route.page == 1 else {"stories": []}),
            "co_entities": [dict(ctx.entity_ref(e), count=n) for e, n in ctx.index.co_entities.get(route.key, [])],
            "feeds": [{"title": f"{entity.name}: latest", "url": ctx.url(base + "feed.xml")}]}


def _stories(ctx: Contexts, slug: str) -> Context:
    """The SHOWN_STORIES stories that hold most of the entity's articles, and how many there are."""
    stories = ctx.index.entity_stories.get(slug, [])
    return {"stories": [dict(ctx.story_ref(ctx.index.stories[s]), mentions=n) for s, n in stories[:SHOWN_STORIES]],
            "stories_total": len(stories),
            "stories_all": ctx.url(entity_url(slug) + STORIES) if len(stories) > SHOWN_STORIES else None}


def _feed(ctx: Contexts, route: Route) -> Context:
    slugs = ctx.index.by_entity.get(route.key, [])[: ctx.config.feed_entries]
    return feed_context(ctx, route, slugs, ctx.archive.entities[route.key].name, entity_url(route.key))


def _routes(site: RouteInput) -> Iterable[Route]:
    for slug, count in site.sizes.by_entity.items():
        yield from (Route("entity", slug, paged(entity_url(slug), n), n) for n in site.pages(count))
        yield Route("entity-feed", slug, entity_url(slug, "feed.xml"))


PAGES = PageGroup((PageKind("entity", _entity, template="entity.html"),
                   PageKind("entity-feed", _feed, make=feed_files)), routes=_routes, order=90)
