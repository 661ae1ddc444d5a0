"""`stories --eval LABELS.csv --level stories|events` on a tiny labelled archive, with exact figures.

The archive (tests/fixtures/labelled) has two explicit stories of three articles, each with
one wire story and an identical copy: computed events {a1, a1c} {a2} {b1, b1c} {b2}, stories
{a1, a1c, a2} {b1, b1c, b2}. The labels put b2 in the flood story, call the flood story one
event and the two cable copies two events, so neither level scores 1.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_exit_and_summary import run

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "labelled"
LABELS = LABELLED / "labels.csv"


def scores(*options: str) -> dict:
    done = run("stories", "--site", str(LABELLED), "--eval", str(LABELS), "--json", *options)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_events_are_scored_against_the_event_column() -> None:
    # pairs together: 1 of 2 computed, of 3 true; B-cubed per item: (1 + 1 + 1 + 1/2 + 1/2 + 1) / 6, (2/3 + 2/3 + 1/3 + 1 + 1 + 1) / 6
    got = scores("--level", "events")
    assert got == {"level": "events", "items": 6,
                   "pairwise_precision": pytest.approx(1 / 2), "pairwise_recall": pytest.approx(1 / 3),
                   "pairwise_f1": pytest.approx(0.4),
                   "bcubed_precision": pytest.approx(5 / 6), "bcubed_recall": pytest.approx(7 / 9),
                   "bcubed_f1": pytest.approx(2 * (5 / 6) * (7 / 9) / (5 / 6 + 7 / 9))}


def test_stories_stay_the_default_level() -> None:
    # pairs together: 4 of 6 computed, of 7 true; B-cubed: (3 * 3/3 + 2 * 2/3 + 1/3) / 6, (3 * 3/4 + 2 * 2/2 + 1/4) / 6
    expected = {"level": "stories", "items": 6,
                "pairwise_precision": pytest.approx(4 / 6), "pairwise_recall": pytest.approx(4 / 7),
                "pairwise_f1": pytest.approx(2 * (4 / 6) * (4 / 7) / (4 / 6 + 4 / 7)),
                "bcubed_precision": pytest.approx(7 / 9), "bcubed_recall": pytest.approx(3 / 4),
                "bcubed_f1": pytest.approx(2 * (7 / 9) * (3 / 4) / (7 / 9 + 3 / 4))}
    assert scores() == expected
    assert scores("--level", "stories") == expected


def test_the_text_output_names_the_level() -> None:
    done = run("stories", "--site", str(LABELLED), "--eval", str(LABELS), "--level", "events")
    assert done.returncode == 0, done.stderr
    lines = [line.split(":") for line in done.stdout.splitlines()]
    shown = {name.strip(): value.strip() for name, value in lines}
    assert shown["level"] == "events" and shown["pairwise_precision"] == "0.500" and shown["items"] == "6"


def test_labels_without_the_event_column_are_a_located_error(tmp_path: Path) -> None:
    stories_only = tmp_path / "stories.csv"
    stories_only.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in LABELS.read_text().splitlines()))
    done = run("stories", "--site", str(LABELLED), "--eval", str(stories_only), "--level", "events")
    assert done.returncode == 1
    assert f"{stories_only}:1: labels header lacks event (the first line must name the columns, e.g. path,event)" \
        in done.stderr
    assert "Traceback" not in done.stderr
    assert run("stories", "--site", str(LABELLED), "--eval", str(stories_only)).returncode == 0


def test_level_is_usage_checked() -> None:
    alone = run("stories", "--site", str(LABELLED), "--level", "events")
    assert alone.returncode == 2 and "--level needs --eval" in alone.stderr
    assert run("stories", "--site", str(LABELLED), "--eval", str(LABELS), "--level", "versions").returncode == 2
