"""Saved HTML pages into page items: trafilatura for the main text and metadata, read defensively."""
from __future__ import annotations

import re
from types import ModuleType
from typing import Any, cast
from urllib.parse import urljoin

from lxml.html import HtmlElement

from .body import article_blocks, continued, link_texts, pieces_of, with_link_shares
from .jsonld import published_dates
from .text import MADE_TITLE, Block, RawItem, RawPage, has_prose, made_title

# Comments are never the article; tables often are. `fast` skips the extractor's second opinion
# (readability and jusText), which changed nothing on real pages and costs half the time.
DEFAULT = {"fast": True, "include_comments": False, "include_tables": True}
# When that finds no article: the extractor's most inclusive setting, second opinion included.
RECALL = {"fast": False, "include_comments": False, "include_tables": True, "favor_recall": True}


class MissingModule(Exception):
    """A module the HTML import needs is not installed."""

    hint = "install site-builder with its dependencies again: pip install lxml_html_clean trafilatura"


def looks_like_html(text: str) -> bool:
    """An HTML document rather than plain text."""
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(html|head|body)[\s>]", head))


def extractor() -> ModuleType:
    """trafilatura, or MissingModule saying what is missing (lxml's cleaner, for one, comes apart from lxml)."""
    try:
        import trafilatura
    except ImportError as error:
        raise MissingModule(f"cannot read HTML: {str(error).splitlines()[0]}") from None
    return trafilatura


def parse_html(html: str) -> RawPage:
    """The main article of a saved page; no related items (pages link them, they do not embed them)."""
    trafilatura = extractor()
    tree = trafilatura.load_html(html)
    if tree is None:
        return RawPage(None)
    document, blocks = _best_body(trafilatura, tree)
    if document is None or not blocks:
        return RawPage(None)
    title, notes = str(document.title or "").strip(), cast(tuple[str, ...], ())
    if not title and (made := made_title(blocks[0].text)):
        title, notes = made, (MADE_TITLE,)
    elif not title:
        title, blocks = blocks[0].text, blocks[1:]
    if not has_prose(blocks):
        return RawPage(None)
    item = RawItem(title, blocks, source=document.sitename or document.hostname, url=document.url,
                   dates=tuple(dict.fromkeys([*published_dates(tree), *([document.date] if document.date else [])])),
                   author=document.author, image=picture(document.image, document.url), notes=notes)
    return RawPage(item)


def picture(address: str | None, page: str | None) -> str | None:
    """The page's picture (its og:image) as an absolute http(s) address, or None: only the address is kept."""
    if not address:
        return None
    absolute = urljoin(page or "", address.strip())
    return absolute if re.match(r"^https?://", absolute, re.I) else None


def _best_body(trafilatura: ModuleType, tree: HtmlElement) -> tuple[Any, tuple[Block, ...]]:
    """The extractor's document and body blocks with the default setting, else with the inclusive one."""
    links = link_texts(tree)
    found: tuple[Any, tuple[Block, ...]] = (None, ())
    for setting in (DEFAULT, RECALL):
        document = trafilatura.bare_extraction(tree, with_metadata=True, **setting)
        if document is None or document.body is None:
            continue
        pieces = with_link_shares(pieces_of(document.body), links)
        blocks = continued(tree, article_blocks(pieces, str(document.title or ""), str(document.description or "")),
                           links)
        found = (document, blocks)
        if has_prose(blocks):
            break
    return found
