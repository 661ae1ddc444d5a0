"""Events of one day: in time order on the story page and in `stories --json`, times shown, none invented.

The fixture's file names sort opposite to the times (a-… is the evening, c-… the morning), and
one article gives a date alone on the day of the timed events: it stands at the start of that
day in the site's time zone, so it comes first, marked as having no time.
"""
from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.stories import story_listing

SAME_DAY = Path(__file__).resolve().parents[1] / "fixtures" / "sameday"
IN_TIME_ORDER = [
    ("2025-05-09T16:00:00+02:00", "9 May 2025, 16:00 UTC+02:00", "Ferry operator was warned about ageing engines"),
    ("2025-05-10", "10 May 2025", "What we know about the ferry&#39;s safety record"),
    ("2025-05-10T07:30:00+02:00", "10 May 2025, 07:30 UTC+02:00", "Fire breaks out on ferry in the strait"),
    ("2025-05-10T12:15:00+02:00", "10 May 2025, 12:15 UTC+02:00", "All passengers accounted for, coastguard says"),
    ("2025-05-10T18:45:00+02:00", "10 May 2025, 18:45 UTC+02:00", "Burnt ferry towed into port at dusk"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("same-day") / "site"
    shutil.copytree(SAME_DAY, site)
    build(site, BuildOptions(search=False, jobs=1))
    return site


def story_page_of(site: Path, story: str) -> str:
    return (site / "output" / "stories" / story / "index.html").read_text(encoding="utf-8")


def story_page(site: Path) -> str:
    return story_page_of(site, "ferry-fire")


def test_the_story_page_lists_one_day_in_time_order_with_the_times(site: Path) -> None:
    events = re.findall(r'<p class="when"><time datetime="([^"]+)">([^<]+)</time>.*?</p>\s*'
                        r'<h3 class="item-title"><a href="[^"]+">([^<]+)</a>', story_page(site))
    assert events == IN_TIME_ORDER


def test_a_date_alone_gets_no_invented_time(site: Path) -> None:
    html = story_page(site)
    assert '<time datetime="2025-05-10">10 May 2025</time> · time not given</p>' in html
    assert "T00:00:00" not in html
    assert html.count("time not given") == 1


def test_versions_show_their_time(site: Path) -> None:
    assert ('Morning Post, <time datetime="2025-05-10T09:05:00+02:00">10 May 2025, 09:05 UTC+02:00</time>'
            in story_page(site))


def test_stories_json_is_in_time_order(site: Path) -> None:
    events = story_listing(site)["stories"][0]["events"]
    assert [e["versions"][0]["title"].replace("'", "&#39;") for e in events] == [t for _, _, t in IN_TIME_ORDER]
    dates = [datetime.fromisoformat(e["date"]) for e in events]
    assert dates == sorted(dates)
    assert [e["date_only"] for e in events] == [False, True, False, False, False]


def test_a_day_of_dates_alone_needs_no_note(built_example: Path) -> None:
    html = story_page_of(built_example, "iran-us-strikes-2025")
    assert html.count('<time datetime="2025-06-23">23 June 2025</time></p>') == 3
    assert "time not given" not in html


def test_the_timeline_data_gives_a_date_alone_no_hour(site: Path) -> None:
    data = json.loads((site / "output" / "stories" / "ferry-fire" / "timeline.json").read_text(encoding="utf-8"))
    starts = {e["text"]["headline"]: e["start_date"] for e in data["events"]}
    assert starts["What we know about the ferry&#x27;s safety record"] == {"year": "2025", "month": "5", "day": "10"}
    assert starts["Fire breaks out on ferry in the strait"] == {
        "year": "2025", "month": "5", "day": "10", "hour": "7", "minute": "30"}
