"""Every output's URL, file and template; two outputs on one path is an error."""
from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass

from ..core.errors import Problem, SiteError
from ..core.model import Archive, month_key
from .formats.opendata import data_files


@dataclass(frozen=True)
class PageKind:
    """What the build does with a kind of route: an HTML page rendered from a template, or a
    file made by site.formats (`template` None); `always_built` when what it reads is not recorded."""

    template: str | None = None
    always_built: bool = False


PAGE_KINDS = {
    "home": PageKind("home.html"), "article": PageKind("article.html"), "changes": PageKind("changes.html"),
    "story": PageKind("story.html"), "entity": PageKind("entity.html"), "source": PageKind("source.html"),
    "month": PageKind("month.html"), "search": PageKind("search.html"), "404": PageKind("404.html"),
    "stories-index": PageKind("stories-index.html"), "entities-index": PageKind("entities-index.html"),
    "sources-index": PageKind("sources-index.html"), "archive-index": PageKind("archive-index.html"),
    "data": PageKind("data.html"),
    "feed": PageKind(), "story-feed": PageKind(), "entity-feed": PageKind(), "story-timeline": PageKind(),
    "story-chart": PageKind(), "sitemap": PageKind(always_built=True),   # lists every route
    "robots": PageKind(), "data-file": PageKind(),
}
TEMPLATES = {kind: k.template for kind, k in PAGE_KINDS.items() if k.template}
DATA_KINDS = tuple(kind for kind, k in PAGE_KINDS.items() if k.template is None)
ALWAYS_BUILT = tuple(kind for kind, k in PAGE_KINDS.items() if k.always_built)


@dataclass(frozen=True)
class Route:
    """One output file: what kind of page it is, for which item, and where it goes."""

    kind: str          # home, story, article, changes, entity, source, month, ... feed, sitemap
    key: str           # the item it shows: a slug, a story id, "2025/06"; "" for singletons
    url: str           # path below the base URL: "" for home, "stories/x/", "feed.xml"
    page: int = 1      # page number of a paginated list

    @property
    def output(self) -> str:
        """The file to write, relative to the output folder."""
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url


def story_url(story_id: str, file: str = "") -> str:
    """A story's page, or a file beside it (feed.xml, timeline.json, coverage.svg)."""
    return f"stories/{story_id}/{file}"


def entity_url(slug: str, file: str = "") -> str:
    """An entity's page, or its feed.xml."""
    return f"entities/{slug}/{file}"


def source_url(slug: str, file: str = "") -> str:
    return f"sources/{slug}/{file}"


def month_url(month: str, file: str = "") -> str:
    """A month of the archive ("2025/06")."""
    return f"archive/{month}/{file}"


def paged(url: str, page: int) -> str:
    return url if page == 1 else f"{url}page/{page}/"


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def site_routes(archive: Archive, per_page: int, search: bool) -> list[Route]:
    """All routes of the site, checked for collisions."""
    by_entity, by_source, by_month = list_sizes(archive)
    routes = [Route("404", "", "404.html"), Route("robots", "", "robots.txt"),
              Route("sitemap", "", "sitemap.xml"), Route("feed", "", "feed.xml"),
              Route("stories-index", "", "stories/"), Route("entities-index", "", "entities/"),
              Route("sources-index", "", "sources/"), Route("archive-index", "", "archive/")]
    routes += [Route("data", "", "data/"), *(Route("data-file", name, f"data/{name}") for name in data_files())]
    if search:
        routes.append(Route("search", "", "search/"))
    routes += [Route("home", "", paged("", n), n) for n in range(1, page_count(len(archive.articles), per_page) + 1)]
    for story in archive.stories:
        base = story_url(story.id)
        routes += [Route("story", story.id, base), Route("story-feed", story.id, base + "feed.xml"),
                   Route("story-timeline", story.id, base + "timeline.json"),
                   Route("story-chart", story.id, base + "coverage.svg")]
        for event in story.events:
            routes += [Route("changes", v.slug, archive.articles[v.slug].url_path + "changes/")
                       for copies in event.reports for v in copies[1:]]
    routes += [Route("article", slug, article.url_path) for slug, article in archive.articles.items()]
    for slug, count in by_entity.items():
        routes += [Route("entity", slug, paged(entity_url(slug), n), n) for n in range(1, page_count(count, per_page) + 1)]
        routes.append(Route("entity-feed", slug, entity_url(slug, "feed.xml")))
    for slug, count in by_source.items():
        routes += [Route("source", slug, paged(source_url(slug), n), n) for n in range(1, page_count(count, per_page) + 1)]
    for month, count in by_month.items():
        routes += [Route("month", month, paged(month_url(month), n), n) for n in range(1, page_count(count, per_page) + 1)]
    check_collisions(routes, archive)
    return routes


def list_sizes(archive: Archive) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """How many articles each entity, source and month lists."""
    by_entity: dict[str, int] = defaultdict(int)
    by_source: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    for article in archive.articles.values():
        for slug in dict.fromkeys(archive.entity_of[name.casefold()] for name in article.entities):
            by_entity[slug] += 1
        by_source[archive.source_of[article.source.casefold()]] += 1
        by_month[month_key(article.date)] += 1
    return dict(by_entity), dict(by_source), dict(by_month)


def check_collisions(routes: list[Route], archive: Archive) -> None:
    """Two routes writing one file (compared case-insensitively, for case-insensitive disks) is an error."""
    seen: dict[str, Route] = {}
    problems = []
    for route in routes:
        path = posixpath.normpath(route.output)
        if path.startswith(("..", "/")) or "\\" in path:
            problems.append(Problem(_origin(route, archive), None, f"page path '{route.output}' leaves the output folder",
                                    "use a plain slug"))
            continue
        other = seen.setdefault(path.casefold(), route)
        if other is not route:
            problems.append(Problem(_origin(route, archive), None,
                                    f"page '{route.output}' would overwrite the page of {_origin(other, archive)}",
                                    "give one of them a different slug or story id"))
    if problems:
        raise SiteError(problems)


def _origin(route: Route, archive: Archive) -> str:
    article = archive.articles.get(route.key)
    return article.path if article and route.kind in ("article", "changes") else f"{route.kind} '{route.key}'"
