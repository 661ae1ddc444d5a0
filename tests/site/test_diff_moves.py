"""Moved paragraphs: shown once, as moved, with their edits; no paragraph of either version shown twice."""
from __future__ import annotations

import re
import shutil
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from site_builder.build.pipeline import BuildOptions, build
from site_builder.content.articles import parse_article
from site_builder.core.model import Article
from site_builder.importer.plan import import_paths
from site_builder.site.diff import Block, diff_versions, paragraph_rows, paragraphs

REPO = Path(__file__).resolve().parents[2]
MOVED = REPO / "tests" / "fixtures" / "moved"
RAW = REPO / "tests" / "fixtures" / "raw"
MOVED_PARAGRAPH = "consecutive night shifts since the winter timetable began"
DAILY8 = "content/articles/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes.md"
OTHER = "content/articles/khamenei-asks-putin-for-more-help-after-us-strikes-on-iran.md"


def load(site: Path, rel: str) -> Article:
    article = parse_article(site / rel, rel, ZoneInfo("UTC")).article
    assert article is not None
    return article


def old_side(block: Block) -> list[str]:
    if block.kind in ("same", "removed"):
        return block.text.split()
    return [w for s in block.segments if s.op != "insert" for w in s.text.split()]


def new_side(block: Block) -> list[str]:
    if block.kind in ("same", "added"):
        return block.text.split()
    return [w for s in block.segments if s.op != "delete" for w in s.text.split()]


def shown_twice(rows: list[Block]) -> list[str]:
    """Removed paragraphs whose words are mostly in another row's new text, and added ones in another's old text."""
    found = []
    for n, row in enumerate(rows):
        side = new_side if row.kind == "removed" else old_side if row.kind == "added" else None
        if side is None:
            continue
        words = row.text.split()
        for other in rows[:n] + rows[n + 1:]:
            common = sum(m.size for m in SequenceMatcher(None, words, side(other), autojunk=False).get_matching_blocks())
            if common >= 0.8 * len(words):
                found.append(row.text)
    return found


def assert_each_paragraph_once(base: Article, other: Article) -> None:
    rows = assert_rows_cover_both(paragraphs(base.body), paragraphs(other.body))
    assert shown_twice(rows) == []


def assert_rows_cover_both(old: list[str], new: list[str]) -> list[Block]:
    """Every paragraph of each version in exactly one row, and the rows give back both texts."""
    rows = paragraph_rows(old, new)
    assert sorted(n for r in rows for n in r.before) == list(range(1, len(old) + 1))
    assert sorted(n for r in rows for n in r.after) == list(range(1, len(new) + 1))
    in_base_order = sorted((r for r in rows if r.before), key=lambda r: r.before)
    assert [w for r in in_base_order for w in old_side(r)] == " ".join(old).split()
    assert [w for r in rows for w in new_side(r)] == " ".join(new).split()
    return rows


def test_a_moved_and_edited_paragraph_is_one_moved_row() -> None:
    base = load(MOVED, "content/articles/harbour-pilots-strike-wire.md")
    other = load(MOVED, "content/articles/harbour-pilots-strike-copy.md")
    diff = diff_versions(base, other)
    moved = [b for b in diff.blocks if b.kind == "moved"]
    assert len(moved) == 1 and (moved[0].before, moved[0].after) == ((2,), (4,))
    assert [(s.op, s.text) for s in moved[0].segments if s.op != "equal"] == [
        ("delete", "association"), ("insert", "union"), ("insert", "badly")]
    assert (diff.added, diff.removed, diff.changed, diff.moved, diff.same) == (0, 0, 0, 1, 4)
    assert_each_paragraph_once(base, other)


def test_the_moved_paragraph_on_the_changes_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(MOVED, site)
    build(site, BuildOptions(search=False, jobs=1))
    html = (site / "output/articles/2025/03/04/harbour-pilots-strike-copy/changes/index.html").read_text("utf-8")
    assert html.count(MOVED_PARAGRAPH) == 1
    block = re.search(r'<div class="diff-block moved"><p class="diff-label">([^<]+)</p><p>(.+?)</p></div>', html)
    assert block is not None
    assert block[1] == "Moved from paragraph 2 of Wire Service's version to paragraph 4, edited"
    assert "<del>association</del> <ins>union</ins>" in block[2] and MOVED_PARAGRAPH in block[2]
    assert "0 paragraphs added · 0 removed · 0 edited · 1 moved · 4 unchanged" in html


def test_the_example_reuters_copies_show_no_paragraph_twice() -> None:
    base, other = load(REPO, DAILY8), load(REPO, OTHER)
    assert_each_paragraph_once(base, other)
    rows = paragraph_rows(paragraphs(base.body), paragraphs(other.body))
    moved = [r for r in rows if r.kind == "moved"]
    assert [" ".join(new_side(r))[:30] for r in moved] == [
        "Russia, a longstanding ally of", "But Putin, whose army is fight"]
    joined = next(r for r in rows if len(r.before) == 2)
    assert "The sources did not elaborate" in " ".join(new_side(joined))


def test_the_imported_raw_copies_show_no_paragraph_twice(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    when = datetime.fromisoformat("2025-06-23T12:00:00+00:00")
    first = import_paths([RAW / "000_7281c503f6f4bb13.txt"], site, date=when)
    second = import_paths([RAW / "004_862e51eedb9d2bff.txt"], site, date=when, source="Unidentified outlet")
    base, other = load(site, first.written[0]), load(site, second.written[0])
    assert_each_paragraph_once(base, other)
    assert diff_versions(base, other).moved == 2


def test_a_split_paragraph_is_one_row() -> None:
    old = ["Ships waited at anchor. The port was closed by the strike.", "Talks resume on Friday."]
    new = ["Ships waited at anchor.", "The port was closed by the strike.", "Talks resume on Friday."]
    rows = paragraph_rows(old, new)
    assert [(r.kind, r.before, r.after, r.edited) for r in rows] == [
        ("changed", (1,), (1, 2), False), ("same", (2,), (3,), False)]


paragraph_texts = st.lists(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=6).map(" ".join), max_size=8)


@given(paragraph_texts, paragraph_texts)
def test_every_paragraph_is_in_exactly_one_row(old: list[str], new: list[str]) -> None:
    assert_rows_cover_both(old, new)
