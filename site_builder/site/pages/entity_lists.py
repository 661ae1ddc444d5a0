"""Every story whose articles name an entity, paged: the entity page shows the SHOWN_STORIES that
hold most of them, and links here for the rest."""
from __future__ import annotations

from collections.abc import Iterable

from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, entity_url, paged

STORIES = "stories/"
SHOWN_STORIES = 12     # an entity page's story cards


def _stories(ctx: Contexts, route: Route) -> Context:
    entity = ctx.archive.entities[route.key]
    stories = ctx.index.entity_stories.get(route.key, [])
    items = []
    for story_id, mentions in ctx.page_of(stories, route.page):
        story = ctx.story_ref(ctx.index.stories[story_id])
        items.append({"title": story["title"], "url": story["url"],
                      "note": f"{mentions} of its {story['articles']} article{'s' if story['articles'] != 1 else ''}"})
    base = entity_url(route.key) + STORIES
    return {"heading": f"Stories that name {entity.name}", "back": {"title": entity.name, "url": ctx.url(entity_url(route.key))},
            "items": items, "total": len(stories), "pagination": ctx.pagination(route, base, len(stories))}


def _routes(site: RouteInput) -> Iterable[Route]:
    for slug, count in site.sizes.stories_by_entity.items():
        if count > SHOWN_STORIES:
            base = entity_url(slug) + STORIES
            yield from (Route("entity-stories", slug, paged(base, n), n) for n in site.pages(count))


PAGES = PageGroup((PageKind("entity-stories", _stories, template="full-list.html"),), routes=_routes, order=91)
