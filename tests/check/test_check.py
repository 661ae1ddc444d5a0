"""`site-builder check` on the example archive: clean as shipped; located problems and exit 1 when broken."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_article

EU = "content/articles/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md"
STREAMER = "content/articles/russian-streamer-stepan-scoffy-detained-after-desecrating-flag.md"
DAILY8 = "content/articles/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes.md"
SUMMARY = re.compile(r"check: (\d+) articles, (\d+) pages, (\d+) errors?, (\d+) warnings?")


def run_check(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder", "check", "--site", str(site), *args],
                          capture_output=True, text=True, timeout=120,
                          env=os.environ | {"COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb"})


def line_of(site: Path, rel: str, prefix: str) -> int:
    """The 1-based line of `rel` that starts with `prefix`."""
    lines = (site / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


def replace_line(path: Path, prefix: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    lines[index] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def broken_site(example_site: Path) -> Path:
    """The example with a broken related slug, an unknown source and Araghchi no longer an alias of Araqchi."""
    replace_line(example_site / EU, "related:", "related: [no-such-article]")
    replace_line(example_site / STREAMER, "source:", "source: The Unknown Gazette")
    registry = example_site / "content" / "entities.yaml"
    text = registry.read_text(encoding="utf-8")
    assert "aliases: [Abbas Araghchi, Araqchi, Araghchi]" in text
    registry.write_text(text.replace("aliases: [Abbas Araghchi, Araqchi, Araghchi]", "aliases: [Araqchi]"),
                        encoding="utf-8")
    assert "Abbas Araghchi" in (example_site / EU).read_text(encoding="utf-8")
    return example_site


def test_the_example_archive_is_clean(example_site: Path) -> None:
    run = run_check(example_site)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "broken link" not in run.stdout + run.stderr
    assert "error" not in run.stderr
    summary = SUMMARY.search(run.stdout + run.stderr)
    assert summary, run.stdout + run.stderr
    articles, pages, errors, warnings = map(int, summary.groups())
    assert (articles, errors, warnings) == (5, 0, 0)
    assert pages > 50


def test_the_example_archive_is_clean_under_a_sub_path(example_site: Path) -> None:
    config = example_site / "site.toml"
    replace_line(config, "base_url", 'base_url = "https://example.org/archive/"')
    run = run_check(example_site, "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["errors"] == 0 and report["problems"] == []


def test_broken_content_is_reported_with_file_and_line(broken_site: Path) -> None:
    run = run_check(broken_site)
    text = run.stdout + run.stderr
    assert run.returncode == 1, text
    related_line = line_of(broken_site, EU, "related:")
    source_line = line_of(broken_site, STREAMER, "source:")
    entities_line = line_of(broken_site, EU, "entities:")
    assert re.search(rf"error: {re.escape(EU)}:{related_line}: related article 'no-such-article' does not exist",
                     text), text
    assert re.search(rf"warning: {re.escape(STREAMER)}:{source_line}: unknown source 'The Unknown Gazette'", text), text
    assert re.search(rf"warning: {re.escape(EU)}:{entities_line}: unknown entity 'Abbas Araghchi'", text), text
    assert re.search(rf"{re.escape(EU)}:{entities_line}: 'Abbas Araghchi' looks like 'Abbas Araqchi' "
                     r"\(2 letters apart\)", text), text
    assert "'Abbas Araqchi' looks like" not in text          # the registry's own spelling is never the alias
    assert "add 'Abbas Araghchi' to the aliases of 'Abbas Araqchi'" in text     # the fix, not only the finding
    summary = SUMMARY.search(text)
    assert summary, text
    articles, pages, errors, warnings = map(int, summary.groups())
    assert articles == 5 and errors == 1 and warnings >= 3 and pages > 50


def test_json_output_shape(broken_site: Path) -> None:
    run = run_check(broken_site, "--json")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert {"articles", "pages", "errors", "warnings", "problems"} <= set(report)
    assert report["articles"] == 5
    problems = report["problems"]
    assert report["errors"] == sum(p["severity"] == "error" for p in problems) == 1
    assert report["warnings"] == sum(p["severity"] == "warning" for p in problems) >= 3
    for problem in problems:
        assert {"path", "line", "message", "severity"} <= set(problem)
        assert problem["severity"] in ("error", "warning")
        assert isinstance(problem["message"], str) and problem["message"]
        assert problem["path"].startswith("content/") and not Path(problem["path"]).is_absolute()
        assert isinstance(problem["line"], int) and problem["line"] >= 1
    by_message = {p["message"]: p for p in problems}
    related = by_message["related article 'no-such-article' does not exist"]
    assert (related["path"], related["line"], related["severity"]) == (EU, line_of(broken_site, EU, "related:"), "error")
    source = by_message["unknown source 'The Unknown Gazette'"]
    assert (source["path"], source["line"], source["severity"]) == \
        (STREAMER, line_of(broken_site, STREAMER, "source:"), "warning")
    unknown = by_message["unknown entity 'Abbas Araghchi'"]
    assert (unknown["path"], unknown["line"]) == (EU, line_of(broken_site, EU, "entities:"))
    alike = [p for p in problems if "looks like" in p["message"] and "Araghchi" in p["message"]]
    assert [(p["path"], p["kind"]) for p in alike] == [(EU, "alias suggestion")]
    assert report["kinds"] == {"alias suggestion": 1, "missing related article": 1, "unknown entity": 1,
                               "unknown source": 1}


def test_each_unknown_name_is_said_once_with_its_files(example_site: Path) -> None:
    """One line per unknown name and per unknown source, at its first file, counting the others;
    --json lists every place; the summary counts the problems by kind."""
    for number in range(3):
        write_article(example_site, f"unknown-{number}.md",
                      f"---\ntitle: Item {number}\ndate: 2025-06-2{number}\nsource: The Unknown Gazette\n"
                      f"entities: [Freedonia, Iran]\n---\nFreedonia said something.\n")
    text = (lambda run: run.stdout + run.stderr)(run_check(example_site))
    first = "content/articles/unknown-0.md"
    assert text.count("unknown entity 'Freedonia'") == 1, text
    assert f"warning: {first}:5: unknown entity 'Freedonia' (in 3 files; the first is here)" in text, text
    assert text.count("unknown source 'The Unknown Gazette'") == 1, text
    assert "(unknown entity 1 · unknown source 1)" in text, text
    report = json.loads(run_check(example_site, "--json").stdout)
    (freedonia,) = [p for p in report["problems"] if "Freedonia" in p["message"]]
    assert freedonia["also"] == ["content/articles/unknown-1.md:5", "content/articles/unknown-2.md:5"]
    assert report["kinds"] == {"unknown entity": 1, "unknown source": 1}


def test_only_warnings_exit_zero(example_site: Path) -> None:
    replace_line(example_site / STREAMER, "source:", "source: The Unknown Gazette")
    run = run_check(example_site, "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["errors"] == 0 and report["warnings"] == 1


def test_names_that_share_one_page_are_reported(example_site: Path) -> None:
    """'Strait-of-Hormuz' and 'Strait of Hormuz' make the same address: one page, and a warning saying so."""
    text = (example_site / EU).read_text(encoding="utf-8")
    (example_site / EU).write_text(text.replace("Strait of Hormuz,", "Strait-of-Hormuz,", 1), encoding="utf-8")
    replace_line(example_site / STREAMER, "source:", "source: Reuters!")
    run = run_check(example_site, "--json")
    assert run.returncode == 0, run.stderr
    messages = {(p["path"], p["line"], p["message"]) for p in json.loads(run.stdout)["problems"]}
    assert (EU, line_of(example_site, EU, "entities:"),
            "entity 'Strait-of-Hormuz' shares the page of 'Strait of Hormuz' (entities/strait-of-hormuz/), "
            f"written in content/entities.yaml:{line_of(example_site, 'content/entities.yaml', '- name: Strait of Hormuz')}"
            ) in messages
    assert any(path == STREAMER and message.startswith("source 'Reuters!' shares the page of 'Reuters'")
               for path, _, message in messages), messages
