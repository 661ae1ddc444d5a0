"""Previews in serve: only a plain edit of a known article is previewed; the rest waits for the build."""
from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.site.preview import PageMaker, preview_pages

REUTERS = "content/articles/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes.md"
PAGE = "articles/2025/06/23/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes/index.html"


def last_build(site: Path, drafts: bool = False) -> PageMaker:
    maker = build(site, BuildOptions(search=False, jobs=1, keep_pages=True, drafts=drafts)).pages_from
    assert maker is not None
    return maker


def edit(site: Path, old: str, new: str) -> Path:
    path = site / REUTERS
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_plain_edit_is_previewed(example_site: Path) -> None:
    maker = last_build(example_site)
    path = example_site / REUTERS
    path.write_text(path.read_text(encoding="utf-8") + "\nPreviewed at once.\n", encoding="utf-8")
    pages = preview_pages(maker, {path})
    assert pages is not None and list(pages) == [PAGE] and b"Previewed at once." in pages[PAGE]


@pytest.mark.parametrize("old, new", [
    ("story: iran-us-strikes-2025", "story: another-story"),     # the story decides the timeline around it
    ("story: iran-us-strikes-2025", "story: iran-us-strikes-2025\ndraft: true"),
    ("date: 2025-06-23", "date: 2025-06-24"),                     # its page moves
    ("source: Daily8", "source: A New Outlet"),                   # a name the last build did not know
])
def test_a_change_of_place_story_draft_or_names_waits_for_the_build(example_site: Path, old: str, new: str) -> None:
    maker = last_build(example_site)
    assert preview_pages(maker, {edit(example_site, old, new)}) is None


def test_a_draft_is_previewed_when_drafts_are_built(example_site: Path) -> None:
    maker = last_build(example_site, drafts=True)
    path = edit(example_site, "story: iran-us-strikes-2025", "story: iran-us-strikes-2025\ndraft: true")
    assert preview_pages(maker, {path}, drafts=False) is None
    pages = preview_pages(maker, {path}, drafts=True)
    assert pages is not None and list(pages) == [PAGE]
