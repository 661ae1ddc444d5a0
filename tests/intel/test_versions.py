from __future__ import annotations

import random

from site_builder.intel.versions import group_versions
from tests.factories import article


def body(rng: random.Random, paragraphs: int = 8) -> list[str]:
    return [" ".join(rng.choice("abcdefghijklmnopqrstuvwxyz") * rng.randint(1, 4) + str(rng.randint(0, 99))
                     for _ in range(40)) for _ in range(paragraphs)]


def test_copies_with_edits_grouped_others_not():
    rng = random.Random(3)
    original = body(rng)
    edited = original[:3] + original[4:] + body(rng, 1)
    edited[0] = edited[0].replace(edited[0].split()[5], "changed")
    articles = [article("copy", edited, 2), article("original", original), article("other", body(rng))]
    groups = group_versions(articles, 0.6)
    together = [g for g in groups if len(g.members) > 1]
    assert len(together) == 1 and [articles[i].slug for i in together[0].members] == ["original", "copy"]
    assert together[0].scores[0] == 1.0 and 0.6 <= together[0].scores[1] < 1.0
    assert sorted(i for g in groups for i in g.members) == [0, 1, 2]


def test_short_bodies_never_joined():
    articles = [article("a", ["Breaking news."]), article("b", ["Breaking news."])]
    assert all(len(g.members) == 1 for g in group_versions(articles, 0.6))


EARNINGS = ["Shr profit 20 cts vs loss two cts", "Net profit 2,665,000 vs loss 202,000",
            "Revs 12.1 mln vs 5,993,000", "NOTE: Current qtr includes gain of 1.1 mln dlrs from tax benefit."]
REPORT = ["The U.S. trade deficit narrowed to 10.4 bln dlrs in January from 12.2 bln dlrs in December, "
          "the Commerce Department said on Tuesday.",
          "Analysts had expected a deficit of about 11 bln dlrs, and markets rose after the figure was released.",
          "Exports rose 4.2 pct to 19.6 bln dlrs while imports fell 3.1 pct, the department said in its report.",
          "Officials said the improvement reflected lower oil prices and a weaker dollar over the past year."]


def restyled(paragraphs: list[str]) -> list[str]:
    """What a republisher's house style does to a wire copy."""
    return [p.replace("mln", "million").replace("bln", "billion").replace("dlrs", "dollars").replace("U.S.", "US")
            .replace("pct", "percent") for p in paragraphs]


def members(groups, articles) -> list[list[str]]:
    return sorted(sorted(articles[i].slug for i in g.members) for g in groups if len(g.members) > 1)


def test_restyled_recased_and_cut_short_copies_are_one_event():
    articles = [article("wire", REPORT, 0, "Reuters", "U.S. TRADE DEFICIT NARROWS IN JANUARY"),
                article("styled", restyled(REPORT), 3, "Daily", "US Trade Deficit Narrows In January"),
                article("cut", restyled(REPORT[:2]) + ["Compiled from wire reports."], 9, "Courier",
                        "UPDATE 1-U.S. Trade Deficit Narrows In January - report")]
    assert members(group_versions(articles, 0.6), articles) == [["cut", "styled", "wire"]]


def test_templated_reports_with_other_figures_are_other_events():
    """Two earnings reports or casualty counts alike in every word but their figures."""
    other = [p.replace("20 cts", "31 cts").replace("2,665,000", "4,102,000").replace("12.1", "18.4")
             for p in EARNINGS]
    casualty = "At least 41 Palestinians are killed in Israeli attacks across the Gaza Strip, officials said."
    articles = [article("a", EARNINGS, 0, "Reuters", "ACME CORP 4TH QTR NET"),
                article("b", other, 1, "Reuters Copy", "ACME CORP 4TH QTR NET"),
                article("c", [casualty], 0, "X", "Gaza"),
                article("d", [casualty.replace("41", "39")], 20, "Y", "Gaza")]
    assert members(group_versions(articles, 0.6), articles) == []


def test_short_notices_about_other_companies_are_other_events():
    notice = ["Qtly div 15 cts vs 15 cts previously", "Pay June 19", "Record June One"]
    articles = [article("wallace", notice, 0, "Reuters", "WALLACE COMPUTER SERVICES INC <WCS> DIVIDEND"),
                article("other", notice, 1, "Reuters Copy", "ALLEGHENY POWER SYSTEM INC <AYP> SETS PAYOUT"),
                article("copy", notice, 5, "Plains Daily", "UPDATE 1-Wallace Computer Services Inc <Wcs> Dividend")]
    assert members(group_versions(articles, 0.6), articles) == [["copy", "wallace"]]


def test_one_outlet_publishing_a_text_twice_is_two_events_unless_the_same_page():
    twice = [article("first", REPORT, 0, "Reuters"), article("again", REPORT, 6, "Reuters")]
    assert members(group_versions(twice, 0.6), twice) == []
    saved = [article("before", REPORT, 0, "Daily", url="https://example.org/a"),
             article("after", REPORT[:3], 6, "Daily", url="https://example.org/a")]
    assert members(group_versions(saved, 0.6), saved) == [["after", "before"]]


def test_each_copy_joins_the_event_it_resembles_most():
    """An outlet's short and long texts of one story are two events; each copy joins the one it matches."""
    long = REPORT + ["A second section on services trade followed, with figures for the quarter.",
                     "The department revised December's figure up by 200 mln dlrs."]
    articles = [article("long", long, 0, "Reuters"), article("short", REPORT[:2], 1, "Reuters"),
                article("copy-of-short", restyled(REPORT[:2]), 2, "Daily"),
                article("copy-of-long", long[:5], 3, "Courier")]
    groups = group_versions(articles, 0.6)
    assert members(groups, articles) == [["copy-of-long", "long"], ["copy-of-short", "short"]]


def test_copies_far_apart_in_time_are_other_events():
    articles = [article("then", REPORT, 0, "Reuters"), article("later", REPORT, 24 * 30, "Daily")]
    assert members(group_versions(articles, 0.6), articles) == []
