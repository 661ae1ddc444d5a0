"""A story: its timeline page, its feed, its TimelineJS file, its coverage chart, and the diff page
of each copy of one of its events' reports against the report's first copy."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from ...core.model import Article, Event, Story, Tie, Version
from ...intel.coverage import Copy, coverage_matrix, event_copies
from ..context import Contexts, human_day
from ..formats.chart import coverage_chart
from ..formats.jsonld import item_list_jsonld
from ..formats.timelinejs import TimelineEvent, timeline_json
from ..kinds import Context, PageGroup, PageKind
from ..letters import name_order
from ..render import Renderer
from ..routes import Route, RouteInput, paged, source_url, story_url
from ..wording import lag_text
from .cite import CITE_FILES, cite_file
from .feed import feed_context, feed_files

MATRIX_OUTLETS = 10     # the coverage matrix's columns: a story's busiest outlets (the rest counted)
OVERVIEW_OUTLETS = 8    # outlets named in the overview at the top of the page
SHOWN_COPIES = 20       # copies listed under a report on the story page (its article page lists all)
CELL_COPIES = 3         # copies listed in one cell of the matrix


def story_pages(story: Story, per_page: int) -> list[tuple[int, int]]:
    """The story's events page by page, as (first, end) indices: whole events, oldest first, up to
    `per_page` articles a page (an event of more has a page of its own), so a page's size follows
    what it lists however large the story."""
    bounds, begin, count = [], 0, 0
    for number, event in enumerate(story.events):
        if count and count + len(event.versions) > per_page:
            bounds.append((begin, number))
            begin, count = number, 0
        count += len(event.versions)
    bounds.append((begin, len(story.events)))
    return bounds


def _story(ctx: Contexts, route: Route) -> Context:
    story = ctx.index.stories[route.key]
    bounds = story_pages(story, ctx.config.per_page)
    begin, end = bounds[route.page - 1]
    shown = story.events[begin:end]
    base = story_url(story.id)
    firsts = [ctx.archive.articles[e.versions[0].slug] for e in shown]
    timed_days = {human_day(a.date) for a in firsts if not a.date_only}
    events: list[dict[str, Any]] = [
        {"date": ctx.when(first), "id": e.id, "number": begin + n + 1,
         "untimed_among_timed": first.date_only and human_day(first.date) in timed_days,
         "first": dict(ctx.link(e.versions[0].slug)), "articles": len(e.versions),
         "reports": _reports(ctx, e), "tie": _tie(ctx, e.tie, story, route.page)}
        for n, (e, first) in enumerate(zip(shown, firsts))]
    outlets = ctx.once("story outlets", story.id, lambda: _outlets(ctx, story))
    pages = len(bounds)
    return {"story": dict(ctx.story_ref(story), id=story.id, explicit=story.explicit, status=story.status,
                          timeline=ctx.url(story_url(story.id, "timeline.json")),
                          feed=ctx.url(story_url(story.id, "feed.xml")), outlets=len(outlets),
                          cite=[{"name": name, "url": ctx.url(story_url(story.id, cite_file(ext)))}
                                for ext, name in CITE_FILES]),
            "events": events, "overview": _overview(outlets),
            "pagination": {"page": route.page, "pages": pages, "first": begin + 1, "last": end,
                           "events": len(story.events),
                           "prev": ctx.url(paged(base, route.page - 1)) + "#timeline" if route.page > 1 else None,
                           "next": ctx.url(paged(base, route.page + 1)) + "#timeline" if route.page < pages else None},
            "matrix": _matrix(ctx, story, shown, outlets),
            "jsonld": item_list_jsonld(name=story.title, url=ctx.absolute(route.url), items=[
                (e["first"]["title"], ctx.absolute(e["first"]["url"][len(ctx.base):])) for e in events]),
            "feeds": [{"title": f"{story.title}: latest", "url": ctx.url(story_url(story.id, "feed.xml"))}]}


def _outlets(ctx: Contexts, story: Story) -> list[dict[str, Any]]:
    """Every outlet of the story with its articles and the events it reported first, busiest first."""
    counts: Counter[str] = Counter()
    first: Counter[str] = Counter()
    for event in story.events:
        for number, version in enumerate(event.versions):
            slug = ctx.archive.source_of[ctx.archive.articles[version.slug].source.casefold()]
            counts[slug] += 1
            first[slug] += number == 0
    return [{"slug": slug, "name": ctx.archive.sources[slug].name, "url": ctx.url(source_url(slug)),
             "count": count, "first": first[slug]}
            for slug, count in sorted(counts.items(), key=lambda kv: (-kv[1], name_order(ctx.archive.sources[kv[0]].name)))]


def _overview(outlets: list[dict[str, Any]]) -> dict[str, Any]:
    """Who covered the story, in a few lines: the busiest outlets, and how many others."""
    rest = outlets[OVERVIEW_OUTLETS:]
    return {"top": outlets[:OVERVIEW_OUTLETS], "most": outlets[0]["count"] if outlets else 0,
            "others": len(rest), "others_articles": sum(o["count"] for o in rest)}


def _reports(ctx: Contexts, event: Event) -> list[dict[str, Any]]:
    """An event's reports in order: who reported first, who followed and how late, each with its
    first SHOWN_COPIES copies (and how many more)."""
    lags = {c.slug: c for c in event_copies(event, ctx.archive.articles, ctx.archive.source_of)}

    def entry(version: Version) -> dict[str, Any]:
        copy = lags[version.slug]
        return dict(ctx.link(version.slug), score=round(version.score, 2), lag=_lag(copy), tied=copy.tied)
    return [dict(entry(copies[0]), copies=[entry(v) for v in copies[1:SHOWN_COPIES + 1]],
                 more_copies=max(len(copies) - 1 - SHOWN_COPIES, 0)) for copies in event.reports]


def _lag(copy: Copy) -> str:
    """'first report', or how long after it a copy appeared; 'same day' for each of the reports that
    dates without a time leave in no known order."""
    if copy.tied:
        return lag_text(0, True)
    return "first report" if copy.position == 0 else lag_text(copy.lag_seconds, copy.by_day)


def _tie(ctx: Contexts, tie: Tie | None, story: Story, current: int) -> dict[str, Any] | None:
    """What tied an event to its computed story: the earlier event (a link within the page when it
    is on the `current` page of the story, else to its page)."""
    if tie is None:
        return None
    position = ctx.once("story positions", story.id, lambda: {e.id: n for n, e in enumerate(story.events)})
    earlier = story.events[position[tie.event]]
    page = next(n for n, (begin, end) in enumerate(story_pages(story, ctx.config.per_page), 1)
                if begin <= position[tie.event] < end)
    anchor = f"#event-{tie.event}"
    return {"event": tie.event, "title": ctx.archive.articles[earlier.versions[0].slug].title,
            "url": anchor if page == current else ctx.url(paged(story_url(story.id), page)) + anchor,
            "score": tie.score, "terms": list(tie.terms),
            "entities": [ctx.entity_ref(slug) for slug in tie.entities if slug in ctx.archive.entities]}


def _matrix(ctx: Contexts, story: Story, events: tuple[Event, ...], outlets: list[dict[str, Any]]) -> dict[str, Any]:
    """The page's events (rows) × the story's MATRIX_OUTLETS busiest outlets (columns), each cell the
    outlet's copies; what the other outlets published of each event is counted in a last column."""
    columns = [o["slug"] for o in outlets[:MATRIX_OUTLETS]]
    matrix = coverage_matrix(replace(story, events=events), ctx.archive.articles, ctx.archive.source_of)
    column = {slug: n for n, slug in enumerate(matrix.sources)}
    rows = []
    for event, cells in zip(events, matrix.rows):
        first = ctx.archive.articles[event.versions[0].slug]
        shown = [cells[column[s]] if s in column else () for s in columns]
        others = sum(len(cell) for s, cell in zip(matrix.sources, cells) if s not in columns)
        rows.append({"id": event.id, "title": first.title, "date": ctx.when(first), "others": others,
                     "cells": [{"copies": [_matrix_cell(ctx, c) for c in cell[:CELL_COPIES]],
                                "more": max(len(cell) - CELL_COPIES, 0)} for cell in shown]})
    return {"sources": [{"name": o["name"], "url": o["url"]} for o in outlets[:MATRIX_OUTLETS]],
            "rows": rows, "others": len(outlets) - len(columns)}


def _matrix_cell(ctx: Contexts, copy: Copy) -> dict[str, Any]:
    a = ctx.archive.articles[copy.slug]
    return {"title": a.title, "url": ctx.url(a.url_path), "date": ctx.when(a),
            "first": copy.position == 0 and not copy.tied, "lag": _lag(copy),
            "changed": copy.headline_changed, "wire": copy.wire}


def _feed(ctx: Contexts, route: Route) -> Context:
    story = ctx.index.stories[route.key]
    slugs = [v.slug for e in reversed(story.events) for v in e.versions][: ctx.config.feed_entries]
    return feed_context(ctx, route, slugs, story.title, story_url(story.id))


def _items(ctx: Contexts, route: Route) -> Context:
    """Every article of the story, for its timeline and its chart."""
    story = ctx.index.stories[route.key]
    items = [ctx.archive.articles[v.slug] for e in story.events for v in e.versions]
    return {"title": story.title, "summary": story.summary,
            "items": [{"date": a.date.isoformat(), "date_only": a.date_only, "title": a.title,
                       "summary": a.summary, "source": a.source, "url": ctx.absolute(a.url_path)}
                      for a in items]}


def _timeline(route: Route, context: Context) -> dict[str, bytes]:
    events = [TimelineEvent(datetime.fromisoformat(i["date"]), i["title"], i["summary"], i["source"], i["url"],
                            i["date_only"]) for i in context["items"]]
    return {route.output: timeline_json(title=context["title"], summary=context["summary"],
                                        events=events).encode("utf-8")}


def _chart(route: Route, context: Context) -> dict[str, bytes]:
    counts: Counter[tuple[date, str]] = Counter(
        (datetime.fromisoformat(i["date"]).date(), i["source"]) for i in context["items"])
    return {route.output: coverage_chart(counts, title=context["title"]).encode("utf-8")}


def _changes(ctx: Contexts, route: Route) -> Context:
    a = ctx.archive.articles[route.key]
    event = ctx.index.events[ctx.archive.event_of[a.slug]]
    base = ctx.archive.articles[next(v.report_id for v in event.versions if v.slug == a.slug)]
    return {"base": dict(ctx.link(base.slug), body=base.body), "other": dict(ctx.link(a.slug), body=a.body),
            "story": ctx.story_ref(ctx.index.stories[ctx.archive.story_of[a.slug]])}


def _with_diff(context: Context, renderer: Renderer) -> Context:
    """The diff between the report's first copy and this one."""
    from ..diff import diff_versions  # scipy and rapidfuzz: only when a diff page is made

    def version(item: dict[str, Any]) -> Article:
        return Article(path="", slug="", title=item["title"], date=datetime.min, source=item["source"],
                       body=item["body"])
    return dict(context, diff=diff_versions(version(context["base"]), version(context["other"])))


def _routes(site: RouteInput) -> Iterable[Route]:
    for story in site.archive.stories:
        base = story_url(story.id)
        yield from (Route("story", story.id, paged(base, n), n)
                    for n in range(1, len(story_pages(story, site.per_page)) + 1))
        yield from (Route("story-feed", story.id, base + "feed.xml"),
                    Route("story-timeline", story.id, base + "timeline.json"),
                    Route("story-chart", story.id, base + "coverage.svg"))
        for event in story.events:
            yield from (Route("changes", v.slug, site.archive.articles[v.slug].url_path + "changes/")
                        for copies in event.reports for v in copies[1:])


PAGES = PageGroup((
    PageKind("story", _story, template="story.html"),
    PageKind("story-feed", _feed, make=feed_files),
    PageKind("story-timeline", _items, make=_timeline),
    PageKind("story-chart", _items, make=_chart),
    PageKind("changes", _changes, template="changes.html", prepare=_with_diff, about_article=True),
), routes=_routes, order=70)
