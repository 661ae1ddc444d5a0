"""Raw scraped text into page items: decoding, clutter removal, teasers, related coverage."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

from charset_normalizer import from_bytes

_CLUTTER = tuple(re.compile(p, re.I) for p in (
    r"logo", r"\w+ background", r"try our ai features", r"explore what .{1,40} can do for you:?",
    r"comments?(?: \(\d+\))?", r"no comments yet\W*", r"(?:leave|post|add|write) a comment\W*",
    r"app-?store ?play-?store", r"(?:app store|google play|play store)", r"download the app\W*",
    r"get started now:? download the app\W*", r"ready to dive into .*", r"download .{1,40} app\b.*",
    r"share(?: this(?: article| story)?| on \w+)?:?", r"(?:facebook|twitter|x|whatsapp|telegram|linkedin|email|copy link)",
    r"advertisement", r"sponsored", r"(?:read|see) more", r"subscribe(?: now)?\W*", r"sign (?:up|in)\W*",
    r"follow us(?: on .*)?", r"accept(?: all)? cookies", r"we use cookies.*", r"skip to (?:main )?content",
))
_OUTLET_IN_CLUTTER = tuple(re.compile(p, re.I) for p in (
    r"explore what (.{1,40}?) ai can do for you", r"download (.{1,40}?) app\b",
))
MADE_TITLE = "no headline found; title made from the first words"
_RELATED = re.compile(r"related (?:articles|stories|coverage|news)|more on this story|you may also like", re.I)
_AGE = re.compile(r"(?:time\s*)?(an?|\d+)\s*(second|minute|hour|day|week)s?\s+ago", re.I)
_BULLET = re.compile(r"^[•·\-–—*]\s*")
SENTENCE_END = ".!?…。！？｡؟۔।॥።፧։჻"        # Latin, CJK, Arabic and Urdu, Devanagari, Ethiopic, Armenian…
CLOSERS = "'’\"”»)\\]）」』】〉》"
_TERMINAL = re.compile(rf"[{SENTENCE_END}:;：；][{CLOSERS}]*$|['’\"”]$")
_SENTENCE = re.compile(rf"[{SENTENCE_END}][{CLOSERS}]*(?:\s|$)|[。！？｡][{CLOSERS}]*")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_NOT_HEADLINE = frozenset(
    "the a an is are was were be been being has have had do does did will would could should said says "
    "told tells according who which that this these those he she it they we i his her their its our my "
    "your not".split())
_DANGLING = frozenset(
    "of to from in on at for with by and or but as than that amid against into over after before about "
    "the a an include includes including named called".split())
_SENTENCE_START = re.compile(r"(?<=[.!?])['’\"”]?\s+(?=['‘\"“]?[A-Z])")
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9,;:])\s+(?=['‘\"“]?[A-Z])")


@dataclass(frozen=True)
class Block:
    """One paragraph, sub-heading, list item, quotation or table of an article body."""

    text: str
    heading: bool = False
    kind: str = "paragraph"                      # paragraph, heading, item, quote or table
    rows: tuple[tuple[str, ...], ...] = ()       # a table's cells


@dataclass(frozen=True)
class RawItem:
    """One piece of coverage found on a page, before metadata is resolved."""

    title: str
    blocks: tuple[Block, ...]
    source: str | None = None
    url: str | None = None
    dates: tuple[str, ...] = ()      # absolute dates the page gave (ISO text), most trusted first
    age: timedelta | None = None     # a relative time such as "28 minutes ago"
    age_text: str = ""
    author: str | None = None
    image: str | None = None         # the page's og:image address
    teasers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawPage:
    """A decoded input: its main article, embedded related coverage and clutter hints."""

    main: RawItem | None
    related: tuple[RawItem, ...] = ()
    outlet: str | None = None
    notes: tuple[str, ...] = field(default=())


def decode(raw: bytes) -> tuple[str | None, str]:
    """The text of a file, or (None, why): UTF-8 first, then charset detection."""
    if not raw.strip():
        return None, "file is empty"
    if b"\x00" in raw[:8192] or _control_ratio(raw[:8192]) > 0.1:
        return None, "file looks binary, not text or HTML"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None:
        return None, "unknown text encoding"
    return str(best), f"decoded as {best.encoding}"


def _control_ratio(raw: bytes) -> float:
    controls = sum(1 for b in raw if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(len(raw), 1)


def is_clutter(line: str) -> bool:
    """A whole line of page furniture rather than article text."""
    text = _BULLET.sub("", line.strip())
    return any(p.fullmatch(text) for p in _CLUTTER)


def outlet_in(lines: list[str]) -> str | None:
    """The aggregator's own name as its clutter spells it ("Download Daily8 app")."""
    for line in lines:
        for pattern in _OUTLET_IN_CLUTTER:
            match = pattern.search(line)
            if match:
                return match.group(1).strip()
    return None


def parse_age(text: str) -> timedelta | None:
    """'time28 minutes ago', 'timean hour ago' -> a timedelta."""
    match = _AGE.fullmatch(text.strip())
    if not match:
        return None
    count = 1 if match.group(1).lower() in ("a", "an") else int(match.group(1))
    return timedelta(**{f"{match.group(2).lower()}s": count})


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text)


def word_count(text: str) -> int:
    """Words, counting each character of scripts written without spaces (Chinese, Japanese, Thai) as one."""
    unspaced = len(_UNSPACED.findall(text))
    return unspaced + len(_words(_UNSPACED.sub(" ", text)))


def first_words(text: str, count: int) -> str:
    """The text's first words, a character of an unspaced script counting as one."""
    taken = 0
    for match in re.finditer(rf"{_UNSPACED.pattern}|[\w’'-]+", text):
        taken += 1
        if taken == count:
            return text[:match.end()]
    return text


def is_english(text: str) -> bool:
    """Running English: its commonest words make a good share of it. The headline rules need it."""
    words = [w.lower() for w in _words(text)]
    common = sum(1 for w in words if w in _NOT_HEADLINE or w in _DANGLING)
    return bool(words) and common >= 0.2 * len(words)


def is_headline(text: str) -> bool:
    """Headline-ese: no terminal punctuation or comma, no articles, auxiliaries or reporting verbs."""
    words = _words(text)
    if not 5 <= len(words) <= 16 or "," in text or _TERMINAL.search(text):
        return False
    lowered = [w.lower() for w in words]
    return not (set(lowered) & _NOT_HEADLINE) and lowered[-1] not in _DANGLING and text[:1].isupper()


def is_subheading(text: str) -> bool:
    """A short all-capitals line such as 'MEDIATION'."""
    return text.isupper() and len(_words(text)) <= 5 and not _TERMINAL.search(text)


def split_teasers(paragraph: str) -> tuple[str, tuple[str, ...]]:
    """A paragraph without the headlines glued into it after a sentence end, and those headlines."""
    teasers: list[str] = []
    text = paragraph
    for start in reversed([m.end() for m in _SENTENCE_START.finditer(paragraph)]):
        rest = text[start:]
        teaser = _teaser_at(rest)
        if teaser:
            teasers.insert(0, teaser)
            text = text[:start] + rest[len(teaser):].lstrip()
    return text, tuple(teasers)


def _teaser_at(text: str) -> str | None:
    """The headline at the start of text, if a new sentence follows it directly."""
    for boundary in _WORD_BOUNDARY.finditer(text[:300]):
        candidate = text[: boundary.start()]
        if "," in candidate or _TERMINAL.search(candidate):
            return None
        last = _words(candidate)[-1:] or [""]
        if last[0][:1].islower() and is_headline(candidate) and len(_words(text[boundary.end():])) >= 3:
            return candidate
    return None


def clean_blocks(lines: list[str], title: str) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """Body blocks from text lines: clutter and repeated headlines out, teasers recorded.

    Headlines are told from prose by English function words, so other languages keep every line."""
    blocks: list[Block] = []
    teasers: list[str] = []
    key = _key(title)
    english = is_english(" ".join(lines))
    for line in (raw.strip() for raw in lines):
        if not line or is_clutter(line) or _key(line) == key:
            continue
        if is_subheading(line):
            blocks.append(Block(line, heading=True, kind="heading"))
        elif not english:
            blocks.append(Block(line))
        elif is_headline(line):
            teasers.append(line)
        else:
            text, found = split_teasers(line)
            blocks.append(Block(text))
            teasers += found
    return tuple(blocks), tuple(teasers)


def has_prose(blocks: tuple[Block, ...]) -> bool:
    """Enough running text to be an article: a dozen words and one full sentence, in any script."""
    text = " ".join(b.text for b in blocks if not b.heading)
    return word_count(text) >= 12 and ends_sentence(text)


def ends_sentence(text: str) -> bool:
    """Whether the text holds a sentence end: '. ', '。', '؟', '।'…"""
    return bool(_SENTENCE.search(text))


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def parse_text(text: str) -> RawPage:
    """An aggregator page or a plain article as text: title, body, related items."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    outlet = outlet_in(lines)
    cut = next((i for i, line in enumerate(lines) if _RELATED.fullmatch(line.strip())), len(lines))
    main = _main_item(lines[:cut])
    related = _related_items(lines[cut + 1:]) if cut < len(lines) else ()
    return RawPage(main, related, outlet)


def _main_item(lines: list[str]) -> RawItem | None:
    content = [line.strip() for line in lines if line.strip() and not is_clutter(line)]
    if not content:
        return None
    title = made_title(content[0])
    notes: tuple[str, ...] = (MADE_TITLE,) if title else ()
    title, content = (title, [""] + content) if title else (content[0], content)
    blocks, teasers = clean_blocks(content[1:], title)
    if not has_prose(blocks):
        return None
    return RawItem(title, blocks, teasers=teasers, notes=notes)


def made_title(first: str) -> str | None:
    """A title of the first words when the first line is a long sentence, not a headline; else None."""
    return first_words(first, 12) + "…" if _TERMINAL.search(first) and word_count(first) > 20 else None


def _related_items(lines: list[str]) -> tuple[RawItem, ...]:
    """Items of a related-coverage block: title (repeated), source, 'time… ago', bullet, text."""
    content = [line.strip() for line in lines if line.strip()]
    ages = [i for i, line in enumerate(content) if parse_age(line) and i >= 2]
    starts = [_item_start(content, i) for i in ages]
    items = []
    for n, i in enumerate(ages):
        end = starts[n + 1] if n + 1 < len(ages) else len(content)
        items.append(_related_item(content, i, end))
    return tuple(item for item in items if item.blocks)


def _item_start(content: list[str], age_index: int) -> int:
    title = content[age_index - 2]
    start = age_index - 2
    while start > 0 and content[start - 1] == title:
        start -= 1
    return start


def _related_item(content: list[str], age_index: int, end: int) -> RawItem:
    title, source = content[age_index - 2], content[age_index - 1]
    body = []
    for line in content[age_index + 1: end]:
        if is_clutter(line):
            break
        if _BULLET.sub("", line) != source:
            body.append(line)
    blocks, teasers = clean_blocks(body, title)
    notes = ("text may be a preview cut short",) if blocks and not _TERMINAL.search(blocks[-1].text) else ()
    return replace(RawItem(title, blocks, source=source, age=parse_age(content[age_index]),
                           age_text=content[age_index]), teasers=teasers, notes=notes)
