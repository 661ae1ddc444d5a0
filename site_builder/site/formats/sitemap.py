"""sitemap.xml (split into an index beyond 50,000 URLs) and robots.txt."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from .feeds import xml_text

MAX_URLS = 50_000
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

SitemapEntry = tuple[str, "datetime | None"]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def w3c_date(moment: datetime) -> str:
    """A W3C datetime (naive values are taken as UTC)."""
    return _aware(moment).isoformat(timespec="seconds")


def _element(tag: str, url: str, lastmod: datetime | None) -> str:
    parts = [f"<{tag}><loc>{escape(xml_text(url))}</loc>"]
    if lastmod is not None:
        parts.append(f"<lastmod>{w3c_date(lastmod)}</lastmod>")
    parts.append(f"</{tag}>")
    return "".join(parts)


def _document(root: str, tag: str, entries: Sequence[SitemapEntry]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{_NS}">']
    lines.extend(_element(tag, url, lastmod) for url, lastmod in entries)
    lines.append(f"</{root}>\n")
    return "\n".join(lines).encode("utf-8")


def sitemap_xml(entries: Sequence[SitemapEntry]) -> bytes:
    """One <urlset> of absolute URLs with optional last-modified dates."""
    return _document("urlset", "url", entries)


def sitemap_index_xml(entries: Sequence[SitemapEntry]) -> bytes:
    """A <sitemapindex> pointing at sitemap files."""
    return _document("sitemapindex", "sitemap", entries)


def _newest(entries: Sequence[SitemapEntry]) -> datetime | None:
    dates = [_aware(lastmod) for _, lastmod in entries if lastmod is not None]
    return max(dates, default=None)


def sitemap_files(entries: Sequence[SitemapEntry], base_url: str) -> dict[str, bytes]:
    """{"sitemap.xml": …}, or an index plus sitemap-1.xml, … when there are over 50,000 URLs.

    `base_url` is the absolute site URL the part files are published under.
    """
    if len(entries) <= MAX_URLS:
        return {"sitemap.xml": sitemap_xml(entries)}
    base = base_url if base_url.endswith("/") else base_url + "/"
    chunks = [entries[start:start + MAX_URLS] for start in range(0, len(entries), MAX_URLS)]
    files = {f"sitemap-{n}.xml": sitemap_xml(chunk) for n, chunk in enumerate(chunks, start=1)}
    index = [(f"{base}sitemap-{n}.xml", _newest(chunk)) for n, chunk in enumerate(chunks, start=1)]
    return {"sitemap.xml": sitemap_index_xml(index), **files}


def robots_txt(sitemap_url: str) -> str:
    """A robots.txt allowing everything and naming the sitemap (if its URL is known)."""
    lines = ["User-agent: *", "Allow: /"]
    clean = "".join(ch for ch in sitemap_url if ch.isprintable() and not ch.isspace())
    if clean:
        lines.append(f"Sitemap: {clean}")
    return "\n".join(lines) + "\n"
