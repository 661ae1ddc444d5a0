"""The article body from the extractor's output tree: its blocks, less what a sure rule shows is not article.

The extractor's body is kept unless a rule is sure. The rules, all independent of language:
- a heading at the very start that repeats the page's title or description (the standfirst),
  give or take a word or two;
- a block with no letters or digits, or a whole line of page clutter ("Advertisement");
- a list every item of which is much link text of the page, or led by a link as long as a
  headline (related stories over their teasers, navigation);
- a block made mostly of the page's link text that is not a sentence ("READ MORE: <headline>")
  and not an address written out;
- a heading with nothing kept under it, and any heading after the last text kept.

And one rule adds: a body the page splits into several elements of one body class placed alike
(an advertisement between them), of which the extractor took the first, continues with the prose
paragraphs of the others, in page order.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from lxml.etree import _Element
from lxml.html import HtmlElement

from .import_text import Block, ends_sentence, is_clutter, word_count

LINK_BLOCK = 0.7          # share of a block's text in links above which a non-sentence is page furniture
LINK_LIST = 0.3           # share of every item's text in links above which a list is a list of links
HEADLINE_LINK = 20        # a link text this long leading a list item is a headline over its teaser
_MIN_ANCHOR = 8           # shorter link texts ("More", "Share") say nothing about a block
_SEPARATED = frozenset({"lb", "cell", "row", "item", "p", "head", "list", "quote", "table", "code"})
_ADDRESS = re.compile(r"\S+://\S+|www\.\S+")
_BODY_CLASS = re.compile(r"(?:^|[\s_-])(?:article|body|content|story|post|entry|text)(?:$|[\s_-])", re.I)
SAME_WORDS = 0.8          # share of words a heading shares with the title to be the title again
MAX_PARTS = 12            # a body class shared by more elements than this is a layout class
MIN_PART_WORDS = 8        # a continued paragraph is a sentence of at least this many words


@dataclass(frozen=True)
class Piece:
    """A body block with what the rules need: its share of link text and the list it belongs to."""

    block: Block
    link_share: float = 0.0
    list_id: int | None = None
    led_by_link: bool = False        # begins with a link of a headline's length


def link_texts(tree: HtmlElement) -> frozenset[str]:
    """The texts of the page's links to other pages, normalised, long enough to tell something
    (a heading that links to itself is still a heading)."""
    texts = (_key(a.text_content()) for a in tree.iter("a") if not (a.get("href") or "").startswith("#"))
    return frozenset(t for t in texts if len(t) >= _MIN_ANCHOR)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def link_share(text: str, links: frozenset[str]) -> float:
    """The share of the text's characters that are some link's text."""
    key = _key(text)
    if not key:
        return 1.0
    return min(sum(len(link) for link in links if link in key) / len(key), 1.0)


def flat_text(element: _Element) -> str:
    """The element's text, a space between cells, items and lines, whitespace collapsed."""
    parts = [element.text or ""]
    for child in element:
        gap = " " if child.tag in _SEPARATED else ""
        parts += [gap, flat_text(child), gap, child.tail or ""]
    return " ".join("".join(parts).split())


def pieces_of(body: _Element) -> list[Piece]:
    """The body's blocks in order: paragraphs, headings, list items, quotations and tables."""
    pieces = [Piece(Block(body.text.strip()))] if body.text and body.text.strip() else []
    for n, element in enumerate(body):
        pieces += _element_pieces(element, n)
        if element.tail and element.tail.strip():
            pieces.append(Piece(Block(" ".join(element.tail.split()))))
    return [p for p in pieces if p.block.text]


def _element_pieces(element: _Element, n: int) -> list[Piece]:
    tag = element.tag
    if tag == "list":
        return [Piece(Block(flat_text(item), kind="item"), list_id=n) for item in element.iterfind("item")]
    if tag == "table":
        rows = tuple(tuple(flat_text(cell) for cell in row.iterfind("cell")) for row in element.iterfind("row"))
        rows = tuple(row for row in rows if any(row))
        return [Piece(Block("\n".join(" | ".join(row) for row in rows), kind="table", rows=rows))] if rows else []
    if tag == "head":
        return [Piece(Block(flat_text(element), heading=True, kind="heading"))]
    return [Piece(Block(flat_text(element), kind="quote" if tag == "quote" else "paragraph"))]


def with_link_shares(pieces: list[Piece], links: frozenset[str]) -> list[Piece]:
    """The pieces a link rule could drop (list items, lines that are no sentence) with their link text
    measured; the others need no measuring."""
    return [_measured(p, links) if _could_be_links(p) else p for p in pieces]


def _could_be_links(piece: Piece) -> bool:
    return piece.list_id is not None or (piece.block.kind != "table" and not ends_sentence(piece.block.text))


def _measured(piece: Piece, links: frozenset[str]) -> Piece:
    led = piece.list_id is not None and _led_by_link(piece.block.text, links)
    return replace(piece, link_share=link_share(piece.block.text, links), led_by_link=led)


def _led_by_link(text: str, links: frozenset[str]) -> bool:
    key = _key(text)
    return any(key.startswith(link) for link in links if len(link) >= HEADLINE_LINK and len(link) < len(key))


def article_blocks(pieces: list[Piece], title: str, description: str) -> tuple[Block, ...]:
    """The blocks the rules keep, in order."""
    pieces = _without_standfirst(pieces, {_key(title), _key(description)} - {""})
    link_lists = _link_lists(pieces)
    kept = [p.list_id not in link_lists and not _is_furniture(p) and _key(p.block.text) != _key(title)
            for p in pieces]
    return tuple(p.block for p, keep in zip(pieces, _without_empty_sections(pieces, kept)) if keep)


def _without_empty_sections(pieces: list[Piece], kept: list[bool]) -> list[bool]:
    """Kept flags less the headings nothing under which is kept ("More from us" over a link list),
    and less every heading after the last text kept."""
    heads = [n for n, p in enumerate(pieces) if p.block.heading] + [len(pieces)]
    last_text = max((n for n, p in enumerate(pieces) if kept[n] and not p.block.heading), default=-1)
    result = list(kept)
    for n, end in zip(heads, heads[1:]):
        section = kept[n + 1:end]
        if (section and not any(section)) or n > last_text:
            result[n] = False
    return result


def _without_standfirst(pieces: list[Piece], repeats: set[str]) -> list[Piece]:
    """The pieces less the leading headings that repeat the title or the description, give or take a
    word or two (the site's name after the title, a first name the title leaves out)."""
    start = 0
    while start < len(pieces) and pieces[start].block.heading and _repeats(pieces[start].block.text, repeats):
        start += 1
    return pieces[start:]


def _repeats(text: str, repeats: set[str]) -> bool:
    words = set(_key(text).split())
    return any(len(words & set(r.split())) >= SAME_WORDS * max(len(words), len(set(r.split()))) for r in repeats)


def _link_lists(pieces: list[Piece]) -> set[int]:
    """Lists of two or more items, every one of them much link text or led by a link (headline, teaser)."""
    items: dict[int, list[Piece]] = {}
    for piece in pieces:
        if piece.list_id is not None:
            items.setdefault(piece.list_id, []).append(piece)
    return {n for n, group in items.items()
            if len(group) >= 2 and all(p.link_share >= LINK_LIST or p.led_by_link for p in group)}


def _is_furniture(piece: Piece) -> bool:
    text = piece.block.text
    if not _key(text) or is_clutter(text):
        return True
    if piece.block.kind == "table":
        return False
    return piece.link_share >= LINK_BLOCK and not ends_sentence(text) and not _ADDRESS.fullmatch(text)


def continued(tree: HtmlElement, blocks: tuple[Block, ...], links: frozenset[str]) -> tuple[Block, ...]:
    """The blocks with the prose of the body's other parts (same tag and body class) put in page order."""
    found = {_key(b.text): b for b in blocks if b.kind == "paragraph" and len(b.text) >= 40}
    container = _container(tree, set(found))
    if container is None:
        return blocks
    parts = [e for e in tree.iter(container.tag) if _signature(e) == _signature(container)]
    if len(parts) > MAX_PARTS:
        return blocks
    order = {element: n for n, element in enumerate(tree.iter())}
    extra = [(order[p], Block(text)) for part in parts if part is not container and not _nested(part, container)
             for p in part.iter("p") if _is_more_prose(text := " ".join(p.text_content().split()), found, links)]
    return _in_page_order(blocks, extra, tree, order) if extra else blocks


def _container(tree: HtmlElement, keys: set[str]) -> HtmlElement | None:
    """The element holding most of the extracted paragraphs, when its class names a body."""
    parents: Counter[HtmlElement] = Counter(p.getparent() for p in tree.iter("p")
                                            if len(text := p.text_content()) >= 40 and _key(text) in keys)
    if not parents:
        return None
    container = parents.most_common(1)[0][0]
    return container if container is not None and _BODY_CLASS.search(container.get("class") or "") else None


def _signature(element: HtmlElement) -> tuple[str, ...]:
    """The element's and its parent's tag and class: parts of one body sit alike in the page."""
    parent = element.getparent()
    return (str(element.tag), element.get("class") or "", str(getattr(parent, "tag", "")),
            parent.get("class") or "" if parent is not None else "")


def _nested(part: HtmlElement, container: HtmlElement) -> bool:
    return any(a is container for a in part.iterancestors()) or any(a is part for a in container.iterancestors())


def _is_more_prose(text: str, found: dict[str, Block], links: frozenset[str]) -> bool:
    return (_key(text) not in found and ends_sentence(text) and word_count(text) >= MIN_PART_WORDS
            and link_share(text, links) < LINK_BLOCK)


def _in_page_order(blocks: tuple[Block, ...], extra: list[tuple[int, Block]], tree: HtmlElement,
                   order: dict[HtmlElement, int]) -> tuple[Block, ...]:
    """The extracted blocks (placed where their paragraph is, else after the one before) and the extra ones."""
    where = {_key(p.text_content()): order[p] for p in reversed(list(tree.iter("p")))}
    placed, last = [], -1
    for n, block in enumerate(blocks):
        last = max(last, where.get(_key(block.text), last))
        placed.append(((last, 0, n), block))
    placed += [((position, 1, n), block) for n, (position, block) in enumerate(extra)]
    return tuple(block for _, block in sorted(placed, key=lambda item: item[0]))
