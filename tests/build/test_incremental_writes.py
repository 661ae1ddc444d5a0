"""Incremental builds cost what changed: the commit reuses the previous site kept as a spare, the
open data is updated row by row, and `build --timings` shows where the time goes."""
from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_builder.build.pipeline import BuildOptions, build
from tests.build.test_faults import Child, add_generated, children, clean_build, modify, snapshot  # noqa: F401 (a fixture)
from tests.conftest import database_contents, write_article
from tests.factories import run


# -- the stage clock ---------------------------------------------------------------------------------------
def test_timings_prints_every_stage_after_the_summary(example_site: Path) -> None:
    from site_builder.build.clock import STAGES
    done = run("build", "--site", str(example_site), "--no-search", "--jobs", "1", "--timings")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    summary = next(n for n, line in enumerate(lines) if line.startswith("built "))
    stages = dict(re.findall(r"([a-z][a-z ]*?) (\d+\.\d\d) s", lines[summary + 1].removeprefix("stages: ")))
    assert list(stages) == list(STAGES)
    assert stages["render"] != "0.00"          # a first build renders every page
    total = float(re.search(r"in (\d+\.\d\d) s", lines[summary]).group(1))   # type: ignore[union-attr]
    assert 0.5 * total <= sum(map(float, stages.values())) <= total + 0.05


def test_the_stages_have_one_name_in_code_readme_and_timings() -> None:
    """The steps of the spine, in their order, are the stages the README shows `--timings` print."""
    from site_builder.build.clock import STAGES
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"`stages: ([^`]*)`", readme.replace("\n", " "))
    assert shown is not None
    assert re.findall(r"([a-z][a-z ]*?) \d+\.\d\d s", shown.group(1)) == list(STAGES)


def test_without_timings_only_the_summary_is_printed(example_site: Path) -> None:
    done = run("build", "--site", str(example_site), "--no-search", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.strip()][-1].startswith("built ")
    assert "stages:" not in done.stdout


# -- the commit: the previous site kept as a spare ------------------------------------------------------
NO_SEARCH = BuildOptions(search=False, jobs=1)
ARTICLE = "content/articles/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md"


def edit(site: Path, words: str) -> None:
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def links_made(site: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Build, counting the hard links the build makes."""
    made = []
    real = os.link

    def counted(*args: Any, **kwargs: Any) -> None:
        made.append(args)
        real(*args, **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(os, "link", counted)
        build(site, NO_SEARCH)
    return len(made)


def same_as_clean(site: Path, tmp_path: Path) -> None:
    assert snapshot(site / "output") == clean_build(site, tmp_path / "clean")


def test_a_one_file_edit_links_only_what_changed(example_site: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    build(example_site, NO_SEARCH)
    edit(example_site, "First edit.")
    build(example_site, NO_SEARCH)                 # the first commit keeps the previous site as the spare
    files = len(snapshot(example_site / "output"))
    for round_ in range(3):
        edit(example_site, f"Edit {round_}.")
        assert links_made(example_site, monkeypatch) <= 10 < files
        same_as_clean(example_site, tmp_path)


def test_the_spare_is_never_published_or_trusted_after_a_clean_build(example_site: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    build(example_site, NO_SEARCH)
    edit(example_site, "An edit.")
    build(example_site, NO_SEARCH)
    assert (example_site / "output.staging-spare" / "index.html").is_file()
    assert (example_site / "output.staging-spare.json").is_file()
    assert not any("spare" in name for name in snapshot(example_site / "output"))
    build(example_site, BuildOptions(search=False, jobs=1, clean=True))
    assert not (example_site / "output.staging-spare.json").exists()     # the previous site, kept without a record
    edit(example_site, "Another edit.")
    files = len(snapshot(example_site / "output"))
    assert links_made(example_site, monkeypatch) >= files - 10           # made the same as output/ in place
    same_as_clean(example_site, tmp_path)
    edit(example_site, "A third edit.")
    assert links_made(example_site, monkeypatch) <= 10
    same_as_clean(example_site, tmp_path)


def _spare_file(site: Path) -> Path:
    """A file no edit of these tests changes."""
    return site / "output.staging-spare" / "404.html"


DAMAGES: dict[str, Callable[[Path], object]] = {
    "a file deleted from the spare": lambda site: _spare_file(site).unlink(),
    "a file of the spare replaced": lambda site: _replace(_spare_file(site), b"<p>stale</p>"),
    "a file added to the spare": lambda site: (site / "output.staging-spare" / "stray.html").write_bytes(b"x"),
    "a folder added to the spare": lambda site: (site / "output.staging-spare" / "articles" / "x").mkdir(),
    "the record damaged": lambda site: (site / "output.staging-spare.json").write_bytes(b'{"version": 2, "data": 7}'),
    "the record lost": lambda site: (site / "output.staging-spare.json").unlink(),
    "the spare lost": lambda site: shutil.rmtree(site / "output.staging-spare"),
    "a file deleted from output/": lambda site: (site / "output" / "404.html").unlink(),
    "a page deleted deep in output/": lambda site: next((site / "output" / "entities").glob("*/index.html")).unlink(),
    "a file of output/ replaced": lambda site: _replace(site / "output" / "404.html", b"<p>mine</p>"),
}


def _replace(path: Path, data: bytes) -> None:
    """A new file in the place of `path` (a new inode, as an editor saves)."""
    path.with_name(path.name + ".new").write_bytes(data)
    os.replace(path.with_name(path.name + ".new"), path)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_spare_or_output_gives_the_right_site(example_site: Path, tmp_path: Path, damage: str) -> None:
    build(example_site, NO_SEARCH)
    for round_ in range(2):
        edit(example_site, f"Edit {round_}.")
        build(example_site, NO_SEARCH)
    DAMAGES[damage](example_site)
    for round_ in range(2):
        edit(example_site, f"Later edit {round_}.")
        build(example_site, NO_SEARCH)
        expected = clean_build(example_site, tmp_path / "clean")
        if damage == "a file of output/ replaced":      # as before: a file no page changed is left as it is
            expected["404.html"] = b"<p>mine</p>"
        assert snapshot(example_site / "output") == expected, round_


def test_nothing_changed_is_told_from_the_output_s_folders_not_file_by_file(
        example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.build import last
    build(example_site, NO_SEARCH)
    edit(example_site, "An edit.")
    build(example_site, NO_SEARCH)                 # committed through the spare: its record is kept
    monkeypatch.setattr(last, "_all_exist", lambda *args: pytest.fail("each file looked for"))
    assert build(example_site, NO_SEARCH).written == 0


@pytest.mark.parametrize("damage", ["a file deleted from output/", "a page deleted deep in output/", "the record lost"])
def test_a_build_with_nothing_changed_puts_back_what_output_lost(example_site: Path, tmp_path: Path,
                                                                 damage: str) -> None:
    build(example_site, NO_SEARCH)
    edit(example_site, "An edit.")
    build(example_site, NO_SEARCH)
    page = next((example_site / "output" / "entities").glob("*/index.html"))
    DAMAGES[damage](example_site)
    if damage == "the record lost":
        page.unlink()
    build(example_site, NO_SEARCH)
    assert snapshot(example_site / "output") == clean_build(example_site, tmp_path / "clean")


def test_a_file_added_to_the_output_stays_there(example_site: Path) -> None:
    build(example_site, NO_SEARCH)
    edit(example_site, "An edit.")
    build(example_site, NO_SEARCH)
    (example_site / "output" / "notes.txt").write_bytes(b"mine")
    for round_ in range(3):
        edit(example_site, f"Edit {round_}.")
        build(example_site, NO_SEARCH)
        assert (example_site / "output" / "notes.txt").read_bytes() == b"mine", round_


@pytest.mark.slow
def test_a_commit_killed_while_it_uses_the_spare_leaves_whole_sites(example_site: Path, tmp_path: Path,
                                                                     children: list[Child]) -> None:
    """Killed at any step of its commit (the spare moved in and brought up to date, the pages moved
    in, the swap, the spare kept, the end): output/ is the whole previous site or the whole new one,
    and the next build, which must not trust a spare half brought up to date, equals a clean build
    and keeps a spare."""
    add_generated(example_site, 40)
    build(example_site, NO_SEARCH)
    output = example_site / "output"
    rng = random.Random(11)
    modify(example_site, rng, 100)
    build(example_site, NO_SEARCH)
    modify(example_site, rng, 101)
    measured = Child(example_site, 0)
    assert measured.wait() == 0 and measured.steps > 8
    quarter = measured.steps // 4        # linking what the last build changed, then moving the pages in
    for round_, kill in enumerate(["1", "2", str(quarter), str(2 * quarter), str(3 * quarter), "swap", "spare", "end"]):
        before = snapshot(output)
        modify(example_site, rng, round_)
        expected = clean_build(example_site, tmp_path / "clean")
        child = Child(example_site, 0, PAUSE_AT=kill)
        children.append(child)
        assert child.paused.wait(120), f"round {round_}: the build never stopped in its commit ({kill})"
        child.kill()
        assert snapshot(output) in (before, expected), f"round {round_} ({kill}): neither the previous site nor the new one"
        build(example_site, NO_SEARCH)
        assert snapshot(output) == expected, f"round {round_} ({kill})"
        assert (example_site / "output.staging-spare" / "index.html").is_file()


# -- the open data: updated row by row ----------------------------------------------------------------------
ARTICLES = "content/articles"
HORMUZ = f"{ARTICLES}/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md"


def replace(site: Path, relative: str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DATA_EDITS: list[Callable[[Path], object]] = [
    lambda s: replace(s, HORMUZ, "extremely dangerous' should Iran", "extremely dangerous' if zanzibarword Iran"),
    lambda s: replace(s, HORMUZ, "title: \"'Extremely dangerous'", "title: \"'Very dangerous'"),
    lambda s: write_article(s, "new-one.md", "---\ntitle: A new article\ndate: 2025-06-24T08:00:00+02:00\n"
                            "source: Business Recorder\nentities: [Iran, Kaja Kallas]\ntags: [x]\n---\nNew text.\n"),
    lambda s: replace(s, HORMUZ, "entities: [Kaja Kallas, ", "entities: ["),
    lambda s: (s / f"{ARTICLES}/russian-streamer-stepan-scoffy-detained-after-desecrating-flag.md").unlink(),
    lambda s: replace(s, f"{ARTICLES}/new-one.md", "tags: [x]", "tags: [x, verified]"),
    lambda s: replace(s, HORMUZ, "date: 2025-06-23", "date: 2025-07-02"),
    lambda s: (s / f"{ARTICLES}/new-one.md").unlink(),
]


def data_files(output: Path) -> dict[str, bytes]:
    return {p.name: database_contents(p) if p.suffix == ".sqlite" else p.read_bytes()
            for p in sorted((output / "data").iterdir())}


def test_open_data_after_edits_equals_a_clean_builds_and_is_updated_not_rewritten(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.build import datafiles
    build(example_site, NO_SEARCH)
    real_copy = os.copy_file_range
    for number, change in enumerate(DATA_EDITS):
        change(example_site)
        copied: list[int] = []

        def counted(*args: Any, copied: list[int] = copied, **kwargs: Any) -> int:
            copied.append(real_copy(*args, **kwargs))
            return copied[-1]

        def whole(*args: Any) -> None:
            raise AssertionError("the database was written whole")
        with monkeypatch.context() as patch:
            patch.setattr(datafiles, "write_sqlite", whole)
            patch.setattr(os, "copy_file_range", counted)
            build(example_site, NO_SEARCH)
        clean = tmp_path / f"clean-{number}"
        build(example_site, BuildOptions(search=False, jobs=1, clean=True, remember=False, output=clean))
        assert data_files(example_site / "output") == data_files(clean), number
        assert sum(copied) > (clean / "data/articles.csv").stat().st_size // 3, number   # unchanged rows: copied
    with sqlite3.connect(example_site / "output/data/archive.sqlite") as db:
        assert db.execute("SELECT a.slug FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                          "WHERE articles_fts MATCH 'zanzibarword'").fetchall() == [(Path(HORMUZ).stem,)]


def test_no_byte_of_the_database_holds_a_replaced_text_or_a_removed_article(example_site: Path) -> None:
    """Updated in place (not written whole): the words an edit replaced and the article removed
    are nowhere in the file, its free space and the full-text index's segments included."""
    streamer = f"{ARTICLES}/russian-streamer-stepan-scoffy-detained-after-desecrating-flag.md"
    replace(example_site, HORMUZ, "extremely dangerous' should Iran", "extremely dangerous' should qqvanishword Iran")
    build(example_site, NO_SEARCH)
    database = example_site / "output/data/archive.sqlite"
    gone = b"The European Union has been urging de-escalation"
    assert database.read_bytes().count(b"qqvanishword") >= 2 and gone in database.read_bytes()
    text = (example_site / HORMUZ).read_text(encoding="utf-8")
    body = text.index("\n---\n") + 5
    (example_site / HORMUZ).write_text(text[:body] + "A short text now.\n", encoding="utf-8")   # a smaller row
    (example_site / streamer).unlink()
    build(example_site, NO_SEARCH)
    data = database.read_bytes()
    assert b"qqvanishword" not in data and gone not in data
    assert Path(streamer).stem.encode() not in data and b"1,000-ruble donation" not in data


def test_a_data_file_that_is_not_the_recorded_one_is_written_whole(example_site: Path, tmp_path: Path) -> None:
    build(example_site, NO_SEARCH)
    data = example_site / "output/data"
    _replace(data / "articles.csv", (data / "articles.csv").read_bytes().replace(b"Iran", b"Iraq"))
    _replace(data / "archive.sqlite", (data / "archive.sqlite").read_bytes())      # a copy: another inode
    with sqlite3.connect(data / "archive.sqlite") as db:
        db.execute("DELETE FROM sources")
    replace(example_site, HORMUZ, "extremely dangerous' should Iran", "extremely dangerous' if Iran")
    build(example_site, NO_SEARCH)
    clean = build(example_site, BuildOptions(search=False, jobs=1, clean=True, remember=False, output=tmp_path / "c"))
    assert data_files(example_site / "output") == data_files(clean.output)


def _spare_database(site: Path) -> Path:
    return site / "output.staging-spare/data/archive.sqlite"


def test_the_spare_s_database_is_updated_in_place_not_copied(example_site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The build before the last one's database, in the spare, becomes this build's: nothing copied."""
    import shutil as shutil_module
    build(example_site, NO_SEARCH)
    words = ["qqfirstword", "qqsecondword", "qqthirdword"]
    for number, word in enumerate(words):
        old = f"dangerous' {words[number - 1]}" if number else "dangerous'"
        replace(example_site, HORMUZ, old, f"dangerous' {word}")
        spare = _spare_database(example_site)
        before = spare.stat().st_ino if spare.exists() else None

        def no_copy(*args: Any, **kwargs: Any) -> None:
            raise AssertionError("the database was copied")
        with monkeypatch.context() as patch:
            if number:                  # the first build after a clean one has no spare of its own yet
                patch.setattr(shutil_module, "copyfile", no_copy)
            build(example_site, NO_SEARCH)
        published = example_site / "output/data/archive.sqlite"
        assert before is None or published.stat().st_ino == before, number
        clean = tmp_path / f"clean-{number}"
        build(example_site, BuildOptions(search=False, jobs=1, clean=True, remember=False, output=clean))
        assert data_files(example_site / "output") == data_files(clean), number
    data = (example_site / "output/data/archive.sqlite").read_bytes()
    assert b"qqthirdword" in data and b"qqfirstword" not in data and b"qqsecondword" not in data


@pytest.mark.parametrize("damage", ["linked", "changed", "failed"])
def test_a_spare_database_linked_elsewhere_changed_or_half_updated_is_not_trusted(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    """A spare file another name links is left as it is; one changed since its record, or left
    halfway by a failed build, gives the right database all the same."""
    from site_builder.build import datafiles
    build(example_site, NO_SEARCH)
    for words in ("qqone", "qqtwo"):
        replace(example_site, HORMUZ, "extremely dangerous'", f"extremely dangerous' {words}")
        build(example_site, NO_SEARCH)
    spare = _spare_database(example_site)
    backup = tmp_path / "backup.sqlite"
    if damage == "linked":
        os.link(spare, backup)
        kept = backup.read_bytes()
    elif damage == "changed":
        with contextlib.closing(sqlite3.connect(spare)) as db:
            db.execute("DELETE FROM sources")
            db.commit()
    else:
        def fails(db: sqlite3.Connection) -> None:
            raise OSError("the disk is full")
        replace(example_site, HORMUZ, "extremely dangerous'", "extremely dangerous' qqthree")
        with monkeypatch.context() as patch:
            patch.setattr(datafiles, "_forget_removed", fails)
            with pytest.raises(Exception, match="the disk is full"):
                build(example_site, NO_SEARCH)
    replace(example_site, HORMUZ, "extremely dangerous'", "extremely dangerous' qqfour")
    build(example_site, NO_SEARCH)
    clean = tmp_path / "clean"
    build(example_site, BuildOptions(search=False, jobs=1, clean=True, remember=False, output=clean))
    assert data_files(example_site / "output") == data_files(clean)
    if damage == "linked":
        assert backup.read_bytes() == kept


def test_a_record_of_the_open_data_s_rows_from_another_build_than_the_pages_record_is_not_used(
        example_site: Path, tmp_path: Path) -> None:
    """The entities' rows, changed since the record's build, would otherwise be taken as they were."""
    from site_builder.build.depends_file import ROWS_RECORD, load_rows
    from site_builder.build.manifest import manifest_path

    def rows_of(output: Path) -> Any:
        manifest = manifest_path(example_site / ".site-builder-cache", output)
        return load_rows(manifest.with_name(f"{manifest.stem}-opendata") / f"{ROWS_RECORD}.json")
    build(example_site, NO_SEARCH)
    rows = next((example_site / ".site-builder-cache").glob(f"manifest-*-opendata/{ROWS_RECORD}.json"))
    older = rows.read_bytes()
    replace(example_site, "content/entities.yaml", "Iran's foreign minister.", "Iran's minister of foreign affairs.")
    build(example_site, NO_SEARCH)
    rows.write_bytes(older)
    replace(example_site, f"{ARTICLES}/russian-streamer-stepan-scoffy-detained-after-desecrating-flag.md",
            "1,000-ruble donation", "2,000-ruble donation")
    build(example_site, NO_SEARCH)
    clean = tmp_path / "clean"
    build(example_site, BuildOptions(search=False, jobs=1, clean=True, output=clean))
    assert data_files(example_site / "output") == data_files(clean)
    assert rows_of(example_site / "output").tables == rows_of(clean).tables


def test_the_record_of_reads_is_rewritten_only_where_an_edit_changed_it(example_site: Path, tmp_path: Path) -> None:
    """Its parts are kept under their hashes: an edit writes the collections it changed, the others
    stay the same files; a damaged part is not trusted and the site is still a clean build's."""
    build(example_site, NO_SEARCH)
    (folder,) = (example_site / ".site-builder-cache").glob("depends-*/")

    def parts() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in folder.glob("*.json")}
    before = parts()
    replace(example_site, HORMUZ, "tags: [diplomacy, shipping]", "tags: [diplomacy, shipping, oil]")
    build(example_site, NO_SEARCH)
    after = parts()
    kept = before.keys() & after.keys()
    assert 0 < len(after) - len(kept) < len(kept) and all(before[name] == after[name] for name in kept)
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes()[:-2] + b"]}" if path.suffix == ".json" else b"damaged")
    replace(example_site, HORMUZ, "should Iran", "if Iran")
    build(example_site, NO_SEARCH)
    assert snapshot(example_site / "output") == clean_build(example_site, tmp_path / "clean")


def test_a_manifest_keeps_output_names_that_are_not_utf8(tmp_path: Path) -> None:
    """Written by orjson, but for names holding lone surrogates (read from bytes that are not
    UTF-8), which only Python's json writes."""
    from site_builder.build.manifest import Manifest, load_manifest, save_manifest
    for name in ("caf\u00e9/index.html", "caf\udce9/index.html"):
        kept = Manifest({name: "sig", "a/index.html": "other"}, "inputs", (), "1:2")
        save_manifest(tmp_path / "manifest.json", kept)
        assert load_manifest(tmp_path / "manifest.json") == kept, name
