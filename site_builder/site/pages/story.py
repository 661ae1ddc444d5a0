"""A story: its timeline page, its feed, its TimelineJS file, its coverage chart, and the diff page
of each copy of one of its events' reports against the report's first copy."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ...core.model import Article, Event, Story, Tie, Version
from ...intel.coverage import Copy, coverage_matrix, event_copies
from ..wording import lag_text
from ..context import Contexts, human_day
from ..formats.chart import coverage_chart
from ..formats.jsonld import item_list_jsonld
from ..formats.timelinejs import TimelineEvent, timeline_json
from ..kinds import Context, PageGroup, PageKind
from ..render import Renderer
from ..routes import Route, RouteInput, source_url, story_url
from .feed import feed_context, feed_files


def _story(ctx: Contexts, route: Route) -> Context:
    story = ctx.index.stories[route.key]
    firsts = [ctx.archive.articles[e.versions[0].slug] for e in story.events]
    timed_days = {human_day(a.date) for a in firsts if not a.date_only}
    events: list[dict[str, Any]] = [
        {"date": ctx.when(first), "id": e.id,
         "untimed_among_timed": first.date_only and human_day(first.date) in timed_days,
         "versions": [dict(ctx.link(v.slug), score=round(v.score, 2)) for v in e.versions],
         "reports": _reports(ctx, e), "tie": _tie(ctx, e.tie, story)}
        for e, first in zip(story.events, firsts)]
    sources: dict[str, int] = {}
    for e in story.events:
        for v in e.versions:
            name = ctx.archive.articles[v.slug].source
            sources[name] = sources.get(name, 0) + 1
    return {"story": dict(ctx.story_ref(story), id=story.id, explicit=story.explicit, status=story.status,
                          timeline=ctx.url(story_url(story.id, "timeline.json"))),
            "events": events, "sources": sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
            "matrix": _matrix(ctx, story),
            "jsonld": item_list_jsonld(name=story.title, url=ctx.absolute(route.url), items=[
                (e["versions"][0]["title"], ctx.absolute(e["versions"][0]["url"][len(ctx.base):]))
                for e in events]),
            "feeds": [{"title": f"{story.title}: latest", "url": ctx.url(story_url(story.id, "feed.xml"))}]}


def _reports(ctx: Contexts, event: Event) -> list[dict[str, Any]]:
    """An event's reports in order: who reported first, who followed and how late, each with its copies."""
    lags = {c.slug: c for c in event_copies(event, ctx.archive.articles, ctx.archive.source_of)}

    def entry(version: Version) -> dict[str, Any]:
        copy = lags[version.slug]
        return dict(ctx.link(version.slug), score=round(version.score, 2),
                    lag="first report" if copy.position == 0 else lag_text(copy.lag_seconds, copy.by_day))
    return [dict(entry(copies[0]), copies=[entry(v) for v in copies[1:]]) for copies in event.reports]


def _tie(ctx: Contexts, tie: Tie | None, story: Story) -> dict[str, Any] | None:
    """What tied an event to its computed story: the earlier event (a link within the page)."""
    if tie is None:
        return None
    earlier = next(e for e in story.events if e.id == tie.event)
    return {"event": tie.event, "title": ctx.archive.articles[earlier.versions[0].slug].title,
            "score": tie.score, "terms": list(tie.terms),
            "entities": [ctx.entity_ref(slug) for slug in tie.entities if slug in ctx.archive.entities]}


def _matrix(ctx: Contexts, story: Story) -> dict[str, Any]:
    """The story's coverage matrix: events (rows) × outlets (columns), each cell the outlet's copies."""
    matrix = coverage_matrix(story, ctx.archive.articles, ctx.archive.source_of)
    rows = []
    for event, cells in zip(story.events, matrix.rows):
        first = ctx.archive.articles[event.versions[0].slug]
        rows.append({"id": event.id, "title": first.title, "date": ctx.when(first),
                     "cells": [[_matrix_cell(ctx, c) for c in cell] for cell in cells]})
    return {"sources": [{"name": ctx.archive.sources[s].name, "url": ctx.url(source_url(s))}
                        for s in matrix.sources], "rows": rows}


def _matrix_cell(ctx: Contexts, copy: Copy) -> dict[str, Any]:
    a = ctx.archive.articles[copy.slug]
    return {"title": a.title, "url": ctx.url(a.url_path), "date": ctx.when(a), "first": copy.position == 0,
            "lag": "first report" if copy.position == 0 else lag_text(copy.lag_seconds, copy.by_day),
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
    return {"base": dict(ctx.link(base.slug), body=base.body), "other": dict(ctx.link(a.slug), body=a.body)}


def _with_diff(context: Context, renderer: Renderer) -> Context:
    """The diff between the report's first copy and this one."""
    from ..diff import diff_versions       # scipy and rapidfuzz: only when a diff page is made

    def version(item: dict[str, Any]) -> Article:
        return Article(path="", slug="", title=item["title"], date=datetime.min, source=item["source"],
                       body=item["body"])
    return dict(context, diff=diff_versions(version(context["base"]), version(context["other"])))


def _routes(site: RouteInput) -> Iterable[Route]:
    for story in site.archive.stories:
        base = story_url(story.id)
        yield from (Route("story", story.id, base), Route("story-feed", story.id, base + "feed.xml"),
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
