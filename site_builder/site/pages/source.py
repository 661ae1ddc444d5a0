"""An outlet's page, paged: its articles and, on the first page, how it covered the archive."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, paged, source_url
from ..wording import lag_text
from .source_lists import FIRST, PROFILE_LIST, STORIES, profile


def _source(ctx: Contexts, route: Route) -> Context:
    source = ctx.archive.sources[route.key]
    slugs = ctx.index.by_source.get(route.key, [])
    return {"source": {"name": source.name, "home": source.home, "country": source.country,
                       "kind": source.kind, "known": source.known, "count": len(slugs)},
            "profile": _profile(ctx, route.key) if route.page == 1 else None,
            "articles": ctx.page_slice(slugs, route.page),
            "pagination": ctx.pagination(route, source_url(route.key), len(slugs))}


def _profile(ctx: Contexts, source: str) -> dict[str, Any]:
    """How the outlet covered the archive: its stories, the events it reported first, its lag, its copies."""
    p = profile(ctx, source)
    firsts = [ctx.index.events[e] for e in p.first[:PROFILE_LIST]]
    return {"stories": [dict(ctx.story_ref(ctx.index.stories[s]), copies=n) for s, n in p.stories[:PROFILE_LIST]],
            "stories_total": len(p.stories), "first_total": len(p.first), "shared": p.shared,
            "stories_all": ctx.url(source_url(source) + STORIES), "first_all": ctx.url(source_url(source) + FIRST),
            "first": [dict(ctx.link(e.versions[0].slug), outlets=len({ctx.archive.articles[v.slug].source
                                                                        for v in e.versions}))
                      for e in firsts],
            "median_lag": lag_text(*p.median_lag) if p.median_lag else None,
            "copies": p.copies, "wire": p.wire, "wire_share": _share(p.wire, p.copies),
            "later": p.later, "changed": p.changed, "changed_share": _share(p.changed, p.later)}


def _share(part: int, whole: int) -> str | None:
    """'40%', or None of nothing."""
    return f"{round(100 * part / whole)}%" if whole else None


def _routes(site: RouteInput) -> Iterable[Route]:
    for slug, count in site.sizes.by_source.items():
        yield from (Route("source", slug, paged(source_url(slug), n), n) for n in site.pages(count))


PAGES = PageGroup((PageKind("source", _source, template="source.html"),), routes=_routes, order=100)
