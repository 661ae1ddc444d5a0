"""The site's own files: the page for addresses that lead nowhere, robots.txt, the sitemap and
favicon.ico (for browsers that ask the root of a site served there, whatever its pages name)."""
from __future__ import annotations

from datetime import datetime

from ..context import Contexts
from ..formats.favicon import favicon_ico
from ..formats.sitemap import robots_txt, sitemap_files
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route

SITEMAP = "sitemap.xml"


def _robots(ctx: Contexts, route: Route) -> Context:
    return {"sitemap": ctx.absolute(SITEMAP)}


def _robots_files(route: Route, context: Context) -> dict[str, bytes]:
    return {route.output: robots_txt(context["sitemap"]).encode("utf-8")}


def _sitemap(ctx: Contexts, route: Route) -> Context:
    """Every listed page, an article's with its date."""
    newest = {}
    for a in ctx.archive.articles.values():
        newest[a.url_path] = a.date.isoformat()
    return {"base": ctx.absolute(""), "entries": [[ctx.absolute(url), newest.get(url)] for url in ctx.listed]}


def _sitemap_files(route: Route, context: Context) -> dict[str, bytes]:
    urls = [(url, datetime.fromisoformat(when) if when else None) for url, when in context["entries"]]
    return sitemap_files(urls, context["base"])


PAGES = PageGroup((
    PageKind("404", lambda ctx, route: {}, template="404.html", address="404.html", listed=False),
    PageKind("robots", _robots, make=_robots_files, address="robots.txt"),
    PageKind("favicon", lambda ctx, route: {}, make=lambda route, context: {route.output: favicon_ico()},
             address="favicon.ico"),
    PageKind("sitemap", _sitemap, make=_sitemap_files, address=SITEMAP, always_built=True),   # lists every route
), order=10)
