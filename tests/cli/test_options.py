"""Command-line options without a test elsewhere: stories --eval, new --story, serve --host, the progress bar."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import frontmatter
import pytest

from tests.conftest import REPO
from tests.factories import run
from tests.serve.test_server import free_port

STORY = "iran-us-strikes-2025"
ARTICLES = ["eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz",
            "iran-supreme-leader-asks-putin-to-do-more-after-us-strikes",
            "khamenei-asks-putin-for-more-help-after-us-strikes-on-iran",
            "pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions",
            "russian-streamer-stepan-scoffy-detained-after-desecrating-flag"]


def labels(site: Path, stories: dict[str, str]) -> Path:
    path = site / "labels.csv"
    path.write_text("path,story\n" + "".join(f"content/articles/{slug}.md,{story}\n"
                                             for slug, story in stories.items()), encoding="utf-8")
    return path


# -- stories --eval -------------------------------------------------------------------------
def test_stories_eval_scores_the_timelines_against_labels(example_site: Path) -> None:
    """The example's stories: the streamer alone, the other four in one story."""
    right = labels(example_site, {slug: "streamer" if "streamer" in slug else "strikes" for slug in ARTICLES})
    done = run("stories", "--site", str(example_site), "--eval", str(right), "--json")
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)
    assert scores["items"] == 5 and scores["level"] == "stories"
    measures = {k: v for k, v in scores.items() if isinstance(v, float)}
    assert len(measures) == 6 and set(measures.values()) == {1.0}
    wrong = labels(example_site, {slug: slug for slug in ARTICLES})      # every article its own story
    scores = json.loads(run("stories", "--site", str(example_site), "--eval", str(wrong), "--json").stdout)
    assert scores["pairwise_recall"] == 1.0 and scores["pairwise_precision"] == 0.0
    assert scores["bcubed_precision"] == pytest.approx((1 / 4 * 4 + 1) / 5)
    shown = run("stories", "--site", str(example_site), "--eval", str(wrong)).stdout
    assert "pairwise_precision: 0.000" in shown and "bcubed_recall: 1.000" in shown


def test_stories_eval_with_a_broken_label_file_is_located(example_site: Path) -> None:
    path = example_site / "labels.csv"
    path.write_text("file,label\nx.md,a\n", encoding="utf-8")
    done = run("stories", "--site", str(example_site), "--eval", str(path))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"error: {path}") and "Traceback" not in done.stderr


# -- new --story ----------------------------------------------------------------------------
def test_new_with_story_puts_the_article_in_that_story(example_site: Path) -> None:
    done = run("new", "--site", str(example_site), "Talks resume in Geneva", "--source", "Reuters",
               "--date", "2025-06-24T09:00:00+02:00", "--story", STORY)
    assert done.returncode == 0, done.stderr
    path = example_site / "content/articles/talks-resume-in-geneva.md"
    post = frontmatter.load(path)
    assert post["story"] == STORY and post["source"] == "Reuters" and post["title"] == "Talks resume in Geneva"
    listing = json.loads(run("stories", "--site", str(example_site), "--json").stdout)["stories"]
    story = next(s for s in listing if s["id"] == STORY)
    assert story["events"][-1]["versions"][0]["path"] == "content/articles/talks-resume-in-geneva.md"


def test_new_with_an_unsafe_story_id_is_refused(example_site: Path) -> None:
    done = run("new", "--site", str(example_site), "Elsewhere", "--source", "X", "--story", "../../etc")
    assert done.returncode == 1 and done.stderr == ("error: --story: story id '../../etc' is not safe in a URL "
                                                    "(use lowercase letters, digits and single hyphens)\n"
                                                    "failed: 1 error; nothing was written\n")
    assert not (example_site / "content/articles/elsewhere.md").exists()


@pytest.mark.parametrize("when", ["2025-13-01", "yesterday", "2025-02-30"])
def test_new_with_a_date_that_is_no_date_is_refused_and_writes_nothing(example_site: Path, when: str) -> None:
    done = run("new", "--site", str(example_site), "Elsewhere", "--source", "X", "--date", when)
    assert done.returncode == 1 and done.stderr == (f"error: --date: '{when}' is not a date (give a date as "
                                                    "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM, e.g. 2025-06-23)\n"
                                                    "failed: 1 error; nothing was written\n")
    assert not (example_site / "content/articles/elsewhere.md").exists()


# -- serve --host ---------------------------------------------------------------------------
def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8")


def test_serve_listens_on_the_host_it_is_given(example_site: Path) -> None:
    port = free_port()
    log = example_site.parent / "serve.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--site", str(example_site),
                                    "--host", "127.0.0.2", "--port", str(port)], stdout=sink, stderr=sink, cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while "(Ctrl+C to stop)" not in log.read_text(encoding="utf-8", errors="replace"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        status, page = fetch(f"http://127.0.0.2:{port}/")
        assert status == 200 and "<h1" in page
        with pytest.raises(urllib.error.URLError):              # not on the default address
            fetch(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(30)
    shown = log.read_text(encoding="utf-8")
    assert "warning: serving on 127.0.0.2 makes the preview reachable from other machines" in shown
    assert f"at http://127.0.0.2:{port}/ (Ctrl+C to stop)" in shown


# -- the progress bar -----------------------------------------------------------------------
def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run the program with a pseudo-terminal as stdout and stderr; (exit status, all it showed)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "site_builder", *args], stdout=follower, stderr=follower,
                               cwd=REPO, env=dict(os.environ, TERM="xterm", COLUMNS="100"))
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        try:
            chunk = os.read(leader, 65536) if ready else b""
        except OSError:             # the terminal closed: the program ended
            chunk = b""
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(60), shown.decode("utf-8", errors="replace")


def test_a_build_on_a_terminal_shows_a_progress_bar_and_a_pipe_does_not(example_site: Path) -> None:
    status, shown = on_a_terminal("build", "--site", str(example_site), "--no-search", "--jobs", "1")
    assert status == 0, shown
    assert "\x1b[?25l" in shown                                         # rich hides the cursor while it draws
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    pages = int(re.findall(r"built \d+ pages, (\d+) files in all", text)[0])
    bars = re.findall(r"rendering \S+ (\d+|\?)/(\d+|\?) \d+:\d\d:\d\d", text)
    done, total = bars[-1]                                             # full at the end
    assert done == total and pages - 5 <= int(total) <= pages, bars
    piped = run("build", "--site", str(example_site), "--no-search", "--jobs", "1", "--clean")
    assert piped.returncode == 0 and "rendering" not in piped.stderr + piped.stdout
    assert "\x1b" not in piped.stderr + piped.stdout
