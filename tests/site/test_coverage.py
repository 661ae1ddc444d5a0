"""Who covered what, when: the story page's coverage matrix and the source pages' profiles."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.model import Article, Event, Story, Version
from site_builder.intel.coverage import coverage_matrix, known_first, source_profile
from site_builder.site.wording import lag_text
from tests.conftest import write_article
from tests.factories import article

STORY = "stories/iran-us-strikes-2025/index.html"
REUTERS_FIRST = "iran-supreme-leader-asks-putin-to-do-more-after-us-strikes"
REUTERS_COPY = "khamenei-asks-putin-for-more-help-after-us-strikes-on-iran"


def cells(row: lxml.html.HtmlElement) -> list[str]:
    return [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]


@pytest.fixture
def seed(built_example: Path) -> Path:
    return built_example / "output"


def test_the_story_matrix_puts_both_reuters_copies_in_one_row_and_the_others_in_their_own(seed: Path) -> None:
    page = lxml.html.parse(str(seed / STORY)).getroot()
    table = page.xpath("//table[@class='matrix']")[0]
    assert "Coverage matrix" in table.xpath("./caption")[0].text_content()
    header = cells(table.xpath("./thead/tr")[0])
    assert header == ["Event", "Business Recorder", "Daily8", "Unidentified outlet"]
    assert all(th.get("scope") == "col" for th in table.xpath("./thead/tr/th"))
    rows = {cells(tr)[0]: tr for tr in table.xpath("./tbody/tr")}
    assert len(rows) == 3
    reuters = next(tr for title, tr in rows.items() if title.startswith("Iran's supreme leader"))
    _, business_recorder, daily8, unidentified = cells(reuters)
    assert business_recorder == "not covered"
    assert daily8 == "23 June 2025 first report Reuters copy"
    assert unidentified == "23 June 2025 same day Reuters copy new headline"
    links = reuters.xpath(".//td//a/@href")
    assert links == [f"/articles/2025/06/23/{REUTERS_FIRST}/", f"/articles/2025/06/23/{REUTERS_COPY}/"]
    hormuz = next(tr for title, tr in rows.items() if "Strait of Hormuz" in title)
    nsc = next(tr for title, tr in rows.items() if "NSC meeting" in title)
    for row in (hormuz, nsc):
        assert cells(row)[1:] == ["23 June 2025 first report own", "not covered", "not covered"]
        assert row.xpath("./th")[0].get("scope") == "row"


def test_the_source_pages_show_their_profiles(seed: Path) -> None:
    def profile(slug: str) -> dict[str, str]:
        page = lxml.html.parse(str(seed / f"sources/{slug}/index.html")).getroot()
        terms = page.xpath("//dl[@class='profile']/dt")
        return {dt.text_content(): " ".join(dt.getnext().text_content().split()) for dt in terms}

    daily8 = profile("daily8")
    assert daily8["Stories covered"] == "1"
    assert daily8["Events reported first"] == "1 of the 1 event other outlets covered too"
    assert daily8["Wire copies"] == "100% (1 of 1 article)"
    copy = profile("unidentified-outlet")
    assert copy["Events reported first"] == "0 of the 1 event other outlets covered too"
    assert copy["Median lag behind the first report"] == "same day"
    assert copy["Changed headlines"].startswith("100% (1 of 1 later copy")
    recorder = profile("business-recorder")
    assert recorder["Wire copies"] == "0% (0 of 2 articles)"
    assert recorder["Events reported first"].startswith("– (no other outlet")


def _article(slug: str, source: str, when: str, title: str = "Same headline", wire: str | None = None,
             date_only: bool = False) -> Article:
    return article(slug, "", 0, source, title, when=datetime.fromisoformat(when), path=f"content/articles/{slug}.md",
                   wire=wire, date_only=date_only)


def test_lags_are_measured_from_the_first_report_and_headline_changes_and_wire_copies_marked() -> None:
    articles = {a.slug: a for a in [
        _article("a", "Agency", "2025-01-01T10:00:00+00:00", wire="Agency"),
        _article("b", "Paper", "2025-01-01T12:05:00+01:00", wire="Agency"),
        _article("c", "Other", "2025-01-03T11:00:00+00:00", title="A new  headline"),
        _article("d", "Paper", "2025-01-02T09:00:00+00:00"),
    ]}
    source_of = {name.casefold(): name.lower() for name in ("Agency", "Paper", "Other")}
    first = Event("e1", articles["a"].date, (Version("a"), Version("b", report="a"), Version("c", report="a")))
    second = Event("e2", articles["d"].date, (Version("d"),))
    matrix = coverage_matrix(Story("s", "S", "", False, (first, second)), articles, source_of)
    assert matrix.sources == ("agency", "paper", "other")
    (agency,), (paper,), (other,) = matrix.rows[0]
    assert (agency.lag_seconds, agency.wire, agency.headline_changed) == (0, None, False)    # the agency's own story
    assert (paper.lag_seconds, paper.wire, paper.headline_changed) == (65 * 60, "Agency", False)
    assert (other.lag_seconds, other.wire, other.headline_changed) == (49 * 3600, None, True)
    assert matrix.rows[1] == ((), matrix.rows[1][1], ())
    profile = source_profile("paper", ["d", "b"], {"b": "s", "d": "s"}, {"b": "e1", "d": "e2"},
                             {"e1": first, "e2": second}, articles, source_of)
    assert profile.stories == (("s", 2),)
    assert (profile.first, profile.shared, profile.median_lag) == ((), 1, (3900, False))
    assert (profile.copies, profile.wire, profile.later, profile.changed) == (2, 1, 1, 0)


def test_an_outlet_s_own_report_of_an_event_is_not_a_later_copy() -> None:
    """'Changed headlines' counts copies of another outlet's report: a later report in the outlet's own
    words, with its own headline, is neither a copy nor a changed headline."""
    articles = {a.slug: a for a in [_article("a", "Agency", "2025-01-01T10:00:00+00:00"),
                                    _article("b", "Paper", "2025-01-01T14:00:00+00:00", title="Its own headline")]}
    source_of = {name.casefold(): name.lower() for name in ("Agency", "Paper")}
    event = Event("e", articles["a"].date, (Version("a"), Version("b")))
    profile = source_profile("paper", ["b"], {"b": "s"}, {"b": "e"}, {"e": event}, articles, source_of)
    assert (profile.later, profile.changed, profile.median_lag) == (0, 0, (4 * 3600, False))


def test_reports_of_one_day_without_a_time_are_in_no_known_order() -> None:
    """Two outlets' own reports dated the same day without a time: neither counts as the event's first
    report (a copy of a report always comes after it, and a report the next day is later)."""
    articles = {a.slug: a for a in [_article("a", "Agency", "2025-01-01T00:00:00+00:00", date_only=True),
                                    _article("b", "Paper", "2025-01-01T00:00:00+00:00", title="Its own", date_only=True),
                                    _article("c", "Other", "2025-01-02T00:00:00+00:00", title="Late", date_only=True)]}
    source_of = {name.casefold(): name.lower() for name in ("Agency", "Paper", "Other")}
    event = Event("e", articles["a"].date, (Version("a"), Version("b"), Version("c")))
    matrix = coverage_matrix(Story("s", "S", "", False, (event,)), articles, source_of)
    assert [c.tied for cell in matrix.rows[0] for c in cell] == [True, True, False]
    profile = source_profile("agency", ["a"], {"a": "s"}, {"a": "e"}, {"e": event}, articles, source_of)
    assert (profile.first, profile.shared) == ((), 1)
    timed = {**articles, "b": _article("b", "Paper", "2025-01-01T09:00:00+00:00", title="Its own")}
    profile = source_profile("agency", ["a"], {"a": "s"}, {"a": "e"}, {"e": event}, timed, source_of)
    assert profile.first == ()          # a date alone on one side still leaves the day only
    assert known_first(event, articles, source_of) is known_first(event, timed, source_of) is None
    later = {**articles, "b": _article("b", "Paper", "2025-01-02T00:00:00+00:00", title="Its own", date_only=True)}
    assert known_first(event, later, source_of) == "agency"          # what the source pages are counted by
    profile = source_profile("agency", ["a"], {"a": "s"}, {"a": "e"}, {"e": event}, later, source_of)
    assert profile.first == ("e",)


@pytest.mark.parametrize(("seconds", "by_day", "text"), [
    (0, True, "same day"), (86400, True, "+1 day"), (3 * 86400, True, "+3 days"), (45 * 60, False, "+45 min"),
    (3 * 3600 + 5 * 60, False, "+3 h 05 min"), (2 * 86400 + 4 * 3600, False, "+2 d 4 h"),
    (86400 + 54 * 60, False, "+1 d 1 h"), (86400 + 29 * 60, False, "+1 d 0 h"), (2 * 86400 - 10 * 60, False, "+2 d 0 h")])
def test_lag_text(seconds: int, by_day: bool, text: str) -> None:
    assert lag_text(seconds, by_day) == text


def test_a_date_alone_counts_the_lag_in_days() -> None:
    articles = {a.slug: a for a in [_article("a", "A", "2025-01-01T23:00:00+00:00"),
                                    _article("b", "B", "2025-01-02T00:00:00+00:00", date_only=True)]}
    event = Event("e", articles["a"].date, (Version("a"), Version("b")))
    matrix = coverage_matrix(Story("s", "S", "", False, (event,)), articles, {"a": "a", "b": "b"})
    copy = matrix.rows[0][1][0]
    assert (copy.lag_seconds, copy.by_day) == (86400, True)


def test_the_matrix_follows_an_edit_in_an_incremental_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_article(site, "first.md", "---\ntitle: Flood waters rise\ndate: 2025-03-01T08:00:00+00:00\n"
                  "source: Agency\nstory: flood\n---\nThe river rose overnight in the town.\n")
    later = write_article(site, "later.md", "---\ntitle: Flood waters rise\ndate: 2025-03-01T09:30:00+00:00\n"
                          "source: Paper\nwire: Agency\nstory: flood\n---\nThe river rose overnight in the town.\n")
    build(site, BuildOptions(search=False, jobs=1))
    page = (site / "output/stories/flood/index.html").read_text()
    assert "+1 h 30 min" in page and "changed-mark" not in page
    later.write_text(later.read_text().replace("T09:30", "T10:45").replace("title: Flood waters rise",
                                                                           "title: Waters rise"))
    build(site, BuildOptions(search=False, jobs=1))
    page = (site / "output/stories/flood/index.html").read_text()
    assert "+2 h 45 min" in page and "changed-mark" in page
    source = (site / "output/sources/paper/index.html").read_text()
    assert "+2 h 45 min" in source


def test_outlets_with_as_many_articles_are_listed_a_to_z_as_filed(tmp_path: Path) -> None:
    """'Who covered it': busiest first, then as the A–Z lists file names (case aside, 'The' passed over)."""
    site = tmp_path / "site"
    for n, source in enumerate(["TRT World", "The Times", "BNO News", "reuters"]):
        write_article(site, f"a{n}.md", f"---\ntitle: Quake toll rises {n}\ndate: 2025-03-0{n + 1}\n"
                      f"source: {source}\nstory: quake\n---\nThe toll of the quake rose again, report {n}.\n")
    build(site, BuildOptions(search=False, jobs=1))
    page = lxml.html.parse(str(site / "output/stories/quake/index.html")).getroot()
    assert page.xpath("//ol[@class='outlets']/li/a/text()") == ["BNO News", "reuters", "The Times", "TRT World"]
