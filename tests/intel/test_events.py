"""Events are happenings: every outlet's own report of one happening, each report with its copies.

The fixture (tests/fixtures/happenings, written for these tests) holds one happening told by three
outlets in their own words over two days, a wire report with its copy, and two other happenings
of the same day that share the word 'ban' (and the day) with each other.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import scipy.sparse as sp

from site_builder.build.pipeline import BuildOptions, build
from site_builder.content.articles import parse_article
from site_builder.content.mentions import article_names, mentioned_names
from site_builder.intel.coverage import coverage_matrix
from site_builder.intel.events import Report, group_reports
from site_builder.stories import site_archive, story_listing
from tests.cli.test_exit_and_summary import run

HAPPENINGS = Path(__file__).resolve().parents[1] / "fixtures" / "happenings"
BRIDGE = {"bridge-reopens-after-repairs", "vandorp-crossing-open-again", "long-wait-over-for-drivers"}
STORM = {"storm-closes-ferry-port", "brill-port-shut-by-gales"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("happenings") / "site"
    shutil.copytree(HAPPENINGS, site)
    build(site, BuildOptions(search=False, jobs=1))
    return site


def events_of(listing: dict) -> set[frozenset[str]]:
    return {frozenset(v["slug"] for v in e["versions"]) for s in listing["stories"] for e in s["events"]}


def test_a_happening_told_in_different_words_is_one_event_of_three_reports(site: Path) -> None:
    events = events_of(story_listing(site))
    assert frozenset(BRIDGE) in events
    bridge = next(e for s in story_listing(site)["stories"] for e in s["events"] if BRIDGE & {v["slug"] for v in e["versions"]})
    assert len({v["report"] for v in bridge["versions"]}) == 3


def test_two_happenings_sharing_one_common_word_and_the_day_stay_apart(site: Path) -> None:
    events = events_of(story_listing(site))
    assert frozenset({"parking-ban-lifted-in-old-town"}) in events
    assert frozenset({"court-upholds-fishing-ban"}) in events


def test_copies_of_one_report_share_its_id_in_the_json(site: Path) -> None:
    done = run("stories", "--site", str(site), "--json")
    assert done.returncode == 0, done.stderr
    storm = next(e for s in json.loads(done.stdout)["stories"] for e in s["events"]
                 if STORM & {v["slug"] for v in e["versions"]})
    assert {v["slug"] for v in storm["versions"]} == STORM
    assert {v["report"] for v in storm["versions"]} == {"storm-closes-ferry-port"}


def test_the_same_events_whatever_the_file_names_and_their_order_within_a_day(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed"
    shutil.copytree(HAPPENINGS, renamed)
    articles = renamed / "content" / "articles"
    files = sorted(articles.glob("*.md"))
    for number, path in enumerate(reversed(files)):     # file-name order reversed
        path.rename(articles / f"{number:02d}-{path.stem}.md")
    original = {frozenset(v["title"] for v in e["versions"])
                for s in story_listing(HAPPENINGS)["stories"] for e in s["events"]}
    again = {frozenset(v["title"] for v in e["versions"])
             for s in story_listing(renamed)["stories"] for e in s["events"]}
    assert again == original


def test_the_coverage_matrix_is_a_row_per_happening(site: Path) -> None:
    archive = site_archive(site)
    story = next(s for s in archive.stories if BRIDGE & {v.slug for e in s.events for v in e.versions})
    matrix = coverage_matrix(story, archive.articles, archive.source_of)
    assert len(matrix.rows) == 1 and len(matrix.sources) == 3
    assert all(len(cell) == 1 for cell in matrix.rows[0])
    page = (site / "output" / "stories" / story.id / "index.html").read_text(encoding="utf-8")
    # two of them dated 14 March without a time: neither is known to be first
    assert ("Reported the same day by Kelsham Gazette and 1 other outlet (dates without a time: which came "
            "first is not known), then by 1 other outlet") in page
    assert [c.tied for cell in matrix.rows[0] for c in cell] == [True, True, False]


def test_the_events_other_reports_are_listed_and_spend_no_related_slot(site: Path) -> None:
    archive = site_archive(site)
    related = {link.slug for link in archive.related.get("bridge-reopens-after-repairs", ())}
    assert not related & BRIDGE
    page = next((site / "output" / "articles").rglob("bridge-reopens-after-repairs/index.html")).read_text("utf-8")
    assert "Other reports of this event" in page
    assert "Commuters return as Vandorp crossing opens again" in page and "Long wait over" in page


def test_diff_pages_stay_between_copies_of_one_report(site: Path) -> None:
    articles = site / "output" / "articles"
    assert next(articles.rglob("brill-port-shut-by-gales/changes/index.html"), None) is not None
    assert next(articles.rglob("vandorp-crossing-open-again/changes/index.html"), None) is None


def test_copies_level_scores_the_copy_column(site: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    rows = [f"content/articles/{slug}.md,{'storm' if slug in STORM else slug}" for slug in
            [p.stem for p in (site / "content" / "articles").glob("*.md")]]
    labels.write_text("path,copy\n" + "\n".join(rows) + "\n", encoding="utf-8")
    done = run("stories", "--site", str(site), "--eval", str(labels), "--level", "copies", "--json")
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)
    assert scores["level"] == "copies" and scores["bcubed_f1"] == pytest.approx(1.0) and scores["items"] == 7
    events = run("stories", "--site", str(site), "--eval", str(labels), "--level", "events", "--json")
    assert events.returncode == 1      # no event column


def test_an_event_holds_one_report_per_outlet_and_keeps_what_an_earlier_part_fixed() -> None:
    reports = [Report(0.0, frozenset({"a"})), Report(0.0, frozenset({"a"})), Report(0.0, frozenset({"b"}), fixed="x"),
               Report(0.0, frozenset({"c"}), fixed="y")]
    alike = sp.coo_matrix((np.full(6, 0.9), ([0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3])), shape=(4, 4))
    groups = group_reports(reports, alike, 0.1)
    assert [0, 1] not in groups and [1, 0] not in groups          # two reports of outlet a
    assert not any({2, 3} <= set(g) for g in groups)              # two events an earlier part fixed
    assert sorted(len(g) for g in groups) == [2, 2]


def test_names_are_found_in_a_text_without_entities() -> None:
    path = HAPPENINGS / "content" / "articles" / "court-upholds-fishing-ban.md"
    article = parse_article(path, "content/articles/court-upholds-fishing-ban.md", ZoneInfo("UTC")).article
    assert article is not None and article.names_found
    assert {"Marrow Bay", "Donal Quarry"} <= set(article.entities)
    assert any(name.startswith("Marrow Bay Fishers") for name in article.entities)
    assert not {"The", "Friday", "Its"} & set(article.entities)


def test_names_opening_a_sentence_and_title_case_headlines() -> None:
    assert mentioned_names("Bill de Blasio is right. After Joe Biden spoke, the White House said so.") == (
        "Bill de Blasio", "Joe Biden", "White House")
    assert article_names("Biden Pushes Carbon Plan To World", "Mayor Ilse Vandorp spoke.") == ("Ilse Vandorp",)


def test_written_entities_are_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\ndate: 2025-01-01\nsource: S\nentities: [Kelsham]\n---\nMayor Ilse Vandorp spoke.\n")
    article = parse_article(path, "content/articles/a.md", ZoneInfo("UTC")).article
    assert article is not None and article.entities == ("Kelsham",) and not article.names_found


def test_two_events_of_several_reports_each_stay_apart_across_a_weaker_link() -> None:
    """Two happenings of one subject and day, each told by three outlets: alike between them
    (0.2, above the threshold) but much less than within (0.5)."""
    reports = [Report(0.0, frozenset({outlet})) for outlet in "abcdef"]
    pairs = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    scores = [0.5 if (i < 3) == (j < 3) else 0.2 for i, j in pairs]
    alike = sp.coo_matrix((scores, tuple(zip(*pairs))), shape=(6, 6))
    assert group_reports(reports, alike, 0.1) == [[0, 1, 2], [3, 4, 5]]
    # one report alone still joins a group it is alike enough to on average
    single = sp.coo_matrix(([0.5, 0.5, 0.5, 0.2, 0.2, 0.2], ([0, 0, 1, 0, 1, 2], [1, 2, 2, 3, 3, 3])), shape=(4, 4))
    assert group_reports(reports[:4], single, 0.1) == [[0, 1, 2, 3]]


@pytest.mark.browser
def test_a_story_told_by_many_outlets_fits_a_phone(tmp_path: Path, static_server, browser) -> None:
    """Twelve outlets' reports of one happening: the matrix scrolls inside its region, the page
    does not scroll sideways at 390 px (its hidden texts stay inside the region)."""
    site = tmp_path / "many"
    shutil.copytree(HAPPENINGS, site)
    bridge = (site / "content" / "articles" / "bridge-reopens-after-repairs.md").read_text(encoding="utf-8")
    for number in range(12):
        text = bridge.replace("source: Kelsham Gazette", f"source: Outlet number {number}")
        (site / "content" / "articles" / f"bridge-{number}.md").write_text(
            text.replace("Friday morning", f"Friday morning, reporter {number} wrote"), encoding="utf-8")
    output = build(site, BuildOptions(search=False, jobs=1)).output
    story = next(p for p in (output / "stories").glob("*/index.html") if "Outlet number 11" in p.read_text("utf-8"))
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(static_server(output) + "/stories/" + story.parent.name + "/")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        inner = page.evaluate("document.querySelector('.matrix-scroll').scrollWidth")
    finally:
        page.close()
    assert inner > 390, "the matrix is not wider than the screen: the test shows nothing"
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
