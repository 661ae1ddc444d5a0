"""`import` knows the archive as the build loads it: articles in sub-folders of content/articles/ too."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from site_builder.cli import main
from site_builder.importer.plan import import_paths

TITLE = "Harbour pilots strike over pay"
BODY = ("Harbour pilots in the port walked out on Monday over a pay dispute that has lasted three months, the "
        "union said, and ships queued outside the breakwater as talks stalled again on overtime and night shifts.\n\n"
        "The port authority said it would seek an agreement before the weekend, when more vessels are due.\n")
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _site(tmp_path: Path) -> Path:
    """A site whose one article lies in a sub-folder, under the slug the title makes."""
    site = tmp_path / "site"
    folder = site / "content" / "articles" / "sub"
    folder.mkdir(parents=True)
    (folder / "harbour-pilots-strike-over-pay.md").write_text(
        f"---\ntitle: {TITLE}\ndate: 2026-03-02T08:00:00+00:00\nsource: Harbour Times\n---\n{BODY}", encoding="utf-8")
    return site


def _text(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(f"{TITLE}\n\n{body}", encoding="utf-8")
    return path


def _built(site: Path) -> int:
    return CliRunner().invoke(main, ["build", "--site", str(site), "--no-search", "--jobs", "1"]).exit_code


def test_a_text_already_in_a_sub_folder_is_a_duplicate_not_written_again(tmp_path: Path) -> None:
    site = _site(tmp_path)
    report = import_paths([_text(tmp_path, BODY)], site, source="Coast Post", date=DAY, jobs=1)
    assert report.written == () and report.ok
    assert [s.reason for s in report.skipped] == ["duplicate of content/articles/sub/harbour-pilots-strike-over-pay.md"]
    assert _built(site) == 0


def test_a_slug_taken_in_a_sub_folder_is_not_written_twice(tmp_path: Path) -> None:
    site = _site(tmp_path)
    other = "A different text under the same headline, about the ferries that kept their timetable all week long.\n"
    report = import_paths([_text(tmp_path, other)], site, source="Coast Post", date=DAY, jobs=1)
    assert report.written == ("content/articles/harbour-pilots-strike-over-pay-2.md",)
    assert _built(site) == 0


def test_a_copy_of_an_article_in_a_sub_folder_is_its_new_version(tmp_path: Path) -> None:
    site = _site(tmp_path)
    edited = BODY.replace("on Monday", "on Monday morning")
    report = import_paths([_text(tmp_path, edited)], site, source="Coast Post", date=DAY, jobs=1)
    assert [(v.path, v.of) for v in report.versions] == [
        ("content/articles/harbour-pilots-strike-over-pay-2.md", "content/articles/sub/harbour-pilots-strike-over-pay.md")]
