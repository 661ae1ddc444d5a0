"""`import` honours the site's site.toml: its content folder and its time zone."""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import frontmatter

from site_builder.build.pipeline import BuildOptions, build
from site_builder.importer.plan import import_paths

STORY = ("Harbour pilots strike over pay\n\nHarbour pilots in the port walked out on Monday over a pay dispute "
         "that has lasted three months, the union said, and ships queued outside the breakwater as talks stalled "
         "again.\n\nThe port authority said it would seek an agreement before the weekend, when more vessels are "
         "due.\n")


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text('timezone = "Asia/Tokyo"\n\n[paths]\ncontent = "stories"\n', encoding="utf-8")
    return site


def _undated(tmp_path: Path) -> Path:
    """A text without a date, last changed at 23:30 UTC on 1 March: 08:30 on 2 March in Tokyo."""
    path = tmp_path / "pilots.txt"
    path.write_text(STORY, encoding="utf-8")
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC).timestamp()
    os.utime(path, (moment, moment))
    return path


def test_import_writes_into_the_configured_content_folder(tmp_path: Path) -> None:
    site = _site(tmp_path)
    report = import_paths([_undated(tmp_path)], site, jobs=1)
    assert report.written == ("stories/articles/harbour-pilots-strike-over-pay.md",)
    assert (site / report.written[0]).is_file() and not (site / "content").exists()
    assert build(site, BuildOptions(search=False, jobs=1)).pages > 1


def test_import_dates_in_the_site_time_zone(tmp_path: Path) -> None:
    site = _site(tmp_path)
    report = import_paths([_undated(tmp_path)], site, jobs=1)
    post = frontmatter.loads((site / report.written[0]).read_text(encoding="utf-8"))
    assert str(post["date"]) == "2026-03-02"


def test_a_second_import_sees_the_first_in_the_configured_folder(tmp_path: Path) -> None:
    site = _site(tmp_path)
    import_paths([_undated(tmp_path)], site, jobs=1)
    again = import_paths([_undated(tmp_path)], site, jobs=1)
    assert again.written == () and [s.reason for s in again.skipped] == \
        ["duplicate of stories/articles/harbour-pilots-strike-over-pay.md"]
