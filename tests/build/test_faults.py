"""Faults: a build killed at any moment, a full disk, files changing during a build."""
from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import site_builder.intel.archive as archive_module
from site_builder.build import writer
from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.errors import SiteError
from tests.conftest import database_contents, write_article

WORDS = ("iran russia strike oil market talks envoy border vote court flood port grain ceasefire drone "
         "tanker minister summit sanctions embassy").split()
ENTITIES = ["Iran", "Russia", "Pakistan", "European Union", "Vladimir Putin", "Ali Khamenei", "Israel"]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; a database's by what it holds (an incremental build updates it in place)."""
    return {p.relative_to(folder).as_posix(): database_contents(p) if p.suffix == ".sqlite" else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def generated_article(rng: random.Random, number: int, edit: int = 0) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(6)).title()
    body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(30)) for _ in range(2))
    return (f"---\ntitle: {title} {number} v{edit}\ndate: 2025-{rng.randint(5, 7):02d}-{rng.randint(1, 28):02d}\n"
            f"source: Outlet {number % 7}\nentities: [{', '.join(rng.sample(ENTITIES, 3))}]\n---\n{body}\n")


def add_generated(site: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    folder = site / "content/articles/generated"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"gen-{number:03d}.md"
        path.write_text(generated_article(rng, number), encoding="utf-8")
        paths.append(path)
    return paths


def clean_build(site: Path, into: Path) -> dict[str, bytes]:
    shutil.rmtree(into, ignore_errors=True)
    build(site, BuildOptions(search=False, clean=True, remember=False, output=into, jobs=1))
    return snapshot(into)


def modify(site: Path, rng: random.Random, round_: int) -> None:
    """Edit a few articles, add one, delete one: every kind of change an incremental build meets."""
    folder = site / "content/articles/generated"
    files = sorted(folder.glob("*.md"))
    for path in rng.sample(files, 3):
        path.write_text(generated_article(rng, int(path.stem.split("-")[-1]), round_), encoding="utf-8")
    rng.choice(files).unlink()
    (folder / f"new-{round_:02d}.md").write_text(generated_article(rng, 900 + round_), encoding="utf-8")


REPO = Path(__file__).resolve().parents[2]
ANY_MOMENT = "any moment"


class Child:
    """A build in another process whose writes into output/ are slowed (tests/slow_commit.py);
    `committing` is set when it starts changing output/, `committed` when it is done (`steps` then
    says how many steps its commit made), `paused` when it stops at the step PAUSE_AT names."""

    def __init__(self, site: Path, delay: float, **env: str) -> None:
        command = [sys.executable, "-m", "tests.slow_commit", "build", "--site", str(site), "--no-search",
                   "--jobs", "1"]
        self.process = subprocess.Popen(command, cwd=REPO, env=dict(os.environ, SLOW_COMMIT=str(delay), **env),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.committing, self.committed, self.paused = threading.Event(), threading.Event(), threading.Event()
        self.steps = 0
        self.listener = threading.Thread(target=self._listen, daemon=True)
        self.listener.start()

    def _listen(self) -> None:
        assert self.process.stderr is not None
        with self.process.stderr:
            for line in self.process.stderr:
                said = line.split()
                if said == ["commit"]:
                    self.committing.set()
                elif said == ["paused"]:
                    self.paused.set()
                elif len(said) == 2 and said[0] == "committed":
                    self.steps = int(said[1])
                    self.committed.set()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.wait()

    def wait(self) -> int:
        code = self.process.wait()
        self.listener.join()
        return code


@pytest.fixture
def children() -> Iterator[list[Child]]:
    """The builds a test starts, killed at its end whatever happened."""
    started: list[Child] = []
    yield started
    for child in started:
        child.kill()


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_usable_site(example_site: Path, tmp_path: Path,
                                                          children: list[Child]) -> None:
    """Rounds killed in the commit, each at another of its steps (the first, two between, the swap,
    the spare kept, its end), and rounds killed at any moment of the build: between the kill and the
    next build output/ is the whole previous site or the whole new one, and the next build equals a
    clean one."""
    add_generated(example_site, 40)
    build(example_site, BuildOptions(search=False, jobs=1))
    output = example_site / "output"
    rng = random.Random(2025)
    modify(example_site, rng, 100)
    build(example_site, BuildOptions(search=False, jobs=1))       # a spare with its record, as every round has
    modify(example_site, rng, 101)
    started = time.perf_counter()
    measured = Child(example_site, 0)
    assert measured.wait() == 0 and measured.steps > 3
    build_seconds = time.perf_counter() - started
    between = sorted(rng.sample(range(2, measured.steps + 1), 2))
    kills = ["1", *map(str, between), "swap", "spare", "end"] + [ANY_MOMENT] * 4
    rng.shuffle(kills)
    for round_, kill in enumerate(kills):
        before = snapshot(output)
        modify(example_site, rng, round_)
        child = Child(example_site, 0, **({} if kill == ANY_MOMENT else {"PAUSE_AT": kill}))
        children.append(child)
        if kill == ANY_MOMENT:
            time.sleep(rng.uniform(0, build_seconds))
        else:
            assert child.paused.wait(120), f"round {round_}: the build never stopped in its commit ({kill})"
        child.kill()
        after = snapshot(output)
        expected = clean_build(example_site, tmp_path / "clean")     # after the kill, never delaying it
        assert after in (before, expected), (
            f"round {round_}: output/ is neither the previous site nor the new one after a kill "
            f"{'during' if child.committing.is_set() else 'before'} the commit ({kill}): "
            f"{len([k for k in after if after[k] != before.get(k)])} files changed, "
            f"{len([k for k in after if after[k] != expected.get(k)])} differ from the new site")
        build(example_site, BuildOptions(search=False, jobs=1))
        assert snapshot(output) == expected, f"round {round_}"


def work_folders(site: Path) -> list[str]:
    """What builds left beside output/ besides the spare and its record."""
    return sorted(p.name for p in site.iterdir()
                  if ".staging-" in p.name and p.name not in ("output.staging-spare", "output.staging-spare.json"))


KILLS = [{"DIE_AT": "1"}, {"DIE_AT": "4"}, {"DIE_AT": "40"}, {"DIE_AT": "150"}, {"DIE_AFTER": writer.MARKER},
         {"DIE_AT": "2"}, {"DIE_AT": "25"}, {"DIE_AFTER": writer.MARKER}]


@pytest.mark.slow
def test_every_folder_of_a_killed_build_is_removed_by_the_next_one(example_site: Path, tmp_path: Path) -> None:
    """Builds killed at moments of their commit (linking the next site, moving files in, just after
    moving the marker): the next build removes whatever they left beside output/."""
    add_generated(example_site, 30)
    build(example_site, BuildOptions(search=False, jobs=1))
    rng = random.Random(12)
    for round_, kill in enumerate(KILLS):
        modify(example_site, rng, round_)
        Child(example_site, 0, **kill).wait()
        assert work_folders(example_site), f"round {round_}: the build was not killed halfway ({kill})"
        build(example_site, BuildOptions(search=False, jobs=1))
        assert work_folders(example_site) == [], f"round {round_} ({kill})"
    assert snapshot(example_site / "output") == clean_build(example_site, tmp_path / "clean")


@pytest.mark.slow
def test_without_renameat2_a_kill_during_the_commit_leaves_a_whole_site(example_site: Path,
                                                                        tmp_path: Path) -> None:
    """Where two folders cannot be swapped in one step, the output is moved aside and the next one
    moved in: killed anywhere (between the two moves too), output/ is, once recovered, the whole
    previous site or the whole new one, and the next build equals a clean one."""
    add_generated(example_site, 30)
    output = example_site / "output"
    build(example_site, BuildOptions(search=False, jobs=1))
    rng = random.Random(13)
    for round_, kill in enumerate([{"DIE_AT": "2"}, {"DIE_AFTER": "output"}, {"DIE_AT": "30"},
                                   {"DIE_AFTER": "output"}, {"DIE_AT": "6"}, {"DIE_AFTER": writer.MARKER}]):
        before = snapshot(output)
        modify(example_site, rng, round_)
        Child(example_site, 0, NO_EXCHANGE="1", **kill).wait()
        expected = clean_build(example_site, tmp_path / "clean")
        writer.recover(output)
        after = snapshot(output)
        assert after in (before, expected), (
            f"round {round_} ({kill}): output/ is neither the previous site nor the new one: "
            f"{len([k for k in after if after[k] != before.get(k)])} files changed, "
            f"{len([k for k in before if k not in after])} missing")
        build(example_site, BuildOptions(search=False, jobs=1))
        assert snapshot(output) == expected, f"round {round_}"
        assert work_folders(example_site) == []


def test_without_renameat2_a_failure_between_the_two_moves_puts_the_output_back(
        example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    _edit_everything(example_site)
    build(example_site, BuildOptions(search=False, jobs=1))
    before = snapshot(output)
    _edit_everything(example_site)
    monkeypatch.setattr(writer, "_renameat2", lambda: None)
    writer.can_exchange.cache_clear()
    real_replace, failed = os.replace, list[object]()

    def replace(source: object, target: object) -> None:
        if Path(str(target)) == output and not failed:    # the next site moved in, after the output moved aside
            failed.append(source)
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))
        real_replace(source, target)               # type: ignore[arg-type]
    monkeypatch.setattr(writer.os, "replace", replace)
    with pytest.raises(SiteError, match="cannot write the output: Input/output error"):
        build(example_site, BuildOptions(search=False, jobs=1))
    assert failed and snapshot(output) == before
    assert work_folders(example_site) == []
    monkeypatch.undo()
    writer.can_exchange.cache_clear()


def _full_disk_after(calls: int):
    count = {"n": 0}

    def fail(*args: object, **kwargs: object) -> None:
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return fail


def _edit_everything(site: Path) -> None:
    for path in sorted((site / "content/articles").glob("*.md")):
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")


@pytest.mark.parametrize("calls", [0, 5])
def test_full_disk_while_rendering_is_reported_and_output_kept(example_site: Path, monkeypatch: pytest.MonkeyPatch,
                                                               calls: int) -> None:
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    before = snapshot(output)
    _edit_everything(example_site)
    real_open = open
    fail = _full_disk_after(calls)

    def full_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "x" in mode:
            fail()
        return real_open(file, mode, *args, **kwargs)   # type: ignore[call-overload]
    monkeypatch.setattr(writer, "open", full_open, raising=False)
    with pytest.raises(SiteError, match="cannot write the output: No space left on device"):
        build(example_site, BuildOptions(search=False, jobs=1))
    assert snapshot(output) == before
    assert sorted(p.name for p in example_site.iterdir()) == [".site-builder-cache", "content", "output", "site.toml", "static"]
    monkeypatch.undo()
    assert snapshot(build(example_site, BuildOptions(search=False, jobs=1)).output) == \
        clean_build(example_site, example_site.parent / "clean")


@pytest.mark.parametrize("calls", [0, 3, 30])
def test_full_disk_while_moving_into_place_rolls_back(example_site: Path, monkeypatch: pytest.MonkeyPatch,
                                                      calls: int) -> None:
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    before = snapshot(output)
    _edit_everything(example_site)
    (example_site / "content/articles/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions.md").unlink()
    fail, real_replace = _full_disk_after(calls), os.replace

    def full_replace(source: object, target: object) -> None:
        if ".staging-" in str(source) and ".aside" not in str(source):
            fail()                      # moves of new pages into output/ fail; putting things back works
        real_replace(source, target)    # type: ignore[arg-type]
    monkeypatch.setattr(writer.os, "replace", full_replace)
    with pytest.raises(SiteError, match="No space left on device"):
        build(example_site, BuildOptions(search=False, jobs=1))
    monkeypatch.undo()
    assert snapshot(output) == before
    assert sorted(p.name for p in example_site.iterdir()) == [".site-builder-cache", "content", "output", "site.toml", "static"]
    assert snapshot(build(example_site, BuildOptions(search=False, jobs=1)).output) == \
        clean_build(example_site, example_site.parent / "clean")


def test_a_file_changed_during_the_build_is_picked_up_next_time(example_site: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    path = write_article(example_site, "moving.md", "---\ntitle: Before\ndate: 2025-06-23\nsource: X\n---\nOne.\n")
    real_graph = archive_module.build_archive

    def graph_then_edit(*args: object, **kwargs: object) -> object:
        path.write_text(path.read_text(encoding="utf-8").replace("Before", "After"), encoding="utf-8")
        return real_graph(*args, **kwargs)   # type: ignore[arg-type]
    monkeypatch.setattr(archive_module, "build_archive", graph_then_edit)   # after the load
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    page = output / "articles/2025/06/23/moving/index.html"
    assert ">Before</h1>" in page.read_text(encoding="utf-8")        # what was loaded
    monkeypatch.undo()
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert ">After</h1>" in page.read_text(encoding="utf-8") and result.written > 0
    assert snapshot(output) == clean_build(example_site, example_site.parent / "clean")


def _killed_in_the_worker(real):
    """`real`, but a forked worker that runs it is killed with SIGKILL, as the kernel's out-of-memory killer does."""
    parent = os.getpid()

    def run(*args, **kwargs):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return run


@pytest.fixture
def deadline() -> Iterator[None]:
    """A build that waits on a dead worker fails the test instead of hanging it."""
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the build waited on a dead worker")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("stage", ["render", "parse"])
def test_a_worker_killed_with_sigkill_fails_the_build_with_a_message(example_site: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     deadline: None, stage: str) -> None:
    from site_builder.build import workers
    from site_builder.content import load
    build(example_site, BuildOptions(search=False, jobs=1))
    before = snapshot(example_site / "output")
    for path in (example_site / "content/articles").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    module, name = (workers, "_run") if stage == "render" else (load, "parse_article")
    monkeypatch.setattr(module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(module, name, _killed_in_the_worker(getattr(module, name)))
    with pytest.raises(SiteError) as caught:
        build(example_site, BuildOptions(search=False, jobs=2))
    assert [str(p) for p in caught.value.problems] == [
        f"{'output' if stage == 'render' else 'content'}: a worker process of the build stopped without finishing "
        f"(killed by signal {int(signal.SIGKILL)}: out of memory, or stopped by someone) "
        "(free memory, or build with fewer --jobs, then build again)"]
    assert snapshot(example_site / "output") == before
    assert not list(example_site.glob("output.staging-[0-9]*"))


def test_pages_and_files_made_in_workers_are_those_made_in_one_process(example_site: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       deadline: None) -> None:
    from site_builder.build import workers
    from site_builder.content import load
    one = build(example_site, BuildOptions(search=False, jobs=1, output=tmp_path / "one", remember=False))
    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    two = build(example_site, BuildOptions(search=False, jobs=2, output=tmp_path / "two", remember=False))
    assert snapshot(one.output) == snapshot(two.output) and one.written == two.written > 100
