"""The search page (its index is made after the pages, by build.search)."""
from __future__ import annotations

from collections.abc import Iterable

from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput

SEARCH = "search/"


def _search(ctx: Contexts, route: Route) -> Context:
    return {"bundle": ctx.url("pagefind/"), "engine": ctx.url("assets/search/")}


def _routes(site: RouteInput) -> Iterable[Route]:
    return [Route("search", "", SEARCH)] if site.search else []


PAGES = PageGroup((PageKind("search", _search, template="search.html", address=SEARCH),), routes=_routes, order=50)
