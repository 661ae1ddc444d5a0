"""`import` calls a file a new version exactly when the build groups it as one (intel.versions)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from site_builder.importer.plan import import_paths
from site_builder.stories import story_listing

TEXT = ("Harbour pilots strike over pay\n\nHarbour pilots in the port walked out on Monday over a pay dispute "
        "that has lasted three months, the union said, and ships queued outside the breakwater as talks stalled "
        "again on the question of overtime and night shifts.\n\nThe port authority said it would seek an agreement "
        "before the weekend, when more vessels are due, and that ferries would keep to their timetable.\n")


def _copy(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text(TEXT.replace("Monday", "Monday morning") if name == "second" else TEXT, encoding="utf-8")
    return path


def _import(tmp_path: Path, site: Path, name: str, source: str, day: int):
    return import_paths([_copy(tmp_path, name)], site, source=source, jobs=1,
                        date=datetime(2026, 3, day, 9, 0, tzinfo=UTC))


def _events(site: Path) -> list[list[str]]:
    listing = story_listing(site)
    return sorted(sorted(v["path"] for v in e["versions"]) for s in listing["stories"] for e in s["events"])


def test_a_copy_from_another_outlet_days_later_is_a_version_as_in_the_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = _import(tmp_path, site, "first", "Harbour Times", 2)
    second = _import(tmp_path, site, "second", "Coast Post", 3)
    assert [v.of for v in second.versions] == list(first.written)
    assert _events(site) == [sorted([*first.written, *second.written])]


def test_a_copy_a_month_later_is_no_version_for_import_nor_for_the_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _import(tmp_path, site, "first", "Harbour Times", 1)
    second = _import(tmp_path, site, "second", "Coast Post", 30)
    assert second.versions == ()
    assert len(_events(site)) == 2


def test_the_same_outlet_twice_is_no_version_for_import_nor_for_the_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _import(tmp_path, site, "first", "Harbour Times", 2)
    second = _import(tmp_path, site, "second", "Harbour Times", 3)
    assert second.versions == ()
    assert len(_events(site)) == 2
