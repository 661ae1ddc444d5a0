from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from site_builder.content.articles import parse_article
from site_builder.core.model import Article
from site_builder.site.diff import Block, collapse, diff_versions, paragraphs, word_segments

ARTICLES = Path(__file__).resolve().parents[2] / "content" / "articles"


def load(name: str) -> Article:
    article = parse_article(ARTICLES / f"{name}.md", f"content/articles/{name}.md", ZoneInfo("UTC")).article
    assert article is not None
    return article


def test_reuters_versions_diff():
    base = load("iran-supreme-leader-asks-putin-to-do-more-after-us-strikes")
    other = load("khamenei-asks-putin-for-more-help-after-us-strikes-on-iran")
    diff = diff_versions(base, other)
    added = [b.text for b in diff.blocks if b.kind == "added"]
    assert "MEDIATION" in added
    assert any("Nebenzia" in text for text in added)
    assert diff.headline_changed and any(s.op == "insert" for s in diff.headline)
    assert diff.changed >= 5 and diff.added >= 4
    changed = [b for b in diff.blocks if b.kind == "changed"]
    assert all(b.edited or len(b.before) != len(b.after) for b in changed)   # edited, or joined/split
    assert diff.same + diff.changed >= 8  # of 13; the rest moved or removed
    assert diff.moved == 2 and diff.removed == 1


def test_paragraphs_strip_headings():
    assert paragraphs("## MEDIATION\n\nOne\ntwo.\n\n\n  \nThree.") == ["MEDIATION", "One two.", "Three."]


def test_word_segments():
    assert [(s.op, s.text) for s in word_segments("a b c", "a x c d")] == [
        ("equal", "a"), ("delete", "b"), ("insert", "x"), ("equal", "c"), ("insert", "d")]


def test_collapse_keeps_one_context_paragraph():
    rows = [Block("changed")] + [Block("same", text=str(i)) for i in range(5)] + [Block("added", text="x")]
    kinds = [(b.kind, b.hidden) for b in collapse(rows)]
    assert kinds == [("changed", 0), ("same", 0), ("collapsed", 3), ("same", 0), ("added", 0)]


def test_identical_versions_collapse_entirely():
    when = datetime(2025, 1, 1, tzinfo=UTC)
    a = Article(path="a.md", slug="a", title="T", date=when, source="S", body="\n\n".join("abcdef"))
    diff = diff_versions(a, a)
    assert not diff.headline_changed and diff.same == 6
    assert [b.kind for b in diff.blocks] == ["collapsed"] and diff.blocks[0].hidden == 6
