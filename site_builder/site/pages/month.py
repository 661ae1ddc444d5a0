"""A month of the archive, paged."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ...core.model import month_title
from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, month_url, paged


def _month(ctx: Contexts, route: Route) -> Context:
    slugs = ctx.index.by_month.get(route.key, [])
    year, month = route.key.split("/")
    return {"month": {"title": month_title(datetime(int(year), int(month), 1)), "count": len(slugs)},
            "days": _days(ctx.page_slice(slugs, route.page)),
            "pagination": ctx.pagination(route, month_url(route.key), len(slugs))}


def _days(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's articles under a heading a day (its own date, in its own time zone), in their order."""
    days: dict[str, list[dict[str, Any]]] = {}
    for a in articles:
        days.setdefault(a["date"]["iso"][:10], []).append(a)
    return [{"day": group[0]["date"]["day"], "iso": iso, "articles": group} for iso, group in days.items()]


def _routes(site: RouteInput) -> Iterable[Route]:
    for month, count in site.sizes.by_month.items():
        yield from (Route("month", month, paged(month_url(month), n), n) for n in site.pages(count))


PAGES = PageGroup((PageKind("month", _month, template="month.html"),), routes=_routes, order=110)
