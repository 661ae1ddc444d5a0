"""The home page: the latest stories, then every article newest first, paged."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, paged

HOME_STORIES = 8


def _home(ctx: Contexts, route: Route) -> Context:
    total = len(ctx.archive.articles)
    return {"stories": ctx.once("home stories", "", lambda: _active_stories(ctx)) if route.page == 1 else [],
            "articles": ctx.page_slice(ctx.index.newest, route.page),
            "pagination": ctx.pagination(route, "", total), "total": total}


def _active_stories(ctx: Contexts) -> list[dict[str, Any]]:
    active = (s for s in ctx.archive.stories if len(s.events) > 1 or s.explicit)
    return [ctx.story_ref(s) for _, s in zip(range(HOME_STORIES), active)]


def _routes(site: RouteInput) -> Iterable[Route]:
    return [Route("home", "", paged("", n), n) for n in site.pages(len(site.archive.articles))]


PAGES = PageGroup((PageKind("home", _home, template="home.html", address=""),), routes=_routes, order=60)
