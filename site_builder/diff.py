"""What one version changed relative to another: headline and paragraph-by-paragraph word edits.

Plain data for the diff page template. Paragraphs are the Markdown body split on blank lines,
with heading markers stripped ("## MEDIATION" is the paragraph "MEDIATION").

Paragraphs are paired across the two versions by word similarity wherever they stand, the
most alike pairs overall (an assignment, not a scan in order), so an edited paragraph is
found even after a move. The longest run of pairs in the same order stays in place; the
other pairs are shown once, as moved, at their new position. A paragraph left unpaired
whose words went into a neighbour's partner was joined to it (or split from it).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, LCSseq
from scipy.optimize import linear_sum_assignment

from .model import Article

PAIR_SIMILARITY = 0.5   # paragraphs at least this alike are one paragraph edited, not one removed and one added
JOINED_SHARE = 0.6      # an unpaired paragraph joined to a neighbour: this share of its words is in the partner
CONTEXT = 1             # unchanged paragraphs kept visible on each side of a change
_NEARBY = 1e-3          # among equally alike pairs, the assignment prefers paragraphs at similar positions
_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass(frozen=True)
class Segment:
    """A run of words: op is "equal" (in both), "insert" (only in the other version) or "delete" (only in base)."""

    op: str
    text: str


@dataclass(frozen=True)
class Block:
    """One paragraph row of the diff, in the other version's reading order.

    kind: "same" (text = the paragraph), "added" (text = paragraph only in the other version),
    "removed" (text = paragraph only in the base), "changed" (segments = word-level edits from
    base to other), "moved" (segments, as for changed: a paragraph out of its base order),
    "collapsed" (hidden = how many unchanged paragraphs are not shown).
    before/after: the row's paragraph numbers (from 1) in the base and in the other version;
    two or more on one side when paragraphs were joined or split.
    """

    kind: str
    text: str = ""
    segments: tuple[Segment, ...] = ()
    hidden: int = 0
    before: tuple[int, ...] = ()
    after: tuple[int, ...] = ()

    @property
    def edited(self) -> bool:
        """Whether any word differs."""
        return any(s.op != "equal" for s in self.segments)


@dataclass(frozen=True)
class VersionDiff:
    """The diff of `other` against `base` (both article slugs).

    headline: word segments from base title to other title; headline_changed says whether they differ.
    blocks: paragraph rows in reading order. added/removed/changed/moved/same: row counts.
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
    moved: int = 0


@dataclass(frozen=True, order=True)
class Pair:
    """Paragraph indices, in the base and in the other version, that are one paragraph (one each unless joined or split)."""

    old: tuple[int, ...]
    new: tuple[int, ...]


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


def paired(old: list[list[str]], new: list[list[str]]) -> list[Pair]:
    """Paragraphs (as word lists) of the base and the other version that are one paragraph."""
    return _joined(_assigned(old, new), old, new)


def _assigned(old: list[list[str]], new: list[list[str]]) -> list[Pair]:
    """One-to-one pairs at least PAIR_SIMILARITY alike with the highest total similarity."""
    if not old or not new:
        return []
    alike = process.cdist(old, new, scorer=Indel.normalized_similarity, score_cutoff=PAIR_SIMILARITY,
                          dtype=np.float64)
    distance = np.abs(np.arange(len(old))[:, None] / len(old) - np.arange(len(new))[None, :] / len(new))
    rows, cols = linear_sum_assignment(np.where(alike > 0, alike - _NEARBY * distance, 0.0), maximize=True)
    return sorted(Pair((i,), (j,)) for i, j in zip(rows.tolist(), cols.tolist()) if alike[i, j] > 0)


def _joined(pairs: list[Pair], old: list[list[str]], new: list[list[str]]) -> list[Pair]:
    """Unpaired paragraphs folded into the pair next to them whose other side holds their words."""
    while True:
        grown = _absorbed(pairs, old, new)
        grown = [_flipped(p) for p in _absorbed([_flipped(p) for p in grown], new, old)]
        if grown == pairs:
            return pairs
        pairs = grown


def _absorbed(pairs: list[Pair], mine: list[list[str]], theirs: list[list[str]]) -> list[Pair]:
    """`pairs` where each unpaired paragraph of `mine` (the pairs' `old` side) joins a neighbouring
    pair when the pair's `theirs` side holds most of its words and the pair becomes more alike."""
    pairs = list(pairs)
    holder = {i: n for n, p in enumerate(pairs) for i in p.old}
    for i in (i for i in range(len(mine)) if i not in holder):
        for n in (holder.get(i - 1), holder.get(i + 1)):
            if n is None:
                continue
            bigger = Pair(tuple(sorted(pairs[n].old + (i,))), pairs[n].new)
            if _holds(_text(bigger.new, theirs), mine[i]) and \
                    _alike(bigger, mine, theirs) > _alike(pairs[n], mine, theirs):
                pairs[n], holder[i] = bigger, n
                break
    return pairs


def _flipped(pair: Pair) -> Pair:
    return Pair(pair.new, pair.old)


def _text(indices: tuple[int, ...], words: list[list[str]]) -> list[str]:
    return [w for i in indices for w in words[i]]


def _alike(pair: Pair, old: list[list[str]], new: list[list[str]]) -> float:
    return float(Indel.normalized_similarity(_text(pair.old, old), _text(pair.new, new)))


def _holds(whole: list[str], part: list[str]) -> bool:
    """Whether most of `part`'s words are in `whole`, in order."""
    return bool(part) and LCSseq.similarity(part, whole) >= JOINED_SHARE * len(part)


def in_order(pairs: list[Pair]) -> set[Pair]:
    """The largest set of pairs whose paragraphs keep their order (a longest increasing subsequence)."""
    ordered = sorted(pairs, key=lambda p: p.new)
    tails: list[int] = []          # smallest base index ending a run of each length
    ends: list[int] = []           # index into `ordered` of that run's last pair
    previous: list[int] = []
    for n, pair in enumerate(ordered):
        length = bisect_left(tails, pair.old[0])
        previous.append(ends[length - 1] if length else -1)
        if length == len(tails):
            tails.append(pair.old[0])
            ends.append(n)
        else:
            tails[length], ends[length] = pair.old[0], n
    kept, n = set(), ends[-1] if ends else -1
    while n >= 0:
        kept.add(ordered[n])
        n = previous[n]
    return kept


def paragraph_rows(old: list[str], new: list[str]) -> list[Block]:
    """Paragraph rows in the other version's order; a removed paragraph follows the kept one before it in base."""
    pairs = paired([p.split() for p in old], [p.split() for p in new])
    kept = in_order(pairs)
    rows: list[tuple[tuple[int, int, int], Block]] = []
    for pair in pairs:
        rows.append(((pair.new[0], 0, 0), _pair_block(pair, pair in kept, old, new)))
    paired_old = {i for p in pairs for i in p.old}
    paired_new = {j for p in pairs for j in p.new}
    rows += [((j, 0, 0), Block("added", text=new[j], after=(j + 1,))) for j in range(len(new)) if j not in paired_new]
    anchors = sorted((p.old[-1], p.new[-1]) for p in kept)
    for i in (i for i in range(len(old)) if i not in paired_old):
        follows = anchors[bisect_left(anchors, (i, -1)) - 1][1] if anchors and anchors[0][0] < i else -1
        rows.append(((follows, 1, i), Block("removed", text=old[i], before=(i + 1,))))
    return [block for _, block in sorted(rows, key=lambda row: row[0])]


def _pair_block(pair: Pair, kept: bool, old: list[str], new: list[str]) -> Block:
    before, after = tuple(i + 1 for i in pair.old), tuple(j + 1 for j in pair.new)
    old_text, new_text = " ".join(old[i] for i in pair.old), " ".join(new[j] for j in pair.new)
    if kept and old_text == new_text and len(before) == len(after) == 1:
        return Block("same", text=new_text, before=before, after=after)
    return Block("changed" if kept else "moved", segments=word_segments(old_text, new_text), before=before, after=after)


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
    rows = paragraph_rows(paragraphs(base.body), paragraphs(other.body))
    count = {kind: sum(1 for r in rows if r.kind == kind) for kind in ("added", "removed", "changed", "same", "moved")}
    return VersionDiff(base.slug, other.slug, base.title != other.title, base.title, other.title,
                       word_segments(base.title, other.title), tuple(collapse(rows)),
                       count["added"], count["removed"], count["changed"], count["same"], count["moved"])
