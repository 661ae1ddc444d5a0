"""Routes (every output's kind, key, address and file), the addresses pages link to, and what
page kinds make routes from; two outputs on one path is an error."""
from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property

from ..core.errors import Problem, SiteError
from ..core.model import Archive, month_key
from ..intel.coverage import known_first


@dataclass(frozen=True)
class Route:
    """One output file: what kind of page it is, for which item, and where it goes."""

    kind: str          # the name of its page kind (site.pages)
    key: str           # the item it shows: a slug, a story id, "2025/06"; "" for singletons
    url: str           # path below the base URL: "" for home, "stories/x/", "feed.xml"
    page: int = 1      # page number of a paginated list
    # the file to write, relative to the output folder: made once, asked for many times per route
    output: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        url = self.url
        object.__setattr__(self, "output", url + "index.html" if url == "" or url.endswith("/") else url)


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


def capture_url(where: str | None, root: str) -> str | None:
    """An archived capture's address: a path of the site's own ('/assets/captures/x.html') below `root`
    (the site's base, as the page needs it), else the address as given (None for none)."""
    return root + where[1:] if where and where.startswith("/") else where


def paged(url: str, page: int) -> str:
    return url if page == 1 else f"{url}page/{page}/"


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


@dataclass(frozen=True)
class RouteInput:
    """What page kinds make their routes from."""

    archive: Archive
    per_page: int
    search: bool

    @cached_property
    def sizes(self) -> ListSizes:
        return list_sizes(self.archive)

    def pages(self, items: int) -> range:
        """The page numbers of a list of `items`."""
        return range(1, page_count(items, self.per_page) + 1)


@dataclass(frozen=True)
class ListSizes:
    """How many articles each entity, source and month lists."""

    by_entity: dict[str, int]
    by_article: dict[str, int]           # the entities each article names
    by_source: dict[str, int]
    by_month: dict[str, int]
    stories_by_source: dict[str, int]    # the stories each source covered
    stories_by_entity: dict[str, int]    # the stories whose articles name each entity
    first_by_source: dict[str, int]      # the events each source reported first, of those others covered too


def list_sizes(archive: Archive) -> ListSizes:
    by_entity: dict[str, int] = defaultdict(int)
    by_article: dict[str, int] = {}
    by_source: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    stories: dict[str, set[str]] = defaultdict(set)
    entity_stories: dict[str, set[str]] = defaultdict(set)
    for slug, article in archive.articles.items():
        entities = dict.fromkeys(archive.entity_of[name.casefold()] for name in article.entities)
        for entity in entities:
            by_entity[entity] += 1
            entity_stories[entity].add(archive.story_of[slug])
        by_article[slug] = len(entities)
        source = archive.source_of[article.source.casefold()]
        by_source[source] += 1
        stories[source].add(archive.story_of[slug])
        by_month[month_key(article.date)] += 1
    first: dict[str, int] = defaultdict(int)
    for story in archive.stories:
        for event in story.events:
            reporter = known_first(event, archive.articles, archive.source_of)
            if reporter is not None:
                first[reporter] += 1
    return ListSizes(dict(by_entity), by_article, dict(by_source), dict(by_month),
                     {source: len(ids) for source, ids in stories.items()},
                     {entity: len(ids) for entity, ids in entity_stories.items()}, dict(first))


def check_collisions(routes: list[Route], archive: Archive, about_article: Collection[str]) -> None:
    """Two routes writing one file (compared case-insensitively, for case-insensitive disks) is an error;
    the routes of the kinds `about_article` are named by their article's file."""
    outputs = [route.output for route in routes]
    if _all_plain(outputs) and len({output.casefold() for output in outputs}) == len(outputs):
        return      # what every build finds: one look over all the paths at once
    seen: dict[str, Route] = {}
    problems = []
    for route in routes:
        path = posixpath.normpath(route.output)
        if path.startswith(("..", "/")) or "\\" in path:
            problems.append(Problem(_origin(route, archive, about_article), None, f"page path '{route.output}' leaves the output folder",
                                    "use a plain slug"))
            continue
        other = seen.setdefault(path.casefold(), route)
        if other is not route:
            problems.append(Problem(_origin(route, archive, about_article), None,
                                    f"page '{route.output}' would overwrite the page of {_origin(other, archive, about_article)}",
                                    "give one of them a different slug or story id"))
    if problems:
        raise SiteError(problems)


def _all_plain(outputs: list[str]) -> bool:
    """No output path is empty, starts with "." or "/", holds "/.", "//" or "\\" or ends with "/":
    each is as `posixpath.normpath` makes it and stays inside the output folder. Looked for in
    all of them joined (a path holding the separator can only fail)."""
    joined = "\0" + "\0".join(outputs) + "\0"
    return not any(mark in joined for mark in ("\0\0", "\0.", "\0/", "/.", "//", "\\", "/\0"))


def _origin(route: Route, archive: Archive, about_article: Collection[str]) -> str:
    article = archive.articles.get(route.key) if route.kind in about_article else None
    return article.path if article else f"{route.kind} '{route.key}'"
