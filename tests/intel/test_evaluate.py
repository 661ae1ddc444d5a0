from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.core.errors import SiteError
from site_builder.intel.evaluate import read_labels, story_scores, version_scores


def test_perfect_and_split_scores():
    labels = {"a": "x", "b": "x", "c": "y"}
    perfect = story_scores({"a": "1", "b": "1", "c": "2"}, labels)
    assert perfect.pairwise_f1 == 1.0 and perfect.bcubed_f1 == 1.0
    split = story_scores({"a": "1", "b": "2", "c": "3"}, labels)
    assert split.pairwise_precision == 1.0 and split.pairwise_recall == 0.0
    assert split.bcubed_precision == 1.0 and split.bcubed_recall == pytest.approx((0.5 + 0.5 + 1) / 3)


def test_merged_scores():
    merged = story_scores({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x", "c": "y"})
    assert merged.pairwise_precision == pytest.approx(1 / 3) and merged.pairwise_recall == 1.0
    assert merged.bcubed_precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)


def test_version_scores():
    scores = version_scores({"a": "e1", "b": "e1", "c": "e2"}, {"a": "t1", "b": "t1", "c": "t1"})
    assert scores.precision == 1.0 and scores.recall == pytest.approx(1 / 3)


def test_read_labels(tmp_path: Path):
    file = tmp_path / "labels.csv"
    file.write_text("path,story,event\na.md,s1,e1\nb.md,s1,e2\n", encoding="utf-8")
    assert read_labels(file) == {"a.md": "s1", "b.md": "s1"}
    assert read_labels(file, "event") == {"a.md": "e1", "b.md": "e2"}


def test_read_labels_problems_are_located(tmp_path: Path):
    file = tmp_path / "labels.csv"
    file.write_text("path,story\na.md,s1\nb.md,\n", encoding="utf-8")
    with pytest.raises(SiteError) as error:
        read_labels(file)
    assert error.value.problems[0].line == 3
    file.write_text("file,group\n", encoding="utf-8")
    with pytest.raises(SiteError, match="header"):
        read_labels(file)
