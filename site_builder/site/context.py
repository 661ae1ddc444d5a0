"""Each route's template context: compact, JSON-able data, so it can be hashed to decide staleness."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.config import Config
from ..intel.coverage import Copy, coverage_matrix, event_copies, source_profile
from .wording import lag_text, reasons
from .depends import WHOLE, Recorder, watched
from .lookup import LISTED_ENTITIES, SiteIndex
from .formats.jsonld import item_list_jsonld, news_article_jsonld
from .formats.datafiles import row_digests
from .formats.opendata import (DATABASE, EXAMPLES, FTS_TABLE, SCHEMA, STORIES_JSON, Rows, archive_listing, archive_tables,
                       file_digests)
from ..core.model import Archive, Article, Event, Story, Tie, Version, month_title
from .routes import Route, entity_url, month_url, page_count, paged, source_url, story_url

HOME_STORIES = 8
PROFILE_LIST = 20     # a source page lists this many of its stories and of the events it reported first


class Contexts:
    """Builds the context of any route from the archive, its index and the config."""

    def __init__(self, archive: Archive, index: SiteIndex, config: Config, recorder: Recorder | None = None) -> None:
        """With a `recorder`, every read of the archive and index is noted (see `depends`)."""
        self.archive, self.index = watched(archive, index, recorder) if recorder else (archive, index)
        self._unwatched = archive
        self.config, self.recorder = config, recorder
        self.base = config.base_path
        # memos (value, reads): the same article appears on many pages
        self._links: dict[str, tuple[dict[str, Any], set[str]]] = {}
        self._story_refs: dict[str, tuple[dict[str, Any], set[str]]] = {}
        self._home_stories: dict[str, tuple[list[dict[str, Any]], set[str]]] = {}
        self._open_data: dict[str, tuple[OpenData, set[str]]] = {}

    def _memo(self, memo: dict[str, tuple[Any, set[str]]], key: str, make: Callable[[], Any]) -> Any:
        """`make()` once per key; a page that reuses the value also reads what making it read."""
        hit = memo.get(key)
        if hit is None:
            if self.recorder is None:
                hit = memo[key] = (make(), set())
            else:
                with self.recorder.apart() as reads:
                    value = make()
                hit = memo[key] = (value, reads)
        elif self.recorder is not None:
            self.recorder.current |= hit[1]
        return hit[0]

    # -- small pieces -------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base + path

    def absolute(self, path: str) -> str:
        return (self.config.site_url or self.base) + path

    def when(self, article: Article) -> dict[str, str]:
        """The date for `<time datetime>` (a date alone stays one), the day and, when given, the time."""
        return {"iso": article.date.date().isoformat() if article.date_only else article.date.isoformat(),
                "day": human_day(article.date),
                "time": "" if article.date_only else f"{article.date:%H:%M} {utc_offset(article.date)}"}

    def link(self, slug: str) -> dict[str, Any]:
        """An article as it appears in lists (shared: callers copy before changing it)."""
        return self._memo(self._links, slug, lambda: self._link(slug))

    def _link(self, slug: str) -> dict[str, Any]:
        a = self.archive.articles[slug]
        story_id = self.archive.story_of[slug]
        story = self.index.stories[story_id]
        return {"title": a.title, "url": self.url(a.url_path), "source": a.source,
                "source_url": self.url(source_url(self.archive.source_of[a.source.casefold()])),
                "date": self.when(a), "summary": a.summary,
                "story": {"title": story.title, "url": self.url(story_url(story_id))}
                if len(story.events) > 1 or story.explicit else None}

    def entity_ref(self, slug: str) -> dict[str, str]:
        return {"name": self.archive.entities[slug].name, "url": self.url(entity_url(slug))}

    def story_ref(self, story: Story) -> dict[str, Any]:
        return self._memo(self._story_refs, story.id, lambda: self._story_ref(story))

    def _story_ref(self, story: Story) -> dict[str, Any]:
        return {"title": story.title, "url": self.url(story_url(story.id)), "summary": story.summary,
                "events": len(story.events), "articles": sum(len(e.versions) for e in story.events),
                "first": human_day(story.events[0].date), "last": human_day(story.events[-1].date),
                "chart": self.url(story_url(story.id, "coverage.svg"))}

    def open_data(self) -> OpenData:
        """The archive's tables and stories listing, once per build: they read every collection whole."""
        return self._memo(self._open_data, "", self._make_open_data)

    def _make_open_data(self) -> OpenData:
        if self.recorder is not None:     # read whole, as noted: the data files change with any of them
            for name in OPEN_DATA_READS:
                self.recorder.note(name, WHOLE)
        tables = archive_tables(self._unwatched)
        listing = archive_listing(self._unwatched)
        return OpenData(tables, listing, file_digests(tables, listing))

    def pagination(self, route: Route, base: str, total: int) -> dict[str, Any]:
        pages = page_count(total, self.config.per_page)
        return {"page": route.page, "pages": pages,
                "prev": self.url(paged(base, route.page - 1)) if route.page > 1 else None,
                "next": self.url(paged(base, route.page + 1)) if route.page < pages else None}

    def page_slice(self, slugs: list[str], page: int) -> list[dict[str, Any]]:
        size = self.config.per_page
        return [self.link(s) for s in slugs[(page - 1) * size: page * size]]

    # -- pages ----------------------------------------------------------------------
    def build(self, route: Route) -> dict[str, Any]:
        """The context of one route, with the values every page shares."""
        maker = getattr(self, "ctx_" + route.kind.replace("-", "_"))
        context: dict[str, Any] = maker(route)
        context.setdefault("feeds", [{"title": f"{self.config.title}: latest", "url": self.url("feed.xml")}])
        context["page_url"] = self.url(route.url)
        context["canonical"] = self.absolute(route.url)
        return context

    def ctx_home(self, route: Route) -> dict[str, Any]:
        total = len(self.archive.articles)
        return {"stories": self._memo(self._home_stories, "", self._active_stories) if route.page == 1 else [],
                "articles": self.page_slice(self.index.newest, route.page),
                "pagination": self.pagination(route, "", total), "total": total}

    def _active_stories(self) -> list[dict[str, Any]]:
        active = (s for s in self.archive.stories if len(s.events) > 1 or s.explicit)
        return [self.story_ref(s) for _, s in zip(range(HOME_STORIES), active)]

    def ctx_article(self, route: Route) -> dict[str, Any]:
        a = self.archive.articles[route.key]
        event_id = self.archive.event_of[a.slug]
        story_id, position = self.index.event_pos[event_id]
        story = self.index.stories[story_id]
        event = self.index.events[event_id]
        neighbour = {name: self.link(story.events[i].versions[0].slug) if 0 <= i < len(story.events) else None
                     for name, i in (("previous", position - 1), ("next", position + 1))}
        reports = event.reports
        mine = next(copies for copies in reports if any(v.slug == a.slug for v in copies))
        versions = [dict(self.link(v.slug), current=v.slug == a.slug, score=round(v.score, 2),
                         changes=self.url(self.archive.articles[v.slug].url_path + "changes/") if i else None)
                    for i, v in enumerate(mine)]
        lags = {c.slug: c for c in event_copies(event, self.archive.articles, self.archive.source_of)}
        others = [dict(self.link(copies[0].slug), copies=len(copies) - 1,
                       lag="first report" if lags[copies[0].slug].position == 0
                       else lag_text(lags[copies[0].slug].lag_seconds, lags[copies[0].slug].by_day))
                  for copies in reports if copies is not mine]
        related = [dict(self.link(r.slug), reasons=list(reasons(r.why))) for r in self.archive.related.get(a.slug, ())]
        source_slug = self.archive.source_of[a.source.casefold()]
        slugs = self.index.entity_slugs(self.archive, a)
        entities = [self.entity_ref(e) for e in slugs[:LISTED_ENTITIES]]
        jsonld = news_article_jsonld(
            headline=a.title, url=self.absolute(a.url_path), date_published=a.date, date_modified=None,
            dateline=a.dateline, publisher=a.source, based_on=a.url or a.wire, about=[e["name"] for e in entities],
            description=a.summary, in_language=self.config.language)
        return {"jsonld": jsonld, "article": dict(self.link(a.slug), wire=a.wire, dateline=a.dateline, original=a.url,
                                tags=list(a.tags), body=a.body, digest=a.digest,
                                entities=entities, entities_more=len(slugs) - len(entities),
                                source_home=self.archive.sources[source_slug].home,
                                absolute=self.absolute(a.url_path)),
                "story": dict(self.story_ref(story), position=position + 1), "neighbours": neighbour,
                "versions": versions if len(versions) > 1 else [], "reports": others, "related": related,
                "language": self.config.language}

    def ctx_changes(self, route: Route) -> dict[str, Any]:
        a = self.archive.articles[route.key]
        event = self.index.events[self.archive.event_of[a.slug]]
        base = self.archive.articles[next(v.report_id for v in event.versions if v.slug == a.slug)]
        return {"base": dict(self.link(base.slug), body=base.body),
                "other": dict(self.link(a.slug), body=a.body)}

    def ctx_story(self, route: Route) -> dict[str, Any]:
        story = self.index.stories[route.key]
        firsts = [self.archive.articles[e.versions[0].slug] for e in story.events]
        timed_days = {human_day(a.date) for a in firsts if not a.date_only}
        events: list[dict[str, Any]] = [
            {"date": self.when(first), "id": e.id,
             "untimed_among_timed": first.date_only and human_day(first.date) in timed_days,
             "versions": [dict(self.link(v.slug), score=round(v.score, 2)) for v in e.versions],
             "reports": self.reports(e), "tie": self.tie(e.tie, story)}
            for e, first in zip(story.events, firsts)]
        sources: dict[str, int] = {}
        for e in story.events:
            for v in e.versions:
                name = self.archive.articles[v.slug].source
                sources[name] = sources.get(name, 0) + 1
        return {"story": dict(self.story_ref(story), id=story.id, explicit=story.explicit, status=story.status,
                              timeline=self.url(story_url(story.id, "timeline.json"))),
                "events": events, "sources": sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
                "matrix": self.matrix(story),
                "jsonld": item_list_jsonld(name=story.title, url=self.absolute(route.url), items=[
                    (e["versions"][0]["title"], self.absolute(e["versions"][0]["url"][len(self.base):]))
                    for e in events]),
                "feeds": [{"title": f"{story.title}: latest", "url": self.url(story_url(story.id, "feed.xml"))}]}

    def reports(self, event: Event) -> list[dict[str, Any]]:
        """An event's reports in order: who reported first, who followed and how late, each with its copies."""
        lags = {c.slug: c for c in event_copies(event, self.archive.articles, self.archive.source_of)}

        def entry(version: Version) -> dict[str, Any]:
            copy = lags[version.slug]
            return dict(self.link(version.slug), score=round(version.score, 2),
                        lag="first report" if copy.position == 0 else lag_text(copy.lag_seconds, copy.by_day))
        return [dict(entry(copies[0]), copies=[entry(v) for v in copies[1:]]) for copies in event.reports]

    def tie(self, tie: Tie | None, story: Story) -> dict[str, Any] | None:
        """What tied an event to its computed story: the earlier event (a link within the page)."""
        if tie is None:
            return None
        earlier = next(e for e in story.events if e.id == tie.event)
        return {"event": tie.event, "title": self.archive.articles[earlier.versions[0].slug].title,
                "score": tie.score, "terms": list(tie.terms),
                "entities": [self.entity_ref(slug) for slug in tie.entities if slug in self.archive.entities]}

    def matrix(self, story: Story) -> dict[str, Any]:
        """The story's coverage matrix: events (rows) × outlets (columns), each cell the outlet's copies."""
        matrix = coverage_matrix(story, self.archive.articles, self.archive.source_of)
        rows = []
        for event, cells in zip(story.events, matrix.rows):
            first = self.archive.articles[event.versions[0].slug]
            rows.append({"id": event.id, "title": first.title, "date": self.when(first),
                         "cells": [[self.matrix_cell(c) for c in cell] for cell in cells]})
        return {"sources": [{"name": self.archive.sources[s].name, "url": self.url(source_url(s))}
                            for s in matrix.sources], "rows": rows}

    def matrix_cell(self, copy: Copy) -> dict[str, Any]:
        """One cell entry of a coverage matrix."""
        a = self.archive.articles[copy.slug]
        return {"title": a.title, "url": self.url(a.url_path), "date": self.when(a), "first": copy.position == 0,
                "lag": "first report" if copy.position == 0 else lag_text(copy.lag_seconds, copy.by_day),
                "changed": copy.headline_changed, "wire": copy.wire}

    def ctx_entity(self, route: Route) -> dict[str, Any]:
        entity = self.archive.entities[route.key]
        slugs = self.index.by_entity.get(route.key, [])
        base = entity_url(route.key)
        return {"entity": {"name": entity.name, "kind": entity.kind, "aliases": list(entity.aliases),
                           "description": entity.description, "known": entity.known, "count": len(slugs)},
                "articles": self.page_slice(slugs, route.page), "pagination": self.pagination(route, base, len(slugs)),
                "stories": [self.story_ref(self.index.stories[s]) for s in self.index.entity_stories.get(route.key, [])]
                if route.page == 1 else [],
                "co_entities": [dict(self.entity_ref(e), count=n) for e, n in self.index.co_entities.get(route.key, [])],
                "feeds": [{"title": f"{entity.name}: latest", "url": self.url(base + "feed.xml")}]}

    def ctx_source(self, route: Route) -> dict[str, Any]:
        source = self.archive.sources[route.key]
        slugs = self.index.by_source.get(route.key, [])
        return {"source": {"name": source.name, "home": source.home, "country": source.country,
                           "kind": source.kind, "known": source.known, "count": len(slugs)},
                "profile": self.profile(route.key, slugs) if route.page == 1 else None,
                "articles": self.page_slice(slugs, route.page),
                "pagination": self.pagination(route, source_url(route.key), len(slugs))}

    def profile(self, source: str, slugs: list[str]) -> dict[str, Any]:
        """How the outlet covered the archive: its stories, the events it reported first, its lag, its copies."""
        p = source_profile(source, slugs, self.archive.story_of, self.archive.event_of, self.index.events,
                           self.archive.articles, self.archive.source_of)
        firsts = [self.index.events[e] for e in p.first[:PROFILE_LIST]]
        return {"stories": [dict(self.story_ref(self.index.stories[s]), copies=n) for s, n in p.stories[:PROFILE_LIST]],
                "stories_total": len(p.stories), "first_total": len(p.first), "shared": p.shared,
                "first": [dict(self.link(e.versions[0].slug), outlets=len({self.archive.articles[v.slug].source
                                                                             for v in e.versions}))
                          for e in firsts],
                "median_lag": lag_text(*p.median_lag) if p.median_lag else None,
                "copies": p.copies, "wire": p.wire, "wire_share": _share(p.wire, p.copies),
                "later": p.later, "changed": p.changed, "changed_share": _share(p.changed, p.later)}

    def ctx_month(self, route: Route) -> dict[str, Any]:
        slugs = self.index.by_month.get(route.key, [])
        year, month = route.key.split("/")
        return {"month": {"title": month_title(datetime(int(year), int(month), 1)), "count": len(slugs)},
                "articles": self.page_slice(slugs, route.page),
                "pagination": self.pagination(route, month_url(route.key), len(slugs))}

    def ctx_stories_index(self, route: Route) -> dict[str, Any]:
        return {"stories": [self.story_ref(s) for s in self.archive.stories]}

    def ctx_entities_index(self, route: Route) -> dict[str, Any]:
        items = sorted(self.index.by_entity.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return {"entities": [dict(self.entity_ref(slug), count=len(slugs), kind=self.archive.entities[slug].kind)
                             for slug, slugs in items]}

    def ctx_sources_index(self, route: Route) -> dict[str, Any]:
        items = sorted(self.index.by_source.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return {"sources": [{"name": self.archive.sources[s].name, "url": self.url(source_url(s)),
                             "count": len(slugs), "kind": self.archive.sources[s].kind} for s, slugs in items]}

    def ctx_archive_index(self, route: Route) -> dict[str, Any]:
        months = sorted(self.index.by_month.items(), reverse=True)
        return {"months": [{"title": month_title(datetime(int(m[:4]), int(m[5:]), 1)),
                            "url": self.url(month_url(m)), "count": len(s)} for m, s in months]}

    def ctx_data(self, route: Route) -> dict[str, Any]:
        """The open data page: the files, every table's columns and row count, example SQL."""
        data = self.open_data()
        return {"database": {"name": DATABASE, "url": self.url(f"data/{DATABASE}")},
                "stories_json": {"name": STORIES_JSON, "url": self.url(f"data/{STORIES_JSON}")},
                "fts": FTS_TABLE,
                "tables": [{"name": t.name, "doc": t.doc, "rows": len(data.tables[t.name]), "pk": list(t.pk),
                            "csv": {"name": t.csv_name, "url": self.url(f"data/{t.csv_name}")},
                            "columns": [vars(c) for c in t.columns]} for t in SCHEMA],
                "examples": [{"title": title, "sql": sql} for title, sql in EXAMPLES]}

    def ctx_search(self, route: Route) -> dict[str, Any]:
        return {"bundle": self.url("pagefind/")}

    def ctx_404(self, route: Route) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class OpenData:
    tables: dict[str, Rows]
    listing: dict[str, Any]
    digests: dict[str, str]       # file name -> hash of what it is written from
    hashed: dict[str, list[int]] = field(default_factory=dict)    # table -> its row hashes, once asked for

    def rows(self, table: str) -> list[int]:
        """The hash of each row of `table` (only the files written need them)."""
        if table not in self.hashed:
            self.hashed[table] = row_digests(self.tables[table])
        return self.hashed[table]


OPEN_DATA_READS = ("articles", "stories", "story_of", "event_of", "entities", "entity_of", "sources", "source_of",
                   "related")


def _share(part: int, whole: int) -> str | None:
    """'40%', or None of nothing."""
    return f"{round(100 * part / whole)}%" if whole else None


def human_day(when: datetime) -> str:
    return f"{when.day} {month_title(when)}"


def utc_offset(when: datetime) -> str:
    offset = when.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
