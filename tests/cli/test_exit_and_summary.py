"""The command line: exit status, summary lines, the fixed shape of `stories --json`, init and new."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from site_builder.build.writer import MARKER
from site_builder.cli import main
from tests.conftest import write_article
from tests.factories import run


def test_build_summary_and_exit_status(example_site: Path) -> None:
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 0, done.stderr
    summary = re.match(r"built (\d+) pages, (\d+) files in all \(", done.stdout)
    files = [p for p in (example_site / "output").rglob("*") if p.is_file() and p.name != MARKER]
    assert summary and "1 warning →" in done.stdout
    assert (int(summary[1]), int(summary[2])) == (sum(p.suffix == ".html" for p in files), len(files))
    assert done.stderr.startswith('warning: site.toml:4: base_url "/" has no host')     # the example's base URL


def test_quiet_prints_errors_only_and_verbose_prints_stages_and_changed_files(example_site: Path) -> None:
    quiet = run("--quiet", "build", "--site", str(example_site), "--no-search")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")        # the base URL warning is not said
    write_article(example_site, "late.md", "---\ntitle: Late news\ndate: 2025-06-24\nsource: Reuters\n---\nText.\n")
    verbose = run("-v", "build", "--site", str(example_site), "--no-search")
    assert verbose.returncode == 0, verbose.stderr
    assert "\nstages: load " in verbose.stdout
    assert "changed articles/2025/06/24/late/index.html" in verbose.stdout, verbose.stdout
    write_article(example_site, "bad.md", "---\ntitle: x\nsource: y\n---\n")
    failed = run("-q", "build", "--site", str(example_site), "--no-search")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith("error: content/articles/bad.md:1: missing required 'date'"), failed.stderr
    assert "warning" not in failed.stderr
    assert run("-q", "-v", "build", "--site", str(example_site)).returncode == 2


def test_no_color_is_honoured_even_where_colour_is_forced(example_site: Path) -> None:
    write_article(example_site, "bad.md", "---\ntitle: x\nsource: y\n---\n")
    command = [sys.executable, "-m", "site_builder", "build", "--site", str(example_site), "--no-search"]
    forced = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"FORCE_COLOR": "1"})
    assert "\x1b[1;31merror" in forced.stderr            # red, where colour is asked for
    plain = subprocess.run(command, capture_output=True, text=True,
                           env=os.environ | {"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m|\x1b\[[0-9;]*9[0-7]m|\x1b\[[0-9;]*;3[0-7]m", plain.stderr), plain.stderr
    assert "NO_COLOR" in run("--help").stdout


def test_content_error_exits_1_with_location(example_site: Path) -> None:
    write_article(example_site, "bad.md", "---\ntitle: x\nsource: y\n---\n")
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 1
    assert "content/articles/bad.md:1: missing required 'date'" in done.stderr


def test_bad_usage_exits_2(example_site: Path) -> None:
    assert run("build", "--site", str(example_site), "--jobs", "0").returncode == 2
    assert run("no-such-command").returncode == 2


def test_stories_json_shape(example_site: Path) -> None:
    done = run("stories", "--site", str(example_site), "--json")
    assert done.returncode == 0, done.stderr
    stories = json.loads(done.stdout)["stories"]
    paths = [v["path"] for s in stories for e in s["events"] for v in e["versions"]]
    assert sorted(paths) == sorted(p.relative_to(example_site).as_posix()
                                   for p in (example_site / "content/articles").glob("*.md"))
    story = next(s for s in stories if s["id"] == "iran-us-strikes-2025")
    assert story["explicit"] is True and story["title"]
    for event in story["events"]:
        assert event["date"].startswith("2025-06-23")
        for version in event["versions"]:
            assert set(version) >= {"path", "source", "title", "date", "score"}
            assert isinstance(version["score"], float)


def test_init_builds_at_once_and_new_never_overwrites(tmp_path: Path) -> None:
    site = tmp_path / "new-site"
    assert run("init", str(site)).returncode == 0
    assert run("init", str(site)).returncode == 1           # not empty: never overwrite
    done = run("build", "--site", str(site), "--no-search")
    assert done.returncode == 0, done.stderr
    assert (site / "output/index.html").exists()
    created = run("new", "--site", str(site), "Talks resume in Geneva", "--source", "Reuters",
                  "--date", "2025-06-24")
    assert created.returncode == 0, created.stderr
    path = site / "content/articles/talks-resume-in-geneva.md"
    path.write_text(path.read_text() + "\nMy notes.\n")
    again = run("new", "--site", str(site), "Talks resume in Geneva", "--source", "Reuters")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "My notes." in path.read_text()
    assert run("build", "--site", str(site), "--no-search").returncode == 0


def test_python_dash_m_is_the_same_program() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    shown = run("--help").stdout
    assert shown.startswith("Usage: site-builder [OPTIONS] COMMAND")
    for command in ("build", "check", "import", "init", "new", "serve", "stories"):
        assert f"  {command} " in shown and f"  {command} " in result.output
