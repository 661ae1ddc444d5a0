"""What the pages say, not only that they exist: a story's real order, the changes page's diff."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.stories import story_listing
from tests.factories import article_text

ATOM = "{http://www.w3.org/2005/Atom}"
# One explicit story; the files' names, their order on disk and their time zones all disagree with
# the real order (by instant): Dawn 06:00 UTC, Morning 09:15 UTC, Noon 12:00 UTC, Night 21:30 UTC.
STORY = {
    "a-night.md": ("Night", "2025-06-23T23:30:00+02:00"),
    "b-dawn.md": ("Dawn", "2025-06-23T09:30:00+03:30"),
    "c-noon.md": ("Noon", "2025-06-23T12:00:00Z"),
    "d-morning.md": ("Morning", "2025-06-23T04:15:00-05:00"),
}
IN_ORDER = ["Dawn", "Morning", "Noon", "Night"]
TOPICS = {"Night": "vote count recount ballot", "Dawn": "harbour ferry strike dockers",
          "Noon": "wheat grain export prices", "Morning": "court ruling appeal judge"}


@pytest.fixture
def story_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    folder = site / "content/articles"
    folder.mkdir(parents=True)
    (site / "content/stories.yaml").write_text("- id: day\n  title: One long day\n", encoding="utf-8")
    for name, (title, when) in STORY.items():
        body = f"{title} report. " + " ".join([TOPICS[title]] * 20)
        (folder / name).write_text(article_text(title, when, f"Outlet {title}", "story: day\n", body), encoding="utf-8")
    return site


def story_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="item-title"><a href="[^"]+">([^<]+)</a>', html)


def test_story_events_are_in_time_order_everywhere(story_site: Path) -> None:
    output = build(story_site, BuildOptions(search=False, jobs=1)).output
    page = (output / "stories/day/index.html").read_text(encoding="utf-8")
    assert story_titles(page) == IN_ORDER
    timeline = page[page.index('<ol class="timeline"'):]
    timeline = timeline[:timeline.index("</ol>")]
    assert re.findall(r'<time datetime="([^"]+)"', timeline) == [
        "2025-06-23T09:30:00+03:30", "2025-06-23T04:15:00-05:00", "2025-06-23T12:00:00+00:00",
        "2025-06-23T23:30:00+02:00"]
    assert "23 June 2025, 04:15 UTC-05:00" in page
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    jsonld = json.loads(script)
    assert [item["name"] for item in jsonld["itemListElement"]] == IN_ORDER
    timeline = json.loads((output / "stories/day/timeline.json").read_text(encoding="utf-8"))
    assert [e["text"]["headline"] for e in timeline["events"]] == IN_ORDER
    feed = ET.parse(output / "stories/day/feed.xml").getroot()
    assert [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")] == IN_ORDER[::-1]   # newest first
    listing = story_listing(story_site)["stories"]
    assert [v["title"] for s in listing for e in s["events"] for v in e["versions"]] == IN_ORDER


def test_article_pages_link_the_previous_and_next_event(story_site: Path) -> None:
    output = build(story_site, BuildOptions(search=False, jobs=1)).output
    for before, title, after in zip([None, *IN_ORDER], IN_ORDER, [*IN_ORDER[1:], None]):
        page = next(output.glob(f"articles/2025/06/*/*-{title.lower()}/index.html")).read_text(encoding="utf-8")
        found = re.findall(r'<li>(Previous|Next) event: <a href="[^"]+">([^<]+)</a>', page)
        assert found == [(rel, t) for rel, t in (("Previous", before), ("Next", after)) if t], (title, found)


# -- the changes page ---------------------------------------------------------------------------
SAME = [f"Paragraph {n} of the wire copy says the talks on the port dues went on for hours, with no deal in sight."
        for n in range(1, 7)]
FIRST = "\n\n".join(["The ministers met in Geneva on Monday.", *SAME, "A closing line only the wire had."])
SECOND = "\n\n".join(["The ministers met in Vienna on Monday.", *SAME, "Reporting by a local desk, added later."])


@pytest.fixture
def versions_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    folder = site / "content/articles"
    folder.mkdir(parents=True)
    (folder / "wire.md").write_text(article_text("Ministers meet over port dues", "2025-06-23T08:00:00Z", "Wire Desk",
                                                 "wire: Reuters\n", FIRST), encoding="utf-8")
    (folder / "copy.md").write_text(article_text("Ministers meet over the port dues", "2025-06-23T10:00:00Z",
                                                 "Harbour Gazette", "wire: Reuters\n", SECOND), encoding="utf-8")
    return site


def test_changes_page_shows_what_the_later_version_changed(versions_site: Path) -> None:
    output = build(versions_site, BuildOptions(search=False, jobs=1)).output
    assert not (output / "articles/2025/06/23/wire/changes").exists()      # the earliest version has no diff
    page = (output / "articles/2025/06/23/copy/changes/index.html").read_text(encoding="utf-8")
    main = page[page.index('<main id="main">'):page.index("</main>")]
    assert ("<h1>What changed between Wire Desk’s copy (23 June 2025) and Harbour Gazette’s (23 June 2025)</h1>"
            in main)
    assert ('<p class="kicker">In <a href="/stories/wire/">Ministers meet over port dues</a></p>') in main
    assert ('The copy published by <a href="/articles/2025/06/23/copy/">Harbour Gazette</a> on '
            '<time datetime="2025-06-23T10:00:00+00:00">23 June 2025, 10:00 UTC</time> compared with the earliest '
            'copy of this report, by <a href="/articles/2025/06/23/wire/">Wire Desk</a> on '
            '<time datetime="2025-06-23T08:00:00+00:00">23 June 2025, 08:00 UTC</time>.') in main
    assert "<title>What changed between Wire Desk’s copy (23 June 2025) and Harbour Gazette’s (23 June 2025): " in page
    assert "1 paragraph added · 1 removed · 1 edited · 0 moved · 6 unchanged." in main
    assert "<p>4 unchanged paragraphs not shown</p>" in main
    assert "<p>Ministers meet over <ins>the</ins> port dues</p>" in main
    assert "<p>The ministers met in <del>Geneva</del> <ins>Vienna</ins> on Monday.</p>" in main
    assert ('<p class="diff-label">Added by Harbour Gazette</p><p>Reporting by a local desk, added later.</p>'
            in main)
    assert ("<p class=\"diff-label\">Not in Harbour Gazette's version</p><p>A closing line only the wire had.</p>"
            in main)
    article_page = (output / "articles/2025/06/23/copy/index.html").read_text(encoding="utf-8")
    assert 'href="/articles/2025/06/23/copy/changes/"' in article_page
    assert article_page.index('<h2 id="versions">') < article_page.index('<div class="body">')    # above the text


def test_an_article_s_versions_count_the_earliest_apart_from_its_copies(versions_site: Path) -> None:
    """The story page says 'Wire Desk · 1 copy'; the article page must count the same way."""
    output = build(versions_site, BuildOptions(search=False, jobs=1)).output
    for slug in ("wire", "copy"):
        page = (output / f"articles/2025/06/23/{slug}/index.html").read_text(encoding="utf-8")
        assert ('<span class="count">2 versions: the earliest and 1 copy, each compared with it</span>'
                in page), slug
