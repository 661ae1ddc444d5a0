"""What one version changed relative to another: headline and paragraph-by-paragraph word edits.

Plain data for the diff page template. Paragraphs are the Markdown body split on blank lines,
with heading markers stripped ("## MEDIATION" is the paragraph "MEDIATION").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .model import Article

PAIR_SIMILARITY = 0.5   # paragraphs at least this alike are one paragraph edited, not one removed and one added
CONTEXT = 1             # unchanged paragraphs kept visible on each side of a change
_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass(frozen=True)
class Segment:
    """A run of words: op is "equal" (in both), "insert" (only in the other version) or "delete" (only in base)."""

    op: str
    text: str


@dataclass(frozen=True)
class Block:
    """One paragraph row of the diff.

    kind: "same" (text = the paragraph), "added" (text = paragraph only in the other version),
    "removed" (text = paragraph only in the base), "changed" (segments = word-level edits from
    base to other), "collapsed" (hidden = how many unchanged paragraphs are not shown).
    """

    kind: str
    text: str = ""
    segments: tuple[Segment, ...] = ()
    hidden: int = 0


@dataclass(frozen=True)
class VersionDiff:
    """The diff of `other` against `base` (both article slugs).

    headline: word segments from base title to other title; headline_changed says whether they differ.
    blocks: paragraph rows in reading order. added/removed/changed/same: paragraph counts.
    """

    base: str
    other: str
    headline_changed: bool
    old_headline: str
    new_headline: str
    headline: tuple[Segment, ...]
    blocks: tuple[Block, ...]
    added: int
    removed: int
    changed: int
    same: int


def paragraphs(body: str) -> list[str]:
    """Paragraphs of a Markdown body: blank-line separated, whitespace joined, heading markers dropped."""
    found = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        text = " ".join(_HEADING.sub("", chunk.strip()).split())
        if text:
            found.append(text)
    return found


def word_segments(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level edits from `old` to `new`; a replacement is a delete then an insert."""
    a, b = old.split(), new.split()
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", " ".join(b[j1:j2])))
    return tuple(segments)


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _rows(old: list[str], new: list[str]) -> list[Block]:
    """Aligned paragraph rows before collapsing."""
    rows: list[Block] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [Block("same", text=p) for p in old[i1:i2]]
        else:
            rows += _pair_up(old[i1:i2], new[j1:j2])
    return rows


def _pair_up(old: list[str], new: list[str]) -> list[Block]:
    """Within a replaced range: pair each old paragraph with the next alike new one, in order."""
    rows: list[Block] = []
    j = 0
    for paragraph in old:
        match = next((k for k in range(j, len(new)) if _similarity(paragraph, new[k]) >= PAIR_SIMILARITY), None)
        if match is None:
            rows.append(Block("removed", text=paragraph))
            continue
        rows += [Block("added", text=p) for p in new[j:match]]
        rows.append(Block("changed", segments=word_segments(paragraph, new[match])))
        j = match + 1
    rows += [Block("added", text=p) for p in new[j:]]
    return rows


def collapse(rows: list[Block], context: int = CONTEXT) -> list[Block]:
    """Runs of more than 2 unchanged paragraphs folded, keeping `context` visible next to changes."""
    result: list[Block] = []
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end].kind == "same":
            end += 1
        if end == start:
            result.append(rows[start])
            start += 1
            continue
        keep_before = context if start > 0 else 0
        keep_after = context if end < len(rows) else 0
        hidden = end - start - keep_before - keep_after
        if end - start > 2 and hidden > 0:
            result += rows[start: start + keep_before]
            result.append(Block("collapsed", hidden=hidden))
            result += rows[end - keep_after: end]
        else:
            result += rows[start:end]
        start = end
    return result


def diff_versions(base: Article, other: Article) -> VersionDiff:
    """How `other` differs from `base`: headline words and paragraph blocks with counts."""
    rows = _rows(paragraphs(base.body), paragraphs(other.body))
    count = {kind: sum(1 for r in rows if r.kind == kind) for kind in ("added", "removed", "changed", "same")}
    return VersionDiff(base.slug, other.slug, base.title != other.title, base.title, other.title,
                       word_segments(base.title, other.title), tuple(collapse(rows)),
                       count["added"], count["removed"], count["changed"], count["same"])
