"""Broken internal links and anchors in a built output folder."""
from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# (tag, attribute) pairs that point at another resource.
LINK_ATTRIBUTES = frozenset({
    ("a", "href"), ("area", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
    ("source", "src"), ("iframe", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"),
})
SRCSET_TAGS = frozenset({"img", "source"})
ALWAYS_PRESENT = frozenset({"", "top"})  # fragments every HTML page has


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


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            elif (tag, name) in LINK_ATTRIBUTES:
                self.links.append(value.strip())
            elif name == "srcset" and tag in SRCSET_TAGS:
                self.links.extend(srcset_urls(value))

    handle_startendtag = handle_starttag


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset attribute ("a.png 1x, b.png 2x")."""
    return [part.split()[0] for part in value.split(",") if part.split()]


def parse_page(text: str) -> PageLinks:
    """Links and anchors of one HTML document."""
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return PageLinks(tuple(collector.links), frozenset(collector.anchors))


def output_files(output: Path) -> set[str]:
    """Every file below `output`, as POSIX paths relative to it."""
    files = set()
    for folder, _, names in os.walk(output):
        prefix = Path(folder).relative_to(output).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
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
    if not path:
        target = page
    else:
        site_path = _site_path(page, path, site)
        if site_path is None:
            return f"outside the site (base path {site.base_path})"
        target = _target_path(site_path, site.files)
        if target is None:
            return "no such page or file"
    fragment = unquote(parts.fragment)
    if fragment in ALWAYS_PRESENT or target not in site.pages:
        return None
    return None if fragment in site.pages[target].anchors else f"no anchor #{fragment}"


def _broken(site: _Site) -> Iterator[BrokenLink]:
    for page in sorted(site.pages):
        for url in dict.fromkeys(site.pages[page].links):
            reason = _problem(page, url, site)
            if reason:
                yield BrokenLink(page, url, reason)


def _parse_all(output: Path, pages: Iterable[str]) -> dict[str, PageLinks]:
    return {page: parse_page((output / page).read_text(encoding="utf-8", errors="replace"))
            for page in pages}


def check_links(output: Path, base_path: str = "/", *, site_url: str = "") -> list[BrokenLink]:
    """Every internal link in the HTML files of `output` that leads nowhere.

    Relative links and absolute paths under `base_path` are checked (and, if given, absolute
    URLs starting with `site_url`); other hosts and schemes (mailto:, data:) are skipped.
    Each file is parsed once, so the check is linear in the size of the site.
    """
    base = base_path if base_path.endswith("/") else base_path + "/"
    files = output_files(output)
    pages = _parse_all(output, sorted(f for f in files if f.endswith((".html", ".htm"))))
    return list(_broken(_Site(files, pages, base, site_url)))
