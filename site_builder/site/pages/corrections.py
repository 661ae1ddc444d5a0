"""The corrections list at /corrections/: every article with a `correction:` note, newest first, paged."""
from __future__ import annotations

from collections.abc import Iterable

from ...core.model import Archive, Article
from ..context import Contexts, moment
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, RouteInput, paged

INDEX = "corrections/"


def corrected(archive: Archive) -> list[Article]:
    """The articles with a correction, the latest correction first (its update, else its publication)."""
    found = [a for a in archive.articles.values() if a.correction]
    return sorted(found, key=lambda a: (a.updated or a.date, a.slug), reverse=True)


def _index(ctx: Contexts, route: Route) -> Context:
    articles = corrected(ctx.archive)
    return {"corrections": [dict(ctx.link(a.slug), correction=a.correction,
                                 updated=moment(a.updated, a.updated_date_only) if a.updated else None)
                            for a in ctx.page_of(articles, route.page)],
            "total": len(articles), "pagination": ctx.pagination(route, INDEX, len(articles))}


def _routes(site: RouteInput) -> Iterable[Route]:
    count = sum(1 for a in site.archive.articles.values() if a.correction)
    yield from (Route("corrections", "", paged(INDEX, n), n) for n in site.pages(count))


PAGES = PageGroup((PageKind("corrections", _index, template="corrections.html", address=INDEX),),
                  routes=_routes, order=96)
