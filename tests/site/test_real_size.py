"""Pages at real size: an archive of about 3,000 items with stories of 300 items from 60 outlets
(tests/big_archive.py), looked at in Chromium at 390 and 1280 px. No page is wider than the
screen, a story's timeline starts within a screen and a half however large the story, and no
HTML file is over 250 KB. Screenshots of the largest story page go to test-artifacts/."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from tests.big_archive import write_big_archive
from tests.conftest import ARTIFACTS, serving

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
MAX_HTML = 250 * 1024


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("real-size")
    (site / "site.toml").write_text('title = "A large archive"\nbase_url = "https://example.org/"\n', encoding="utf-8")
    write_big_archive(site)
    return build(site, BuildOptions(search=False, jobs=2)).output


@pytest.fixture(scope="module")
def served(output: Path) -> Iterator[str]:
    with serving(output) as base:
        yield base + "/"


def largest_story(output: Path) -> str:
    """The address of the first page of the story with most articles (its page is among the largest)."""
    pages = sorted(output.glob("stories/*/index.html"), key=lambda p: (-len(list(p.parent.glob("page/*"))), p))
    return pages[0].parent.relative_to(output).as_posix() + "/"


def story_with_labels_of_many_lengths(output: Path) -> str:
    """The address of a story whose "Who covered it" labels differ most in length ("1 article" beside
    "12 articles, first on 3 events")."""
    def lengths(page: Path) -> int:
        return len({len(label) for label in re.findall(r'<span class="count">([^<]*)</span>',
                                                        page.read_text(encoding="utf-8"))})
    page = max(sorted(output.glob("stories/*/index.html")), key=lengths)
    return page.parent.relative_to(output).as_posix() + "/"


def one_of_each_kind(output: Path) -> list[str]:
    """An address of every kind of HTML page: the lists, a page of each, the second page of a long one."""
    story = largest_story(output)
    article = next(output.glob("articles/*/*/*/*/index.html")).parent.relative_to(output).as_posix() + "/"
    changes = next(output.glob("articles/*/*/*/*/changes/index.html")).parent.relative_to(output).as_posix() + "/"
    first = {folder: next(p for p in sorted((output / folder).iterdir()) if (p / "index.html").exists() and p.name != "page")
             for folder in ("entities", "sources")}
    month = next(output.glob("archive/*/*/index.html")).parent.relative_to(output).as_posix() + "/"
    return ["", "page/2/", "stories/", story, story + "page/2/", article, changes, "entities/", "sources/",
            f"entities/{first['entities'].name}/", f"sources/{first['sources'].name}/", "archive/", month,
            "search/", "data/", "404.html"]


def test_no_html_file_is_over_250_kb(output: Path) -> None:
    sizes = {p.relative_to(output).as_posix(): p.stat().st_size for p in output.rglob("*.html")}
    assert len(sizes) > 3000
    assert {path: size for path, size in sizes.items() if size > MAX_HTML} == {}


def test_a_large_story_is_paged_by_its_events_and_every_event_is_on_one_page(output: Path) -> None:
    import re
    story = output / largest_story(output)
    pages = [story / "index.html", *sorted((story / "page").glob("*/index.html"), key=lambda p: int(p.parent.name))]
    assert len(pages) >= 5
    seen = [re.findall(r'<li id="event-([^"]+)">', p.read_text(encoding="utf-8")) for p in pages]
    flat = [event for page in seen for event in page]
    assert len(flat) == len(set(flat)) == 300, "an event is missing from the story's pages, or on two"
    html = pages[0].read_text(encoding="utf-8")
    assert 'href="/stories/' in html and 'rel="next"' in html and "Timeline: events 1–" in html
    assert html.count("<th scope=\"col\"><a href=") == 10 and "Other outlets</th>" in html    # the busiest ten


@pytest.mark.browser
@pytest.mark.parametrize("screen", sorted(WIDTHS))
def test_no_page_is_wider_than_the_screen(browser: object, output: Path, served: str, screen: str) -> None:
    width, height = WIDTHS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    wide = {}
    for address in one_of_each_kind(output):
        page.goto(served + address)
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        if scrolled > width:
            wide[address] = scrolled
    page.close()
    assert wide == {}, f"pages wider than {width} px: {wide}"


@pytest.mark.browser
@pytest.mark.parametrize("screen", sorted(WIDTHS))
def test_the_largest_story_shows_its_timeline_within_a_screen_and_a_half(browser: object, output: Path,
                                                                         served: str, screen: str) -> None:
    width, height = WIDTHS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page.goto(served + largest_story(output))
    top = page.evaluate("document.getElementById('timeline').getBoundingClientRect().top + window.scrollY")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"largest-story-{width}.png"), full_page=False)
    page.goto(served + largest_story(output) + "#coverage")
    page.screenshot(path=str(ARTIFACTS / f"largest-story-matrix-{width}.png"), full_page=False)
    page.close()
    assert top <= 1.5 * height, f"the timeline starts at {top:.0f} px, below a screen and a half ({1.5 * height:.0f})"


@pytest.mark.browser
@pytest.mark.parametrize("screen", sorted(WIDTHS))
def test_every_outlet_s_bar_in_who_covered_it_has_one_length(browser: object, output: Path, served: str,
                                                            screen: str) -> None:
    """The bars compare the outlets' counts: each the same length and start, whatever its label says."""
    width, height = WIDTHS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page.goto(served + story_with_labels_of_many_lengths(output))
    boxes = page.evaluate("[...document.querySelectorAll('.outlets meter')].map(m => {"
                          " const r = m.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.width)]; })")
    counts = page.evaluate("[...document.querySelectorAll('.outlets .count')].map(c => c.textContent)")
    page.close()
    assert len(boxes) >= 5 and len({len(text) for text in counts}) > 1      # labels of different lengths
    assert len({tuple(box) for box in boxes}) == 1, boxes
