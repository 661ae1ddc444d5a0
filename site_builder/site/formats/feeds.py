"""Atom feeds (site, story, entity) built with feedgen from plain data."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from slugify import slugify

TAG_DATE = "2000"
# Characters XML 1.0 forbids (C0 controls except tab/newline/return, surrogates, U+FFFE/FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    """One article in a feed; all strings are untrusted plain text."""

    id: str
    title: str
    url: str
    published: datetime
    updated: datetime
    summary: str
    source: str
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()   # the byline; without one the outlet stands as the author


def tag_uri(site_title: str, path: str) -> str:
    """An Atom id that is an absolute IRI whatever the base URL: `tag:<title>,2000:<path>` (RFC 4151).

    Made of the site's title and the page's path, never of the base URL, so that moving the archive
    to another host or sub-path keeps every id and feed readers show nothing twice. The date is a
    constant: RFC 4151 wants a day the name was held, and any change would change every id."""
    authority = slugify(site_title, max_length=63, word_boundary=True) or "site-builder"
    return f"tag:{authority},{TAG_DATE}:{path}"


def xml_text(value: str) -> str:
    """`value` with the characters XML cannot carry removed."""
    return _XML_ILLEGAL.sub("", value)


def _aware(moment: datetime) -> datetime:
    """An aware datetime (naive ones are taken as UTC); feedgen requires it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _add_entry(feed: FeedGenerator, entry: FeedEntry) -> None:
    item = feed.add_entry(order="append")
    item.id(xml_text(entry.id))
    item.title(xml_text(entry.title) or "(untitled)")
    item.link(href=xml_text(entry.url), rel="alternate", type="text/html")
    item.published(_aware(entry.published))
    item.updated(_aware(entry.updated))
    if entry.summary:
        item.summary(xml_text(entry.summary))
    names = [name for name in map(xml_text, entry.authors) if name] or [xml_text(entry.source) or "unknown"]
    item.author([{"name": name} for name in names])
    terms = [{"term": term} for term in map(xml_text, entry.categories) if term]
    if terms:     # in one call: feedgen copies every earlier category on each call
        item.category(terms)


def atom_feed(*, feed_id: str, title: str, self_url: str, page_url: str,
              updated: datetime, entries: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 document, entries newest first; `updated` is the newest entry's."""
    ordered = sorted(entries, key=lambda e: _aware(e.published), reverse=True)
    newest = max((_aware(e.updated) for e in ordered), default=_aware(updated))
    feed = FeedGenerator()
    feed.id(xml_text(feed_id))
    feed.title(xml_text(title) or "(untitled)")
    feed.link(href=xml_text(self_url), rel="self", type="application/atom+xml")
    feed.link(href=xml_text(page_url), rel="alternate", type="text/html")
    feed.author(name=xml_text(title) or "(untitled)")
    feed.updated(newest)
    for entry in ordered:
        _add_entry(feed, entry)
    return feed.atom_str(pretty=True)
