"""Bylines: `author` in the front matter, on the article page, in its JSON-LD, the feeds and the open data."""
import csv
import json
import sqlite3
from pathlib import Path

import feedparser

from site_builder.build.pipeline import BuildOptions, build
from site_builder.site.formats.opendata import DATABASE
from site_builder.site.wording import byline
from tests.conftest import write_article
from tests.factories import jsonld_of, run

TWO = ("---\ntitle: Port strike ends\ndate: 2025-06-24T09:00:00+02:00\nsource: Daily8\n"
       "author: [Marieke de Vries, Jan Bakker]\n---\nThe strike ended.\n")
ONE = "---\ntitle: Port reopens\ndate: 2025-06-25\nsource: Daily8\nauthor: Marieke de Vries\n---\nShips sail.\n"
PAGE = "articles/2025/06/24/two/index.html"


def test_byline_wording() -> None:
    assert byline(()) == ""
    assert byline(("A",)) == "By A"
    assert byline(("A", "B")) == "By A and B"
    assert byline(("A", "B", "C")) == "By A, B and C"


def test_authors_are_shown_described_fed_and_tabled(example_site: Path) -> None:
    write_article(example_site, "two.md", TWO)
    write_article(example_site, "one.md", ONE)
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 0, done.stderr
    output = example_site / "output"
    page = (output / PAGE).read_text(encoding="utf-8")
    assert '<p class="byline">By Marieke de Vries and Jan Bakker</p>' in page
    assert jsonld_of(page)["author"] == [{"@type": "Person", "name": "Marieke de Vries"},
                                       {"@type": "Person", "name": "Jan Bakker"}]
    single = (output / "articles/2025/06/25/one/index.html").read_text(encoding="utf-8")
    assert '<p class="byline">By Marieke de Vries</p>' in single
    feed = feedparser.parse((output / "feed.xml").read_bytes())
    entries = {e.title: e for e in feed.entries}
    assert [a.name for a in entries["Port strike ends"].authors] == ["Marieke de Vries", "Jan Bakker"]
    assert [a.name for a in entries["Port reopens"].authors] == ["Marieke de Vries"]
    unsigned = entries["Russian streamer Stepan Scoffy detained after desecrating flag for $12 donation"]
    assert [a.name for a in unsigned.authors] == ["Express Tribune"]        # no byline: the outlet
    with (output / "data/articles.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["slug"]: row for row in csv.DictReader(handle)}
    assert json.loads(rows["two"]["authors"]) == ["Marieke de Vries", "Jan Bakker"]
    assert json.loads(rows["one"]["authors"]) == ["Marieke de Vries"]
    with sqlite3.connect(output / "data" / DATABASE) as db:
        assert db.execute("SELECT authors FROM articles WHERE slug = 'two'").fetchone() == (
            '["Marieke de Vries","Jan Bakker"]',)


def test_no_byline_no_author_anywhere(example_site: Path) -> None:
    write_article(example_site, "none.md", ONE.replace("author: Marieke de Vries\n", ""))
    build(example_site, BuildOptions(search=False, jobs=1))
    page = (example_site / "output/articles/2025/06/25/none/index.html").read_text(encoding="utf-8")
    assert 'class="byline"' not in page and "author" not in jsonld_of(page)


def test_the_example_archive_shows_a_byline(built_example: Path) -> None:
    page = built_example / "output/articles/2025/06/23/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions/index.html"
    assert '<p class="byline">By Recorder Report</p>' in page.read_text(encoding="utf-8")


def test_an_author_that_is_not_a_name_is_located(example_site: Path) -> None:
    write_article(example_site, "bad.md", ONE.replace("author: Marieke de Vries", "author: {name: X}"))
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 1
    assert "content/articles/bad.md:5: 'author' must be a list of names" in done.stderr
