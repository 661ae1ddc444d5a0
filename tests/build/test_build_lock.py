"""One build at a time per site and output folder: a second build waits for the first, or gives up."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.build.lock import LockWait, build_lock, output_lock_file
from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.errors import SiteError
from tests.build.test_faults import REPO, Child, add_generated, children, clean_build, modify, snapshot  # noqa: F401 (a fixture)
from tests.conftest import database_contents

NO_SEARCH = BuildOptions(search=False, jobs=1)
DELETED = "content/articles/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions.md"


def second_build(site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site), "--no-search",
                           "--jobs", "1", *options], cwd=REPO, capture_output=True, text=True, timeout=600)


def slow_first_build(site: Path, children: list[Child], **env: str) -> Child:
    """A build whose commit links every file slowly (no spare yet), started and in its commit."""
    add_generated(site, 40)
    build(site, NO_SEARCH)
    modify(site, __import__("random").Random(5), 1)
    child = Child(site, 0.01, **env)
    children.append(child)
    assert child.committing.wait(300), "the first build never reached its commit"
    return child


@pytest.mark.slow
def test_a_second_build_waits_for_the_first_and_publishes_the_latest_site(example_site: Path, tmp_path: Path,
                                                                         children: list[Child]) -> None:
    """`serve` (or a build) paused in its commit, an article deleted, a second build: the second
    waits, says for whom, and the site is the one of the files as they are now."""
    first = slow_first_build(example_site, children)
    (example_site / DELETED).unlink()
    second = second_build(example_site)
    assert first.wait() == 0
    assert second.returncode == 0, second.stderr
    assert f"pid {first.process.pid}" in second.stderr and "waiting for it to end" in second.stderr
    assert "built" in second.stdout
    output = example_site / "output"
    assert snapshot(output) == clean_build(example_site, tmp_path / "clean")
    assert not any("pm-shehbaz-chairs" in name for name in snapshot(output))
    assert b"pm-shehbaz-chairs" not in database_contents(output / "data" / "archive.sqlite")
    assert not output_lock_file(output).exists()


@pytest.mark.slow
def test_a_second_build_with_a_timeout_gives_up_naming_the_first(example_site: Path,
                                                                 children: list[Child]) -> None:
    release = example_site.parent / "release"
    first = slow_first_build(example_site, children, HOLD_UNTIL=str(release))    # holds until the second ends
    started = time.perf_counter()
    second = second_build(example_site, "--lock-timeout", "0.5")
    release.touch()
    assert time.perf_counter() - started < 60
    assert second.returncode == 1
    message = " ".join(second.stderr.split())
    assert f"pid {first.process.pid}" in message and "did not end within 0.5 s" in message
    assert "give a longer --lock-timeout" in message
    assert first.wait() == 0


@pytest.mark.slow
def test_the_lock_of_a_killed_build_is_taken_at_once(example_site: Path, children: list[Child]) -> None:
    first = slow_first_build(example_site, children)
    first.kill()
    second = second_build(example_site, "--lock-timeout", "5")
    assert second.returncode == 0, second.stderr
    assert "waiting" not in second.stderr


def test_what_a_lock_file_says_decides_nothing(example_site: Path) -> None:
    """The text in a lock file nobody holds (a live process's id, garbage) never makes a build wait."""
    output = example_site / "output"
    output_lock_file(output).write_text(f"pid {os.getppid()}, command 'site-builder build', since now\n\x1b[2J")
    (example_site / ".site-builder-cache").mkdir()
    (example_site / ".site-builder-cache" / "build.lock").write_bytes(b"\xff\xfe garbage")
    build(example_site, BuildOptions(search=False, jobs=1, lock_timeout=0))
    assert (output / "index.html").is_file()


def test_a_build_in_this_process_waits_for_the_lock_like_any_other(example_site: Path) -> None:
    """`serve`'s builds take the same lock: one held in this process stops a build that gives up at once."""
    said: list[str] = []
    output = (example_site / "output").resolve()
    with build_lock(example_site / ".site-builder-cache", output, LockWait()):
        with pytest.raises(SiteError, match="did not end within 0.2 s") as raised:
            build(example_site, BuildOptions(search=False, jobs=1, lock_timeout=0.2, waiting=said.append))
    assert f"pid {os.getpid()}" in str(raised.value)
    assert said and said[0].startswith(f"{output}: another build is using this output folder or site (pid ")
    assert not (output / "index.html").exists()
