"""Broken internal links and anchors in a built output folder."""
from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..core.pool import forked_map

# (tag, attribute) pairs that point at another resource.
LINK_ATTRIBUTES = frozenset({
    ("a", "href"), ("area", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
    ("source", "src"), ("iframe", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"),
})
SRCSET_TAGS = frozenset({"img", "source"})
_READ = frozenset({"href", "src", "srcset", "poster", "id", "name"})
ALWAYS_PRESENT = frozenset({"", "top"})  # fragments every HTML page has
PARALLEL_FROM = 2000  # pages; below this, starting processes costs more than it saves

# Comments (skipped) | raw-text elements (attributes kept, content skipped) | start tags
# with an attribute worth reading (the rest never reach Python). Generated pages escape
# ">" inside attribute values, so "[^>]*" ends a tag. One leading "<" keeps the scan fast.
_RAW = "script|style|textarea|title|SCRIPT|STYLE|TEXTAREA|TITLE"
_TOKEN = re.compile(
    r"<(?:!--.*?-->"
    r"|(" + _RAW + r")\b([^>]*)>.*?</\1\s*>"
    r"|([a-zA-Z][\w-]*)(\s(?:[^>]*\s)?(?i:href|src|srcset|poster|id|name)\s*=[^>]*)>)",
    re.S)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


@dataclass(frozen=True)
class BrokenLink:
    page: str    # the page's file, relative to the output folder (POSIX)
    url: str     # the link as written
    reason: str


@dataclass(frozen=True)
class PageLinks:
    """What one HTML file links to and which anchors it defines."""

    links: tuple[str, ...]
    anchors: frozenset[str]


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset attribute ("a.png 1x, b.png 2x")."""
    return [part.split()[0] for part in value.split(",") if part.split()]


def _collect(tag: str, attributes: str, links: list[str], anchors: set[str]) -> None:
    """Add a tag's link targets and anchor names (attribute values unescaped)."""
    for name, double, single, bare in _ATTR.findall(attributes):
        name = name.lower()
        if name not in _READ:
            continue
        value = double or single or bare
        value = unescape(value) if "&" in value else value
        if name == "id" or (name == "name" and tag == "a"):
            anchors.add(value)
        elif (tag, name) in LINK_ATTRIBUTES:
            links.append(value.strip())
        elif name == "srcset" and tag in SRCSET_TAGS:
            links.extend(srcset_urls(value))


def parse_page(text: str) -> PageLinks:
    """Links and anchors of one HTML document.

    A regular-expression tokenizer (comments and script/style bodies skipped) rather than
    html.parser, which took ~50 s for 20,000 typical pages where this takes a few.
    """
    links: list[str] = []
    anchors: set[str] = set()
    for raw, raw_attributes, tag, attributes in _TOKEN.findall(text):
        if raw:
            tag, attributes = raw, raw_attributes
        if attributes:
            _collect(tag.lower(), attributes, links, anchors)
    return PageLinks(tuple(links), frozenset(anchors))


def output_files(output: Path) -> set[str]:
    """Every file below `output`, as POSIX paths relative to it."""
    root = os.fspath(output)
    files: set[str] = set()
    for folder, _, names in os.walk(root):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        files.update(prefix + name for name in names)
    return files


def _target_path(path: str, files: set[str]) -> str | None:
    """The file a site path (relative to the output root) is served from."""
    if path in ("", "."):
        return "index.html" if "index.html" in files else None
    if path.endswith("/"):
        candidate = path + "index.html"
        return candidate if candidate in files else None
    if path in files:
        return path
    index = path + "/index.html"
    return index if index in files else None


@dataclass(frozen=True)
class _Site:
    files: set[str]
    pages: dict[str, PageLinks]
    base_path: str
    site_url: str


def _site_path(page: str, path: str, site: _Site) -> str | None:
    """`path` relative to the output root, or None if it leaves the site."""
    if path.startswith("/"):
        if not path.startswith(site.base_path) and path + "/" != site.base_path:
            return None
        rest = path[len(site.base_path):] if path.startswith(site.base_path) else ""
    else:
        rest = posixpath.join(posixpath.dirname(page), path)
    trailing = "/" if rest.endswith("/") and rest != "/" else ""
    normal = posixpath.normpath(rest) if rest else ""
    if normal.startswith("../") or normal == "..":
        return None
    return "" if normal == "." else normal + trailing


def _is_external(url: str, site: _Site) -> bool:
    if site.site_url and url.startswith(site.site_url):
        return False
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def _local(url: str, site: _Site) -> str:
    """The URL with the site's own absolute prefix replaced by its base path."""
    if site.site_url and url.startswith(site.site_url):
        return site.base_path + url[len(site.site_url):]
    return url


def _problem(page: str, url: str, site: _Site) -> str | None:
    """Why `url` on `page` is broken, or None when it is fine or not ours to check."""
    try:
        if _is_external(url, site):
            return None
        parts = urlsplit(_local(url, site))
    except ValueError:
        return "malformed URL"
    path = unquote(parts.path)
    site_path = _site_path(page, path, site) if path else None
    if path and site_path is None:
        return f"outside the site (base path {site.base_path})"
    target = _target_path(site_path, site.files) if site_path is not None else page
    if target is None:
        return "no such page or file"
    fragment = unquote(parts.fragment)
    if fragment in ALWAYS_PRESENT or target not in site.pages:
        return None
    return None if fragment in site.pages[target].anchors else f"no anchor #{fragment}"


def _cache_key(page: str, url: str) -> tuple[str, str]:
    """What a link's verdict depends on: the page, its folder, or nothing but the URL."""
    if not url or url[0] in "#?":
        return page, url
    return ("" if url.startswith("/") or "://" in url else posixpath.dirname(page)), url


def _broken(site: _Site) -> Iterator[BrokenLink]:
    verdicts: dict[tuple[str, str], str | None] = {}
    for page in sorted(site.pages):
        for url in dict.fromkeys(site.pages[page].links):
            key = _cache_key(page, url)
            if key not in verdicts:
                verdicts[key] = _problem(page, url, site)
            reason = verdicts[key]
            if reason:
                yield BrokenLink(page, url, reason)


def _parse_files(output: Path, pages: Sequence[str]) -> dict[str, PageLinks]:
    return {page: parse_page((output / page).read_text(encoding="utf-8", errors="replace"))
            for page in pages}


def _parse_all(output: Path, pages: Sequence[str], jobs: int) -> dict[str, PageLinks]:
    """Parse every page, in `jobs` processes when the site is large enough to gain from it."""
    if jobs <= 1 or len(pages) < PARALLEL_FROM:
        return _parse_files(output, pages)
    size = -(-len(pages) // (jobs * 4))
    chunks = [pages[start:start + size] for start in range(0, len(pages), size)]
    parsed: dict[str, PageLinks] = {}
    for result in forked_map(_parse_files, chunks, jobs, output):
        parsed.update(result)
    return parsed


def check_links(output: Path, base_path: str = "/", *, site_url: str = "",
                jobs: int | None = None) -> list[BrokenLink]:
    """Every internal link in the HTML files of `output` that leads nowhere.

    Relative links and absolute paths under `base_path` are checked (and, if given, absolute
    URLs starting with `site_url`); other hosts and schemes (mailto:, data:) are skipped.
    Each file is parsed once (in `jobs` processes, default: every CPU, for large sites),
    so the check is linear in the size of the site.
    """
    base = base_path if base_path.endswith("/") else base_path + "/"
    files = output_files(output)
    html = sorted(f for f in files if f.endswith((".html", ".htm")))
    pages = _parse_all(output, html, jobs or os.cpu_count() or 1)
    return list(_broken(_Site(files, pages, base, site_url)))
