"""The output folder: never a user's files lost, never a removed page searchable, never a build that hangs."""
from __future__ import annotations

import errno
import gzip
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_builder.build import search, writer
from site_builder.build.pipeline import BuildOptions, BuildResult, build
from site_builder.build.writer import recover
from site_builder.core.errors import SiteError
from tests.build.test_faults import snapshot
from tests.conftest import database_contents, write_article
from tests.factories import run, spy

SECRET = "zebrasecretword"
SECRET_ARTICLE = (f"---\ntitle: A report taken down\ndate: 2025-06-20\nsource: Reuters\n---\n"
                  f"The {SECRET} was in this text.\n")
NO_SEARCH = BuildOptions(search=False, jobs=1)
MARKER = ".site-builder-output"


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """`call()`'s result or exception, failing the test (instead of hanging it) after `seconds`."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:
            outcome["error"] = error
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def indexed_text(bundle: Path) -> bytes:
    """Every file of a Pagefind bundle, the gzipped index files unpacked."""
    text = b""
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            text += gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    return text


def fake_pagefind(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "fake-pagefind"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


# -- 1. the output folder ----------------------------------------------------------------------------
def test_a_folder_holding_other_files_is_refused_and_left_alone(example_site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"years of work")
    (folder / "notes").mkdir()
    result = run("build", "--site", str(example_site), "--output", str(folder), "--no-search")
    assert result.returncode == 1
    assert f"error: --output: the output folder {folder} holds files site_builder did not write " \
           f"(notes, thesis.docx) (choose a new or empty folder, or move those files away;" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes", "thesis.docx"]
    assert (folder / "thesis.docx").read_bytes() == b"years of work"
    assert not list(tmp_path.glob("v.*")) and not list(example_site.parent.glob("*.staging-*"))


def test_a_file_in_the_place_of_the_output_folder_is_refused(example_site: Path) -> None:
    (example_site / "output").write_text("not a folder", encoding="utf-8")
    with pytest.raises(SiteError, match=r'^site.toml: paths.output = "output" \(the default\): the output folder '
                                        r'.*/output is a file, not a folder \(choose'):
        build(example_site, NO_SEARCH)
    assert (example_site / "output").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("setting, relation", [
    ("templates", "is the templates folder"),
    ("static", "is the static folder"),
    ("content", "is the content folder"),
    (".site-builder-cache", "is the cache folder"),
    ("content/articles/out", "is inside the content folder"),
    ("templates/out", "is inside the templates folder"),
    (".", "contains the content folder"),
    ("..", "contains the content folder"),
])
def test_an_output_setting_overlapping_an_input_or_the_cache_is_refused(example_site: Path, setting: str,
                                                                          relation: str) -> None:
    for name in ("templates", "static", ".site-builder-cache"):
        (example_site / name).mkdir(exist_ok=True)
        (example_site / name / "keep.txt").write_text(name, encoding="utf-8")
    config = example_site / "site.toml"
    lines = config.read_text(encoding="utf-8").count("\n")
    config.write_text(config.read_text(encoding="utf-8") + f'\n[paths]\noutput = "{setting}"\n', encoding="utf-8")
    before = snapshot(example_site.parent)
    with pytest.raises(SiteError) as caught:
        build(example_site, NO_SEARCH)
    message = str(caught.value)
    assert message.startswith(f'site.toml:{lines + 3}: paths.output = "{setting}": the output folder ')
    assert relation in message and message.endswith("(choose a separate folder such as output/)")
    assert snapshot(example_site.parent) == before


@pytest.mark.parametrize("option", ["templates", "content/articles", "static/x", ".", ".site-builder-cache"])
def test_an_output_option_overlapping_an_input_or_the_cache_is_refused(example_site: Path, option: str) -> None:
    (example_site / "templates").mkdir()
    (example_site / "static").mkdir(exist_ok=True)
    result = run("build", "--site", str(example_site), "--output", str(example_site / option), "--no-search")
    assert result.returncode == 1
    assert result.stderr.startswith("error: --output: the output folder ")
    assert "(choose a separate folder such as output/)" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_folder_is_built_into_and_marked_as_site_builders(example_site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    build(example_site, BuildOptions(search=False, jobs=1, output=folder))
    assert (folder / MARKER).is_file() and (folder / "index.html").is_file()
    build(example_site, BuildOptions(search=False, jobs=1, output=folder, clean=True))   # its own: replaced
    write_article(example_site, "extra.md", "---\ntitle: Extra\ndate: 2025-06-24\nsource: X\n---\nText.\n")
    build(example_site, BuildOptions(search=False, jobs=1, output=folder))               # incremental
    assert (folder / MARKER).is_file()


def test_a_new_folder_is_made_with_its_parents(example_site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "new" / "deep" / "site"
    build(example_site, BuildOptions(search=False, jobs=1, output=folder))
    assert (folder / MARKER).is_file() and (folder / "index.html").is_file()
    assert sorted(p.name for p in folder.parent.iterdir()) == ["site"]


def test_an_output_without_the_marker_is_recognised_by_the_last_builds_manifest(example_site: Path) -> None:
    output = build(example_site, NO_SEARCH).output
    (output / MARKER).unlink()                  # as an earlier version left it
    write_article(example_site, "extra.md", "---\ntitle: Extra\ndate: 2025-06-24\nsource: X\n---\nText.\n")
    build(example_site, NO_SEARCH)
    assert (output / MARKER).is_file()          # put back
    (output / MARKER).unlink()
    (output / "articles" / "thesis.docx").write_bytes(b"mine")
    (example_site / "content/articles/extra.md").unlink()
    with pytest.raises(SiteError, match=r"holds files site_builder did not write \(404.html, archive, articles"):
        build(example_site, NO_SEARCH)
    assert (output / "articles" / "thesis.docx").read_bytes() == b"mine"


@pytest.mark.parametrize("clean", [False, True])
def test_builds_never_remove_a_sibling_they_did_not_write(example_site: Path, clean: bool) -> None:
    siblings = {"output.old/keep.txt": b"old site", "output.staging-99999999/notes.txt": b"mine",
                "output.staging-99999999.previous/x.txt": b"also mine", "output.bak/index.html": b"backup"}
    for relative, data in siblings.items():
        (example_site / relative).parent.mkdir(parents=True, exist_ok=True)
        (example_site / relative).write_bytes(data)
    build(example_site, NO_SEARCH)                                        # fresh: no output yet
    build(example_site, BuildOptions(search=False, jobs=1, clean=clean))  # replaces output/ whole, or not
    for relative, data in siblings.items():
        assert (example_site / relative).read_bytes() == data, relative
    assert (example_site / "output" / "index.html").is_file()


def test_a_swap_killed_halfway_is_put_back(tmp_path: Path) -> None:
    output = tmp_path / "output"
    kept = tmp_path / "output.staging-99999999.previous"      # a dead build had moved the output aside
    kept.mkdir()
    (kept / MARKER).write_text("", encoding="utf-8")
    (kept / "index.html").write_text("previous", encoding="utf-8")
    (tmp_path / "output.staging-99999999").mkdir()              # and staged a new one, unmarked: not ours
    (tmp_path / "output.staging-99999999" / "x").write_text("?", encoding="utf-8")
    recover(output)
    assert (output / "index.html").read_text(encoding="utf-8") == "previous"
    assert (tmp_path / "output.staging-99999999" / "x").is_file()


def _busy_output(monkeypatch: pytest.MonkeyPatch, output: Path) -> None:
    """The output folder behaves as a mount point: it cannot be renamed or swapped (EBUSY)."""
    real_replace, real_exchange = os.replace, writer.exchange

    def busy(first: object, second: object) -> None:
        if output in (Path(str(first)), Path(str(second))):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(output))
    monkeypatch.setattr(writer.os, "replace", spy(real_replace, busy))
    monkeypatch.setattr(writer, "exchange", spy(real_exchange, busy))


MOUNT_HINT = ("build into a folder inside it, such as --output {output}/site, and serve that folder "
              "(a build replaces the whole output folder, all at once)")


@pytest.mark.parametrize("first", [True, False])
def test_an_output_folder_that_cannot_be_renamed_is_a_message_saying_what_to_do(
        example_site: Path, monkeypatch: pytest.MonkeyPatch, first: bool) -> None:
    """An empty mount point (a container volume), or an output already built there: the
    rename fails with EBUSY, and the message says why and what to do; the output is kept."""
    output = (example_site / "output").resolve()
    if first:
        output.mkdir()
    else:
        build(example_site, NO_SEARCH)
        (example_site / "content/articles/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions.md").unlink()
    before = snapshot(output)
    _busy_output(monkeypatch, output)
    with pytest.raises(SiteError) as raised:
        build(example_site, NO_SEARCH)
    [problem] = raised.value.problems
    assert problem.path == str(output)
    assert problem.message == ("the output folder cannot be replaced by another: it is a mount point or in use "
                               "(Device or resource busy)")
    assert problem.hint == MOUNT_HINT.format(output=output)
    assert snapshot(output) == before
    assert not list(example_site.glob("output.staging-[0-9]*"))


def test_a_mount_point_as_output_is_refused_before_building(example_site: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    output = (example_site / "output").resolve()
    output.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == output or real(path))
    with pytest.raises(SiteError) as raised:
        build(example_site, BuildOptions(search=False, jobs=1, output=output))
    [problem] = raised.value.problems
    assert problem.path == "--output"
    assert problem.message == f"the output folder {output} is a mount point, which a build cannot replace"
    assert problem.hint == MOUNT_HINT.format(output=output)
    assert list(output.iterdir()) == []


# -- 2. removed pages leave the search index --------------------------------------------------------------
def test_a_removed_article_leaves_the_search_index(example_site: Path) -> None:
    secret = write_article(example_site, "taken-down.md", SECRET_ARTICLE)
    output = build(example_site, BuildOptions(jobs=1)).output
    assert SECRET.encode() in indexed_text(output / "pagefind")
    pages = search.indexed_pages(output / "pagefind" / "2025")
    secret.unlink()
    result = build(example_site, BuildOptions(jobs=1))
    assert result.removed >= 1
    assert SECRET.encode() not in indexed_text(output / "pagefind")
    assert search.indexed_pages(output / "pagefind" / "2025") == pages - 1
    assert not any(SECRET.encode() in data for data in snapshot(output).values())


def test_removed_text_leaves_every_output_file_the_database_bytes_included(example_site: Path,
                                                                           tmp_path: Path) -> None:
    secret = write_article(example_site, "taken-down.md", SECRET_ARTICLE)
    edited = example_site / "content/articles/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md"
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original + "\nA quokkaredacted sentence.\n", encoding="utf-8")
    output = build(example_site, BuildOptions(jobs=1)).output
    assert SECRET.encode() in (output / "data/archive.sqlite").read_bytes()
    assert b"quokkaredacted" in (output / "data/archive.sqlite").read_bytes()
    secret.unlink()
    edited.write_text(original, encoding="utf-8")
    build(example_site, BuildOptions(jobs=1))
    database = (output / "data/archive.sqlite").read_bytes()
    assert SECRET.encode() not in database and b"quokkaredacted" not in database
    everything = indexed_text(output)                          # every file's raw bytes, the index's unpacked
    assert SECRET.encode() not in everything and b"quokkaredacted" not in everything
    assert b"taken-down" not in everything
    clean = build(example_site, BuildOptions(jobs=1, clean=True, remember=False, output=tmp_path / "clean")).output
    assert database_contents(output / "data/archive.sqlite") == database_contents(clean / "data/archive.sqlite")
    with sqlite3.connect(output / "data/archive.sqlite") as db:     # the index still matches its rows
        db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_without_search_the_old_index_goes(example_site: Path) -> None:
    secret = write_article(example_site, "taken-down.md", SECRET_ARTICLE)
    output = build(example_site, BuildOptions(jobs=1)).output
    secret.unlink()
    build(example_site, NO_SEARCH)
    assert not (output / "pagefind").exists()
    assert not any(SECRET.encode() in data for data in snapshot(output).values())


def test_clean_and_incremental_builds_give_the_same_bytes_search_included(example_site: Path) -> None:
    secret = write_article(example_site, "taken-down.md", SECRET_ARTICLE)
    output = build(example_site, BuildOptions(jobs=1, clean=True)).output
    first = snapshot(output)
    build(example_site, BuildOptions(jobs=1, clean=True))
    assert snapshot(output) == first
    assert any(name.startswith("pagefind/2025/filter/") for name in first)
    secret.unlink()
    build(example_site, BuildOptions(jobs=1))                  # incremental, the bundle from two folders
    incremental = snapshot(output)
    build(example_site, BuildOptions(jobs=1, clean=True))
    assert snapshot(output) == incremental


def _listing_order(parent: Path, names: list[str]) -> list[str]:
    """The order `parent`'s file system lists `names` in, created in sorted order."""
    folder = Path(tempfile.mkdtemp(dir=parent))
    try:
        for name in sorted(names):
            (folder / name).mkdir()
        return os.listdir(folder)
    finally:
        shutil.rmtree(folder)


def test_clean_builds_on_two_file_systems_give_the_same_search_bytes(example_site: Path, tmp_path: Path) -> None:
    memory = Path("/dev/shm")
    if not memory.is_dir() or os.statvfs(memory).f_fsid == os.statvfs(tmp_path).f_fsid:
        pytest.skip("needs /dev/shm on a file system of its own")
    slugs = [f"wire-report-{n:02d}" for n in range(40)]
    for n, slug in enumerate(slugs):
        write_article(example_site, f"{slug}.md", f"---\ntitle: Wire report {n} on the strait\ndate: 2025-06-23\n"
                                                  f"source: Outlet {n % 3}\n---\nShipping report number {n}.\n")
    if _listing_order(tmp_path, slugs) == _listing_order(memory, slugs):
        pytest.skip("both file systems list a folder in the same order")       # nothing here could tell
    in_memory = Path(tempfile.mkdtemp(dir=memory, prefix="site-builder-test-"))
    try:
        disk = build(example_site, BuildOptions(jobs=1, clean=True, remember=False, output=tmp_path / "disk")).output
        shm = build(example_site, BuildOptions(jobs=1, clean=True, remember=False, output=in_memory / "out")).output
        on_disk, on_shm = snapshot(disk / "pagefind"), snapshot(shm / "pagefind")
    finally:
        shutil.rmtree(in_memory)
    assert search.indexed_pages(disk / "pagefind" / "2025") == len(slugs) + 5
    assert sorted(on_disk) == sorted(on_shm)
    assert [name for name in on_disk if on_disk[name] != on_shm[name]] == []


# -- 3. Pagefind under a time limit, and before the output changes -----------------------------------------
def _edited_site(example_site: Path) -> tuple[Path, dict[str, bytes]]:
    output = build(example_site, BuildOptions(jobs=1)).output
    write_article(example_site, "late.md", "---\ntitle: Late news\ndate: 2025-06-24\nsource: X\n---\nNew.\n")
    return output, snapshot(output)


def test_pagefind_that_hangs_is_stopped_with_a_located_error(example_site: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    output, before = _edited_site(example_site)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, "exec sleep 600")))
    monkeypatch.setattr(search, "TIMEOUT_SECONDS", 2.0, raising=False)
    monkeypatch.setattr(search, "TIMEOUT_PER_PAGE", 0.0, raising=False)
    started = time.perf_counter()
    with pytest.raises(SiteError) as caught:
        within(60, lambda: build(example_site, BuildOptions(jobs=1)))
    assert time.perf_counter() - started < 30
    assert str(caught.value) == (f"{output / 'pagefind' / '2025'}: search index not built: Pagefind did not finish within "
                                 f"2 s and was stopped (build again, or build with --no-search; the previous "
                                 f"output was kept)")
    assert snapshot(output) == before
    assert sorted(p.name for p in example_site.iterdir()) == [".site-builder-cache", "content", "output", "site.toml", "static"]


def test_pagefind_that_fails_leaves_the_previous_output_whole(example_site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    output, before = _edited_site(example_site)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, "echo 'Error: disk on fire' >&2; exit 3")))
    with pytest.raises(SiteError, match=r"/pagefind/2025: search index not built: Pagefind failed: Error: disk on fire "
                                        r"\(check that"):
        within(60, lambda: build(example_site, BuildOptions(jobs=1)))
    assert snapshot(output) == before        # no page of the failed build went in
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    result: BuildResult = build(example_site, BuildOptions(jobs=1))    # and the next build does it all
    assert "late" in " ".join(snapshot(result.output))


@pytest.mark.parametrize("cut", [': > "$out/pagefind-entry.json"',
                                 'for f in "$out"/pagefind.*.pf_meta; do head -c 12 "$f" > "$f.x"; mv "$f.x" "$f"; done'])
def test_an_index_cut_short_by_a_full_disk_is_a_located_error(example_site: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, cut: str) -> None:
    from pagefind.service import get_executable
    output, before = _edited_site(example_site)
    script = (f'"{get_executable()}" "$@" || exit $?\n'      # then Pagefind's files as a full disk leaves them
              f'for entry in $(find "{output}".staging-* -name pagefind-entry.json); do out=$(dirname "$entry"); {cut}; done')
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, script)))
    with pytest.raises(SiteError, match=r"/pagefind/2025: search index not built: Pagefind left .* incomplete"
                                        r".*\(free disk space"):
        within(120, lambda: build(example_site, BuildOptions(jobs=1)))
    assert snapshot(output) == before


def test_a_full_disk_while_writing_the_index_is_a_located_error(example_site: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.build import pagefind_service
    output, before = _edited_site(example_site)

    def full_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(pagefind_service, "open", full_open, raising=False)
    with pytest.raises(SiteError) as caught:
        within(120, lambda: build(example_site, BuildOptions(jobs=1)))
    assert str(caught.value) == (f"{output / 'pagefind' / '2025'}: search index not built: cannot write the index "
                                 f"(No space left on device) (free disk space, then build again, or build with "
                                 f"--no-search; the previous output was kept)")
    assert snapshot(output) == before


def test_a_file_in_the_place_of_the_bundle_is_an_error_not_a_hang(example_site: Path) -> None:
    output, _ = _edited_site(example_site)
    for path in sorted((output / "pagefind").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (output / "pagefind").rmdir()
    (output / "pagefind").write_text("in the way", encoding="utf-8")
    before = snapshot(output)
    with pytest.raises(SiteError, match=r"/output/pagefind.*: cannot write the output: Not a directory"):
        within(120, lambda: build(example_site, BuildOptions(jobs=1)))
    assert snapshot(output) == before


def test_a_failed_search_step_is_a_message_and_exit_1_on_the_command_line(example_site: Path, tmp_path: Path) -> None:
    run("build", "--site", str(example_site), "--no-search")
    failing = fake_pagefind(tmp_path, "echo 'thread main panicked' >&2; exit 101")
    result = run("build", "--site", str(example_site), env={"PAGEFIND_BINARY_PATH": str(failing)})
    assert result.returncode == 1
    assert "search index not built: Pagefind failed: thread main panicked (" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.browser
def test_the_sorted_bundle_searches_and_filters_in_a_browser(indexed_example: Path, browser: Any,
                                                            static_server: Any) -> None:
    output = indexed_example / "output"
    tab = browser.new_page()
    tab.goto(static_server(output) + "/search/")
    filters, found, unfiltered = tab.evaluate("""async () => {
        const pagefind = await import('/pagefind/2025/pagefind.js');
        await pagefind.init();
        const filters = await pagefind.filters();
        const found = await pagefind.search('iran', {filters: {source: 'Business Recorder'}});
        const unfiltered = await pagefind.search('iran');
        return [filters, found.results.length, unfiltered.results.length];
    }""")
    assert sorted(filters) == ["entity", "source", "story", "year"]
    assert sorted(filters["source"]) == ["Business Recorder", "Daily8", "Express Tribune", "Unidentified outlet"]
    assert filters["entity"]["Iran"] >= 3
    assert 1 <= found < unfiltered


def test_a_bundle_of_an_unknown_format_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "filter").mkdir()
    (tmp_path / "pagefind-entry.json").write_text('{"version":"9","languages":{"en":{"hash":"en_1","wasm":"en",'
                                                  '"page_count":1}}}', encoding="utf-8")
    (tmp_path / "pagefind.en_1.pf_meta").write_bytes(gzip.compress(b"something else"))
    with pytest.raises(SiteError, match=r"pagefind.en_1.pf_meta: Pagefind wrote an index of a format site_builder "
                                        r"does not know \(install the Pagefind version"):
        search.canonical_bundle(tmp_path)
