"""What a context reads is recorded, and only reads whose value changed make a page stale."""
from __future__ import annotations

from site_builder.site.depends import SEP, SIZE, WHOLE, Recorder, Watched, WatchedList, changed_reads


def test_reads_of_keys_wholes_and_sizes_are_noted() -> None:
    recorder = Recorder()
    data = Watched("story_of", {"a": "s1", "b": "s2"}, recorder)
    assert data["a"] == "s1" and data.get("zz") is None and "b" in data
    assert recorder.take() == {f"story_of{SEP}a", f"story_of{SEP}zz", f"story_of{SEP}b"}
    assert len(data) == 2 and recorder.take() == {f"story_of{SEP}{SIZE}"}
    assert sorted(data.items()) == [("a", "s1"), ("b", "s2")] and recorder.take() == {f"story_of{SEP}{WHOLE}"}
    listed = WatchedList("i.newest", ["a", "b"], recorder)
    assert listed[:1] == ["a"] and recorder.take() == {f"i.newest{SEP}{WHOLE}"}


def test_memoised_reads_reach_every_page_that_reuses_them() -> None:
    recorder = Recorder()
    data = Watched("articles", {"a": 1}, recorder)
    with recorder.apart() as inner:
        data["a"]
    assert inner == {f"articles{SEP}a"} and recorder.take() == {f"articles{SEP}a"}


def test_only_changed_values_are_changed_reads() -> None:
    before = {"story_of": {"a": "s1", "b": "s2"}, "stories": ("s1", "s2")}
    assert changed_reads(before, dict(before)) == set()
    now = {"story_of": {"a": "s1", "b": "s3", "c": "s1"}, "stories": ("s1", "s2")}
    assert changed_reads(before, now) == {f"story_of{SEP}b", f"story_of{SEP}c", f"story_of{SEP}{WHOLE}",
                                          f"story_of{SEP}{SIZE}"}
    assert changed_reads(before, {"story_of": before["story_of"]}) is None
    assert changed_reads({"stories": ("s1",)}, {"stories": ("s2",)}) == {f"stories{SEP}{WHOLE}"}
