"""The open data: its page and the files of data/ (the database, a CSV file per table, stories.json)."""
from __future__ import annotations

from collections.abc import Iterable

from ..context import Contexts
from ..formats.opendata import DATABASE, EXAMPLES, FTS_TABLE, SCHEMA, STORIES_JSON, data_files
from ..kinds import Context, PageGroup, PageKind, Target
from ..routes import Route, RouteInput

DATA = "data/"


def _page(ctx: Contexts, route: Route) -> Context:
    """The files, every table's columns and row count, example SQL."""
    data = ctx.open_data()
    return {"database": {"name": DATABASE, "url": ctx.url(DATA + DATABASE)},
            "stories_json": {"name": STORIES_JSON, "url": ctx.url(DATA + STORIES_JSON)},
            "fts": FTS_TABLE,
            "tables": [{"name": t.name, "doc": t.doc, "rows": len(data.rows(t.name)), "pk": list(t.pk),
                        "csv": {"name": t.csv_name, "url": ctx.url(DATA + t.csv_name)},
                        "columns": [vars(c) for c in t.columns]} for t in SCHEMA],
            "examples": [{"title": title, "sql": sql} for title, sql in EXAMPLES]}


def _file(ctx: Contexts, route: Route) -> Context:
    """A hash of what the file is written from: the same tables as the page and the other files."""
    return {"digest": ctx.open_data().digests[route.key]}


def _write(route: Route, ctx: Contexts, target: Target) -> None:
    """Straight into place, from the last build's file where it can: the largest files of the site,
    never held in memory whole."""
    target.write_data(route.key, ctx.open_data(), target.path, target.published)


def _routes(site: RouteInput) -> Iterable[Route]:
    return [Route("data", "", DATA), *(Route("data-file", name, DATA + name) for name in data_files())]


PAGES = PageGroup((PageKind("data", _page, template="data.html", address=DATA),
                   PageKind("data-file", _file, write=_write)), routes=_routes, order=40)
