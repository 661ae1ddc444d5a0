"""Saved HTML pages into page items: trafilatura for the main text and metadata."""
from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
import trafilatura

from .import_text import RawItem, RawPage, clean_blocks, has_prose

_NEWS_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting"}


def looks_like_html(text: str) -> bool:
    """An HTML document rather than plain text."""
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(html|head|body)[\s>]", head))


def parse_html(html: str) -> RawPage:
    """The main article of a saved page; no related items (pages link them, they do not embed them)."""
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                           include_tables=False, favor_precision=True)
    found: dict[str, Any] = {} if document is None else \
        document if isinstance(document, dict) else document.as_dict()
    text = str(found.get("text") or "")
    if not text.strip():
        return RawPage(None)
    title = str(found.get("title") or "").strip()
    lines = text.split("\n")
    if not title:
        title, lines = lines[0].strip(), lines[1:]
    blocks, teasers = clean_blocks(lines, title)
    if not has_prose(blocks):
        return RawPage(None)
    item = RawItem(title, blocks, source=found.get("sitename") or found.get("hostname"), url=found.get("url"),
                   date=_published(html) or found.get("date"), author=found.get("author"), teasers=teasers)
    return RawPage(item)


def _published(html: str) -> str | None:
    """The publication date-time from JSON-LD or Open Graph, which keeps the time of day."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        for item in _json_items(script.text or ""):
            if item.get("@type") in _NEWS_TYPES and isinstance(item.get("datePublished"), str):
                return str(item["datePublished"])
    values = tree.xpath('//meta[@property="article:published_time"]/@content')
    return str(values[0]) if values else None


def _json_items(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return []
    items = data.get("@graph", [data]) if isinstance(data, dict) else data
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
