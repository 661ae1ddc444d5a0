"""The site's Atom feed, and the feed context and bytes the story and entity feeds share."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..context import Contexts
from ..formats.feeds import FeedEntry, atom_feed, tag_uri
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route

FEED = "feed.xml"
FEED_CATEGORIES = 10     # an entry names at most this many of its article's entities: every entity's feed holds it


def feed_context(ctx: Contexts, route: Route, slugs: list[str], title: str, page: str) -> Context:
    """A feed of the articles `slugs`, for the page at `page`."""
    return {"id": tag_uri(ctx.config.title, route.url), "title": title, "self": ctx.absolute(route.url),
            "page": ctx.absolute(page), "entries": [_entry(ctx, s) for s in slugs]}


def _entry(ctx: Contexts, slug: str) -> dict[str, Any]:
    a = ctx.archive.articles[slug]
    return {"id": tag_uri(ctx.config.title, a.url_path), "title": a.title, "url": ctx.absolute(a.url_path),
            "date": a.date.isoformat(), "summary": a.summary or a.title, "source": a.source,
            "authors": list(a.authors), "updated": (a.updated or a.date).isoformat(),
            "categories": [ctx.archive.entities[ctx.archive.entity_of[n.casefold()]].name
                           for n in a.entities[:FEED_CATEGORIES]]}


def feed_files(route: Route, context: Context) -> dict[str, bytes]:
    entries = [FeedEntry(e["id"], e["title"], e["url"], datetime.fromisoformat(e["date"]),
                         datetime.fromisoformat(e["updated"]), e["summary"], e["source"], tuple(e["categories"]),
                         tuple(e["authors"]))
               for e in context["entries"]]
    updated = max((e.updated for e in entries), default=datetime(1970, 1, 1).astimezone())
    return {route.output: atom_feed(feed_id=context["id"], title=context["title"], self_url=context["self"],
                                    page_url=context["page"], updated=updated, entries=entries)}


def _site_feed(ctx: Contexts, route: Route) -> Context:
    return feed_context(ctx, route, list(ctx.archive.articles)[: ctx.config.feed_entries], ctx.config.title, "")


def _alternate(ctx: Contexts) -> dict[str, str]:
    return {"title": f"{ctx.config.title}: latest", "url": ctx.url(FEED)}


PAGES = PageGroup((PageKind("feed", _site_feed, make=feed_files, address=FEED, alternate=_alternate),), order=20)
