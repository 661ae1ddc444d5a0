"""The archive as open data: its tables as one SQLite database (with a full-text index over titles
and bodies), as CSV files, and its stories as `stories --json` gives them. The schema is data, so
the database, the CSV headers and the /data/ page describing them never disagree."""
from __future__ import annotations

import csv
import errno
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from ...core.model import Archive, Article, Story, Tie
from ...intel.coverage import event_copies
from ..wording import reasons
from .citations import article_citation

DATABASE = "archive.sqlite"
STORIES_JSON = "stories.json"
FTS_TABLE = "articles_fts"
TYPES = {"TEXT": str, "INTEGER": int, "REAL": float}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")   # what makes a spreadsheet read a cell as a formula


@dataclass(frozen=True)
class Column:
    name: str
    type: str                      # TEXT, INTEGER or REAL
    doc: str
    references: str | None = None  # "table.column" it is a foreign key to


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    pk: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def csv_name(self) -> str:
        return f"{self.name}.csv"


def _c(name: str, type_: str, doc: str, references: str | None = None) -> Column:
    return Column(name, type_, doc, references)


SCHEMA: tuple[Table, ...] = (
    Table("sources", "The outlets that published copies.", ("slug",), (
        _c("slug", "TEXT", "Identifier; the source's page is /sources/<slug>/."),
        _c("name", "TEXT", "Name as in the registry or the articles."),
        _c("home", "TEXT", "Home page, when the registry gives it."),
        _c("country", "TEXT", "Country, when the registry gives it."),
        _c("kind", "TEXT", "wire, newspaper, broadcaster or aggregator, when the registry gives it."),
        _c("known", "INTEGER", "1 when listed in the sources registry."))),
    Table("stories", "Story timelines: an explicit `story:` key or grouped automatically.", ("id",), (
        _c("id", "TEXT", "Identifier; the story's page is /stories/<id>/."),
        _c("title", "TEXT", "Title."),
        _c("summary", "TEXT", "Summary, from the registry or the first article."),
        _c("status", "TEXT", "developing, ongoing or closed (from the registry)."),
        _c("explicit", "INTEGER", "1 when articles name it with `story:`, 0 when it was grouped automatically."),
        _c("first_date", "TEXT", "Date of its first event (ISO 8601)."),
        _c("last_date", "TEXT", "Date of its last event (ISO 8601)."),
        _c("events", "INTEGER", "Number of events."),
        _c("articles", "INTEGER", "Number of articles (versions of its events)."))),
    Table("events", "Happenings: every outlet's report of one happening, each report with its copies (a wire "
          "story and its republications).", ("id",), (
        _c("id", "TEXT", "Identifier (the slug of its first report)."),
        _c("story_id", "TEXT", "The story it belongs to.", "stories.id"),
        _c("position", "INTEGER", "Its place in the story's timeline, from 0 (oldest first)."),
        _c("date", "TEXT", "Date of its first report (ISO 8601, with the publisher's UTC offset)."),
        _c("date_only", "INTEGER", "1 when the first report gave a date without a time."),
        _c("versions", "INTEGER", "Number of versions (published copies, of every report)."),
        _c("reports", "INTEGER", "Number of reports: each outlet's own text, with its copies."),
        _c("outlets", "INTEGER", "Number of distinct outlets that published it."),
        _c("tie_event", "TEXT", "The earlier event it matched best, for automatically grouped stories.", "events.id"),
        _c("tie_score", "REAL", "How likely the two are one story (0–1)."),
        _c("tie_entities", "TEXT", "Entity slugs both name (JSON array)."),
        _c("tie_terms", "TEXT", "Words both use (JSON array)."))),
    Table("articles", "Every published copy: one content file each.", ("slug",), (
        _c("slug", "TEXT", "Identifier (the file name without .md, or its `slug:`)."),
        _c("path", "TEXT", "The content file, relative to the site folder."),
        _c("page", "TEXT", "Its page below the site's address."),
        _c("title", "TEXT", "Headline as this outlet published it."),
        _c("date", "TEXT", "Publication date (ISO 8601, with the publisher's UTC offset)."),
        _c("date_utc", "TEXT", "The same in UTC, for sorting and comparing (YYYY-MM-DDTHH:MM:SSZ); empty before the year 1."),
        _c("date_only", "INTEGER", "1 when only the date was given (then the time is the start of that day)."),
        _c("source", "TEXT", "The outlet as the article names it."),
        _c("source_slug", "TEXT", "The outlet.", "sources.slug"),
        _c("wire", "TEXT", "The agency the copy comes from, when given."),
        _c("url", "TEXT", "Where the original lives, when given."),
        _c("dateline", "TEXT", "Dateline, when given."),
        _c("authors", "TEXT", "The byline: who wrote it, in order (JSON array; empty when not given)."),
        _c("updated", "TEXT", "When the outlet last changed it (ISO 8601), when given."),
        _c("correction", "TEXT", "The outlet's correction note, when given."),
        _c("image", "TEXT", "The address of its picture, when given."),
        _c("image_caption", "TEXT", "The picture's caption, when given."),
        _c("summary", "TEXT", "Summary."),
        _c("tags", "TEXT", "Tags (JSON array)."),
        _c("body", "TEXT", "Body text (Markdown)."),
        _c("story_id", "TEXT", "Its story.", "stories.id"),
        _c("event_id", "TEXT", "Its event.", "events.id"))),
    Table("citations", "How to cite each article (as its cite.bib, cite.ris and cite.json give it).", ("article_slug",), (
        _c("article_slug", "TEXT", "The article.", "articles.slug"),
        _c("bibtex_key", "TEXT", "Its BibTeX key (the CSL-JSON id, the RIS ID): outlet-year-slug."),
        _c("title", "TEXT", "Title."),
        _c("outlet", "TEXT", "The outlet (journal in BibTeX, container-title in CSL-JSON)."),
        _c("published", "TEXT", "Publication date (YYYY-MM-DD)."),
        _c("url", "TEXT", "The original's address, when given."),
        _c("archived", "TEXT", "Where an archived capture lives, when given."),
        _c("archived_at", "TEXT", "When it was captured (YYYY-MM-DD), when given."),
        _c("accessed", "TEXT", "When it was imported (YYYY-MM-DD), when known."),
        _c("author", "TEXT", "Its authors, when given, separated by '; '."))),
    Table("versions", "Each article as a version of its event, against the event's first report.", ("article_slug",), (
        _c("article_slug", "TEXT", "The article.", "articles.slug"),
        _c("event_id", "TEXT", "Its event.", "events.id"),
        _c("report_id", "TEXT", "The report it is a copy of: the slug of that report's first copy.", "articles.slug"),
        _c("position", "INTEGER", "0 for the event's first report, then in order of publication."),
        _c("score", "REAL", "Similarity to its report's first copy that made it a copy (1 for the first)."),
        _c("lag_seconds", "INTEGER", "Seconds after the first report (whole days when lag_by_day is 1)."),
        _c("lag_by_day", "INTEGER", "1 when either date was given without a time."),
        _c("headline_changed", "INTEGER", "1 when its headline differs from its report's first copy's."),
        _c("wire_copy", "TEXT", "The agency whose story this copy runs; empty for the outlet's own reporting."))),
    Table("entities", "People, organisations, places and other things articles name.", ("slug",), (
        _c("slug", "TEXT", "Identifier; the entity's page is /entities/<slug>/."),
        _c("name", "TEXT", "Canonical name."),
        _c("kind", "TEXT", "person, organisation, place or other."),
        _c("aliases", "TEXT", "Other names that resolve to it (JSON array)."),
        _c("description", "TEXT", "Description, from the registry."),
        _c("known", "INTEGER", "1 when listed in the entities registry."))),
    Table("article_entities", "Which entities each article names.", ("article_slug", "entity_slug"), (
        _c("article_slug", "TEXT", "The article.", "articles.slug"),
        _c("entity_slug", "TEXT", "The entity (aliases resolved).", "entities.slug"),
        _c("position", "INTEGER", "Its place in the article's `entities:` list, from 0."))),
    Table("related", "Related coverage of each article, best first, with the reasons shown on its page.",
          ("article_slug", "rank"), (
        _c("article_slug", "TEXT", "The article.", "articles.slug"),
        _c("rank", "INTEGER", "1 for the best related article."),
        _c("related_slug", "TEXT", "The related article.", "articles.slug"),
        _c("score", "REAL", "Relatedness score."),
        _c("reasons", "TEXT", "Why they are related (JSON array, as on the page)."))),
)

EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Who reported each event first, and how many outlets followed",
     "SELECT e.id, a.title, a.source, e.outlets\nFROM events e\n"
     "JOIN versions v ON v.event_id = e.id AND v.position = 0\nJOIN articles a ON a.slug = v.article_slug\n"
     "ORDER BY e.outlets DESC, e.date\nLIMIT 20;"),
    ("Each outlet's median lag is on its page; here the average lag in hours behind the first report",
     "SELECT a.source, count(*) AS later_copies, round(avg(v.lag_seconds) / 3600.0, 1) AS hours\n"
     "FROM versions v JOIN articles a ON a.slug = v.article_slug\nWHERE v.position > 0\n"
     "GROUP BY a.source ORDER BY hours;"),
    ("Wire copies that changed the headline",
     "SELECT a.source, v.wire_copy, a.title\nFROM versions v JOIN articles a ON a.slug = v.article_slug\n"
     "WHERE v.headline_changed = 1 AND v.wire_copy IS NOT NULL;"),
    ("Full-text search over titles and bodies",
     f"SELECT a.slug, a.title, a.source\nFROM {FTS_TABLE}\nJOIN articles a ON a.rowid = {FTS_TABLE}.rowid\n"
     f"WHERE {FTS_TABLE} MATCH 'Hormuz'\nORDER BY rank;"),
    ("The people named in most stories",
     "SELECT n.name, count(DISTINCT a.story_id) AS stories\nFROM article_entities ae\n"
     "JOIN entities n ON n.slug = ae.entity_slug\nJOIN articles a ON a.slug = ae.article_slug\n"
     "WHERE n.kind = 'person'\nGROUP BY n.slug ORDER BY stories DESC LIMIT 20;"),
)

Rows = list[tuple[Any, ...]]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _utc(when: datetime) -> str | None:
    """'0999-06-01T07:30:00Z'; None when UTC falls before the year 1 (0001-01-01T00:30+03:00)."""
    try:
        utc = when.astimezone(UTC)
    except OverflowError:
        return None
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _updated(article: Article) -> str | None:
    if article.updated is None:
        return None
    return article.updated.date().isoformat() if article.updated_date_only else article.updated.isoformat()


def archive_tables(archive: Archive) -> dict[str, Rows]:
    """Every table's rows, in the order of its columns."""
    stories = {story.id: story for story in archive.stories}
    tables: dict[str, Rows] = {t.name: [] for t in SCHEMA}
    for part in table_parts(archive):
        for name, rows in part_rows(archive, stories, part).items():
            tables[name] += rows
    return tables


def table_parts(archive: Archive) -> list[str]:
    """What the tables are made of, in their rows' order: the sources and the entities whole, then
    each story's rows (stories, events, versions) and each article's (articles, citations,
    article_entities, related). A part's rows read only what making them reads."""
    return ["sources:", "entities:", *(f"story:{story.id}" for story in archive.stories),
            *(f"article:{slug}" for slug in archive.articles)]


def part_rows(archive: Archive, stories: Mapping[str, Story], part: str) -> dict[str, Rows]:
    """The rows of one of `table_parts`, by table (`stories`: the archive's by id)."""
    kind, _, key = part.partition(":")
    if kind == "story":
        return _story_rows(archive, stories[key])
    if kind == "article":
        return _article_rows(archive, key)
    if kind == "sources":
        return {"sources": [(s.slug, s.name, s.home, s.country, s.kind, int(s.known)) for s in archive.sources.values()]}
    return {"entities": [(e.slug, e.name, e.kind, _json(list(e.aliases)), e.description, int(e.known))
                         for e in archive.entities.values()]}


def _story_rows(archive: Archive, story: Story) -> dict[str, Rows]:
    articles = archive.articles
    events: Rows = []
    versions: Rows = []
    for position, event in enumerate(story.events):
        copies = event_copies(event, articles, archive.source_of)
        tie = event.tie
        events.append((
            event.id, story.id, position, event.date.isoformat(), int(articles[event.versions[0].slug].date_only),
            len(copies), len({c.report for c in copies}), len({c.source for c in copies}), tie.event if tie else None, tie.score if tie else None,
            _json(list(tie.entities)) if tie else None, _json(list(tie.terms)) if tie else None))
        versions += [(c.slug, event.id, c.report, c.position, round(event.versions[c.position].score, 4),
                      c.lag_seconds, int(c.by_day), int(c.headline_changed), c.wire) for c in copies]
    return {"stories": [(story.id, story.title, story.summary, story.status, int(story.explicit),
                         story.events[0].date.isoformat(), story.events[-1].date.isoformat(),
                         len(story.events), sum(len(e.versions) for e in story.events))],
            "events": events, "versions": versions}


def _article_rows(archive: Archive, slug: str) -> dict[str, Rows]:
    a = archive.articles[slug]
    source = archive.source_of[a.source.casefold()]
    cite = article_citation(a, source, a.url_path)
    named = dict.fromkeys(archive.entity_of[name.casefold()] for name in a.entities)
    return {
        "articles": [(slug, a.path, a.url_path, a.title, a.date.isoformat(), _utc(a.date), int(a.date_only), a.source,
                      source, a.wire, a.url, a.dateline, _json(list(a.authors)), _updated(a), a.correction or None,
                      a.image, a.image_caption or None, a.summary, _json(list(a.tags)), a.body,
                      archive.story_of[slug], archive.event_of[slug])],
        "citations": [(slug, cite.key, cite.title, cite.outlet, cite.published.isoformat(), a.url,
                       cite.archived, _day(cite.archived_at), _day(cite.accessed), "; ".join(cite.authors) or None)],
        "article_entities": [(slug, entity, n) for n, entity in enumerate(named)],
        "related": [(slug, rank, link.slug, round(link.score, 4), _json(list(reasons(link.why))))
                    for rank, link in enumerate(archive.related.get(slug, ()), start=1)]}


def row_keys(table: Table, rows: Rows) -> list[tuple[Any, ...]]:
    """Each row's primary key."""
    where = [next(n for n, c in enumerate(table.columns) if c.name == name) for name in table.pk]
    return [tuple(row[n] for n in where) for row in rows]


def archive_listing(archive: Archive) -> dict[str, Any]:
    """The computed archive in the fixed shape of `stories --json` (and of the site's data/stories.json)."""
    return {"stories": [
        {"id": s.id, "title": s.title, "explicit": s.explicit, "status": s.status,
         "events": [{"id": e.id, "date": e.date.isoformat(),
                     "date_only": archive.articles[e.versions[0].slug].date_only, "versions": [
             {"path": archive.articles[v.slug].path, "slug": v.slug, "source": archive.articles[v.slug].source,
              "title": archive.articles[v.slug].title, "date": archive.articles[v.slug].date.isoformat(),
              "date_only": archive.articles[v.slug].date_only,
              "score": round(v.score, 4), "report": v.report_id} for v in e.versions],
                     "tie": _tie(e.tie, archive)} for e in s.events]}
        for s in archive.stories]}


def _tie(tie: Tie | None, archive: Archive) -> dict[str, Any] | None:
    """What tied a computed story's event to it: the earlier event, likelihood, shared names and words."""
    if tie is None:
        return None
    return {"event": tie.event, "score": tie.score, "terms": list(tie.terms),
            "entities": [archive.entities[slug].name if slug in archive.entities else slug for slug in tie.entities]}


def file_digests(row_hashes: Mapping[str, list[int]], listing: Any) -> dict[str, str]:
    """Per file of `data_files()`, a hash of what it is written from: it changes exactly when that does.
    A table's is the hash of its rows' hashes (`row_digests`, which writing a file needs
    anyway), so that no table is serialised a second time."""
    def digest(*parts: Any) -> str:
        return hashlib.blake2b(orjson.dumps(parts), digest_size=16).hexdigest()
    by_table = {t.name: digest(t.name, row_hashes[t.name]) for t in SCHEMA}
    return {DATABASE: digest(*by_table.values()), STORIES_JSON: digest(listing),
            **{t.csv_name: by_table[t.name] for t in SCHEMA}}


def row_digests(rows: Rows) -> list[int]:
    """A 64-bit hash of each row."""
    return [int.from_bytes(hashlib.blake2b(orjson.dumps(row), digest_size=8).digest(), "big", signed=True)
            for row in rows]


def write_sqlite(tables: Mapping[str, Rows], path: Path) -> None:
    """The database at `path` (a new file): every table with its primary and foreign keys, and an
    FTS5 index over the articles' titles and bodies. Always made with the same statements, so the
    same tables give the same bytes; written without a journal, as the file is new and only moved
    into place once whole."""
    import sqlite_utils
    if path.exists():
        raise FileExistsError(errno.EEXIST, "file exists", str(path))
    db = sqlite_utils.Database(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        for table in SCHEMA:
            names = [c.name for c in table.columns]
            db.table(table.name).create(
                {c.name: TYPES[c.type] for c in table.columns},
                pk=table.pk[0] if len(table.pk) == 1 else table.pk,
                foreign_keys=[(c.name, *_target(c.references)) for c in table.columns if c.references],
                not_null=list(table.pk))
            db.table(table.name).insert_all((dict(zip(names, row)) for row in tables[table.name]), batch_size=2000)
        db.table("articles").enable_fts(["title", "body"], fts_version="FTS5")
    finally:
        db.close()


def _target(references: str) -> tuple[str, str]:
    """'articles.slug' -> ('articles', 'slug')."""
    other, column = references.split(".")
    return other, column


def csv_cells(row: tuple[Any, ...]) -> list[Any]:
    """A row as its CSV cells: text a spreadsheet would run as a formula (`=HYPERLINK(…)`,
    `+cmd|…`, `@SUM(…)`) is prefixed with a single quote, as OWASP's guidance on CSV injection
    says; the database and the JSON keep the true value."""
    return [f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
            for value in row]


def write_csv(table: Table, rows: Rows, path: Path) -> None:
    """One table as CSV at `path` (a new file; RFC 4180: a header row, CRLF line ends, quoted where needed)."""
    with open(path, "x", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in table.columns])
        writer.writerows(map(csv_cells, rows))


def stories_json(listing: Any) -> bytes:
    return orjson.dumps(listing, option=orjson.OPT_INDENT_2) + b"\n"


def data_files() -> Iterator[str]:
    """The names of every file written into data/."""
    yield DATABASE
    yield from (table.csv_name for table in SCHEMA)
    yield STORIES_JSON


def write_whole_data_file(name: str, tables: Mapping[str, Rows], listing: Any, path: Path) -> None:
    """Write one of `data_files()` at `path`, a new file (an existing one is an error)."""
    if name == DATABASE:
        write_sqlite(tables, path)
    elif name == STORIES_JSON:
        with open(path, "xb") as handle:
            handle.write(stories_json(listing))
    else:
        table = next(t for t in SCHEMA if t.csv_name == name)
        write_csv(table, tables[table.name], path)
