"""Contexts and bytes of the non-HTML outputs: feeds, charts, timelines, sitemap, robots.txt."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from .chart import coverage_chart
from ..context import Contexts
from .feeds import FeedEntry, atom_feed, tag_uri
from ..routes import Route, entity_url, story_url
from .sitemap import robots_txt, sitemap_files
from .timelinejs import TimelineEvent, timeline_json

FEED_CATEGORIES = 10     # an entry names at most this many of its article's entities: every entity's feed holds it


def data_context(route: Route, ctx: Contexts, all_routes: list[Route]) -> dict[str, Any]:
    """The JSON-able inputs of one non-HTML output."""
    archive, index = ctx.archive, ctx.index
    if route.kind in ("feed", "story-feed", "entity-feed"):
        if route.kind == "feed":
            slugs, title, page = list(archive.articles)[: ctx.config.feed_entries], ctx.config.title, ""
        elif route.kind == "story-feed":
            story = index.stories[route.key]
            slugs = [v.slug for e in reversed(story.events) for v in e.versions][: ctx.config.feed_entries]
            title, page = story.title, story_url(story.id)
        else:
            slugs = index.by_entity.get(route.key, [])[: ctx.config.feed_entries]
            title, page = archive.entities[route.key].name, entity_url(route.key)
        return {"id": tag_uri(ctx.config.title, route.url), "title": title, "self": ctx.absolute(route.url),
                "page": ctx.absolute(page),
                "entries": [_feed_entry(ctx, s) for s in slugs]}
    if route.kind in ("story-timeline", "story-chart"):
        story = index.stories[route.key]
        items = [archive.articles[v.slug] for e in story.events for v in e.versions]
        return {"title": story.title, "summary": story.summary,
                "items": [{"date": a.date.isoformat(), "date_only": a.date_only, "title": a.title,
                           "summary": a.summary, "source": a.source, "url": ctx.absolute(a.url_path)}
                          for a in items]}
    if route.kind == "data-file":     # written from the same tables by `write_open_data`
        return {"digest": ctx.open_data().digests[route.key]}
    if route.kind == "sitemap":
        newest = {}
        for a in archive.articles.values():
            newest[a.url_path] = a.date.isoformat()
        return {"base": ctx.absolute(""),
                "entries": [[ctx.absolute(r.url), newest.get(r.url)] for r in all_routes
                            if r.output.endswith(".html") and r.kind != "404"]}
    return {"sitemap": ctx.absolute("sitemap.xml")}


def _feed_entry(ctx: Contexts, slug: str) -> dict[str, Any]:
    a = ctx.archive.articles[slug]
    return {"id": tag_uri(ctx.config.title, a.url_path), "title": a.title, "url": ctx.absolute(a.url_path),
            "date": a.date.isoformat(), "summary": a.summary or a.title, "source": a.source,
            "categories": [ctx.archive.entities[ctx.archive.entity_of[n.casefold()]].name
                           for n in a.entities[:FEED_CATEGORIES]]}


def data_bytes(route: Route, context: dict[str, Any]) -> dict[str, bytes]:
    """The file(s) one non-HTML route writes, by output path."""
    if route.kind in ("feed", "story-feed", "entity-feed"):
        entries = [FeedEntry(e["id"], e["title"], e["url"], datetime.fromisoformat(e["date"]),
                             datetime.fromisoformat(e["date"]), e["summary"], e["source"], tuple(e["categories"]))
                   for e in context["entries"]]
        updated = max((e.updated for e in entries), default=datetime(1970, 1, 1).astimezone())
        return {route.output: atom_feed(feed_id=context["id"], title=context["title"], self_url=context["self"],
                                        page_url=context["page"], updated=updated, entries=entries)}
    if route.kind == "story-timeline":
        events = [TimelineEvent(datetime.fromisoformat(i["date"]), i["title"], i["summary"], i["source"], i["url"],
                                i["date_only"]) for i in context["items"]]
        return {route.output: timeline_json(title=context["title"], summary=context["summary"],
                                            events=events).encode("utf-8")}
    if route.kind == "story-chart":
        counts: Counter[tuple[date, str]] = Counter(
            (datetime.fromisoformat(i["date"]).date(), i["source"]) for i in context["items"])
        return {route.output: coverage_chart(counts, title=context["title"]).encode("utf-8")}
    if route.kind == "sitemap":
        urls = [(url, datetime.fromisoformat(when) if when else None) for url, when in context["entries"]]
        return sitemap_files(urls, context["base"])
    return {route.output: robots_txt(context["sitemap"]).encode("utf-8")}
