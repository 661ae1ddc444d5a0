"""Structured data of saved pages (JSON-LD, Open Graph) read defensively: any shape, any type."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

_NEWS_TYPES = frozenset({"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                         "posting", "socialmediaposting", "liveblogposting", "report", "scholarlyarticle",
                         "techarticle", "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle"})
_MAX_DEPTH = 12


def json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts: lists, @graph and nested objects included."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _objects(data, 0)


def _objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (list, dict)):
                yield from _objects(value, depth + 1)


def types_of(item: dict[str, Any]) -> frozenset[str]:
    """The object's @type as lower-case names, whether a string, a list or a URL."""
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return frozenset(v.rsplit("/", 1)[-1].strip().lower() for v in values if isinstance(v, str))


def first_text(value: Any) -> str | None:
    """A string value, or the first string of a list; None for anything else."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def published_dates(tree: HtmlElement) -> list[str]:
    """Publication dates the page states, most trusted first: article JSON-LD, then Open Graph."""
    found = [first_text(item.get("datePublished")) for item in json_ld_objects(tree) if types_of(item) & _NEWS_TYPES]
    found += [str(v) for v in tree.xpath('//meta[@property="article:published_time"]/@content')]
    return list(dict.fromkeys(d for d in found if d))
