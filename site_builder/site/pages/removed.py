"""Articles taken down (content/removed.yaml): a plain page at each one's old address, so that links
to it do not silently fail, and the list of them at /removed/. Neither holds any of their text."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...core.model import Removal
from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput

INDEX = "removed/"


def _entry(ctx: Contexts, removal: Removal) -> dict[str, Any]:
    return {"date": removal.date.isoformat(), "day": f"{removal.date.day} {removal.date:%B %Y}",
            "reason": removal.reason if removal.shown else "",
            "url": ctx.url(removal.address) if removal.address else None}


def _removed(ctx: Contexts, route: Route) -> Context:
    removal = next(r for r in ctx.archive.removed if r.address == route.key)
    return {"removal": _entry(ctx, removal), "index": ctx.url(INDEX)}


def _index(ctx: Contexts, route: Route) -> Context:
    entries = sorted(ctx.archive.removed, key=lambda r: (r.date, r.address or ""), reverse=True)
    return {"removals": [_entry(ctx, r) for r in entries]}


def _routes(site: RouteInput) -> Iterable[Route]:
    yield Route("removed-index", "", INDEX)
    for address in dict.fromkeys(r.address for r in site.archive.removed if r.address):
        yield Route("removed", address, address)


PAGES = PageGroup((PageKind("removed", _removed, template="removed.html", listed=False),
                   PageKind("removed-index", _index, template="removed-index.html", address=INDEX)),
                  routes=_routes, order=95)
