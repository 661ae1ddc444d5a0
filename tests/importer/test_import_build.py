"""Imported coverage builds: the two raw copies of the Reuters story become one event with two versions."""
import json
import shutil
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from site_builder.cli import main
from site_builder.importer.plan import import_paths
from site_builder.stories import story_listing

RAW = Path(__file__).resolve().parents[1] / "fixtures" / "raw"
REPO = Path(__file__).resolve().parents[2]


def empty_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    for name in ("entities.yaml", "sources.yaml"):
        shutil.copy(REPO / "content" / name, site / "content" / name)
    return site


def test_imported_copies_are_versions_of_one_event(tmp_path: Path) -> None:
    site = empty_site(tmp_path)
    when = datetime.fromisoformat("2025-06-23T12:00:00+00:00")
    first = import_paths([RAW / "000_7281c503f6f4bb13.txt"], site, date=when)
    second = import_paths([RAW / "004_862e51eedb9d2bff.txt"], site, date=when, source="Unidentified outlet")
    assert len(first.written) == 4 and len(second.written) == 1
    events = [e for s in story_listing(site)["stories"] for e in s["events"]]
    reuters = [e for e in events if len(e["versions"]) == 2]
    assert len(reuters) == 1
    assert {v["path"] for v in reuters[0]["versions"]} == {first.written[0], second.written[0]}
    assert sum(len(e["versions"]) for e in events) == 5


def test_import_command_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    site = empty_site(tmp_path)
    runner = CliRunner()
    args = ["import", "--site", str(site), "--date", "2025-06-23T12:00:00+00:00", str(RAW)]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "wrote 5 file(s)" in first.output
    again = runner.invoke(main, args)
    assert again.exit_code == 0
    assert "wrote 0 file(s)" in again.output and "duplicate" in again.output
    built = runner.invoke(main, ["stories", "--site", str(site), "--json"])
    listing = json.loads(built.output)
    assert sum(len(e["versions"]) for s in listing["stories"] for e in s["events"]) == 5
