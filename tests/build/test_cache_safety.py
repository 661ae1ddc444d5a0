"""The cache holds data, never code; what it remembers is never trusted over the files."""
from __future__ import annotations

import builtins
import errno
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from site_builder.build import spine as build_module
from site_builder.build.pipeline import BuildOptions, build
from site_builder.content import articles as content_module
from site_builder.core.errors import SiteError
from tests.build.test_incremental import HORMUZ, assert_same_as_clean, edit
from tests.factories import spy

CACHE = ".site-builder-cache"
PAGE = "articles/2025/06/23/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz/index.html"


def built(site: Path, **options: Any) -> Any:
    return build(site, BuildOptions(search=False, jobs=1, **options))


class Planted:
    """Unpickling this creates `marker`: proof that loading the cache ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (builtins.open, (str(self.marker), "w"))


def plant(cache: Path, marker: Path) -> list[Path]:
    """A code-running pickle in every cache file, and under every name earlier versions read."""
    payload = pickle.dumps(Planted(marker))
    planted = []
    names = [*(f"parsed-UTC-{n:02d}.pickle" for n in range(16)), "parsed-UTC.pickle", "analysis/results.pickle"]
    names += [p.name.replace("manifest", "depends").replace(".json", ".pickle") for p in cache.glob("manifest-*")]
    for path in [p for p in cache.rglob("*") if p.is_file()] + [cache / name for name in names]:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".npz":    # an object array: only loading with pickles allowed would run it
            with open(path, "wb") as handle:
                np.savez(handle, signatures=np.array([Planted(marker)], dtype=object))
        else:
            path.write_bytes(payload)
        planted.append(path)
    return planted


def test_a_planted_pickle_never_runs_and_the_build_still_works(example_site: Path, tmp_path: Path) -> None:
    built(example_site)
    marker = tmp_path / "code-ran"
    planted = plant(example_site / CACHE, marker)
    assert len(planted) > 20
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    built(example_site)
    assert not marker.exists()
    assert_same_as_clean(example_site, tmp_path)
    built(example_site, clean=True)
    assert not marker.exists()
    assert not list((example_site / CACHE).rglob("*.pickle"))


def test_every_cache_file_is_data(example_site: Path) -> None:
    built(example_site)
    files = [p for p in (example_site / CACHE).rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".json", ".npz"}
    for path in files:
        if path.suffix == ".json":
            orjson.loads(path.read_bytes())
        else:
            with np.load(path, allow_pickle=False) as arrays:
                assert all(arrays[name].dtype != object for name in arrays.files)


def test_a_failed_read_is_never_remembered(example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As after `chmod 000` then `chmod 644`: the file is read again, with or without --clean."""
    built(example_site)
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    path = example_site / HORMUZ
    stat = path.stat()
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(self)
    monkeypatch.setattr(content_module.Path, "read_bytes", denied)
    with pytest.raises(SiteError, match="Permission denied"):
        built(example_site)
    monkeypatch.undo()
    assert path.stat().st_ctime_ns == stat.st_ctime_ns       # the file itself is as it was
    page = built(example_site).output / PAGE
    assert "had been urging" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("clean", [False, True])
def test_a_same_size_edit_with_the_old_modification_time_is_published(example_site: Path, clean: bool) -> None:
    """`touch -r`: same size, same modification time, new text."""
    output = built(example_site).output
    path = example_site / HORMUZ
    before = path.stat()
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union has been URGING")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    built(example_site, clean=clean)
    assert "has been URGING" in (output / PAGE).read_text(encoding="utf-8")


def test_clean_trusts_nothing_in_the_cache(example_site: Path, tmp_path: Path) -> None:
    """A cache entry that claims the file is unchanged but holds another text: --clean ignores it."""
    output = built(example_site).output
    for shard in (example_site / CACHE).glob("parsed-*.json"):
        shard.write_bytes(shard.read_bytes().replace(b"The European Union has been urging", b"The cache says"))
    parts = list((example_site / CACHE / "analysis").glob("stories-*.json"))
    assert parts
    for results in parts:
        results.write_bytes(results.read_bytes().replace(b"iran-us-strikes-2025", b"iran-us-strikes-2099"))
    built(example_site, clean=True)
    page = (output / PAGE).read_text(encoding="utf-8")
    assert "has been urging" in page and "The cache says" not in page
    assert "2099" not in "".join(p.name for p in (output / "stories").iterdir())


def _failing_cache_writes(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk for the cache: every write into a temporary file there fails half-way."""
    real_open = builtins.open

    class Full:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def write(self, data: bytes) -> int:
            self.handle.write(data[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    def full_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        inside = str(file).startswith(str(cache)) and ".tmp" in os.path.basename(str(file))
        return Full(handle) if inside and "w" in mode else handle
    monkeypatch.setattr(builtins, "open", full_open)


def test_a_full_disk_for_the_cache_leaves_no_temporary_files(example_site: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cache = example_site / CACHE
    _failing_cache_writes(cache, monkeypatch)
    result = built(example_site)
    monkeypatch.undo()
    assert [str(p) for p in result.warnings if "cannot write the cache" in p.message] == [
        f"{CACHE}: cannot write the cache: No space left on device "
        "(free disk space or fix the folder's permissions; this build ran without the cache)"]
    assert not [p for p in cache.rglob("*") if ".tmp" in p.name]
    assert (result.output / PAGE).exists()
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    built(example_site)
    assert_same_as_clean(example_site, tmp_path)


def test_temporary_files_of_dead_builds_are_removed(example_site: Path) -> None:
    built(example_site)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    cache = example_site / CACHE
    left = [cache / f"parsed-UTC-03.json.tmp{dead.stdout.strip()}", cache / f"parsed-UTC-03.tmp{dead.stdout.strip()}",
            cache / "analysis" / f"results.tmp{dead.stdout.strip()}"]
    running = cache / f"parsed-UTC-04.json.tmp{os.getppid()}"      # a build still writing: left alone
    for path in (*left, running):
        path.write_bytes(b"half")
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    built(example_site)
    assert [p for p in left if p.exists()] == [] and running.exists()


def test_a_cache_that_cannot_be_written_is_a_warning_and_the_site_is_built(example_site: Path,
                                                                         tmp_path: Path) -> None:
    (example_site / CACHE).write_text("not a folder\n", encoding="utf-8")
    result = built(example_site)
    cache = [p for p in result.warnings if p.path == CACHE]
    assert [p.message.split(":")[0] for p in cache] == ["cannot write the cache"]
    assert cache[0].severity == "warning"
    assert_same_as_clean(example_site, tmp_path)
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    built(example_site)
    assert_same_as_clean(example_site, tmp_path)


def test_a_build_that_could_not_record_itself_is_not_taken_for_the_last_recorded_one(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only cache keeps the record of an older build: the output built meanwhile is not that build's."""
    built(example_site)
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union has been URGING")
    monkeypatch.setattr(build_module, "writable", lambda folder: OSError(errno.EROFS, os.strerror(errno.EROFS)))
    result = built(example_site)
    assert "cannot write the cache: Read-only file system" in str(result.warnings[-1])
    monkeypatch.undo()
    edit(example_site, HORMUZ, "The European Union has been URGING", "The European Union has been urging")
    built(example_site)
    assert_same_as_clean(example_site, tmp_path)


# -- the cache folder belongs to site_builder: it removes only what it wrote ------------------------
OTHER_PROGRAMS = ("embeddings.pickle", "other-app/state.json.tmp3999123", "other-app/download.tmp87654321.part",
                  "analysis/someone-elses.json", "analysis/0123456789abcdef.npz.bak", "notes.txt.tmp1")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def other_programs_files(folder: Path) -> dict[str, bytes]:
    for rel in OTHER_PROGRAMS:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(f"not site_builder's: {rel}", encoding="utf-8")
    return files_of(folder)


def test_a_cache_setting_naming_a_folder_of_other_files_is_refused_and_left_alone(example_site: Path) -> None:
    shared = example_site.parent / "sharedcache"
    before = other_programs_files(shared)
    config = example_site / "site.toml"
    lines = config.read_text(encoding="utf-8").count("\n")
    config.write_text(config.read_text(encoding="utf-8") + '\n[paths]\ncache = "../sharedcache"\n', encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        built(example_site)
    assert str(caught.value) == (
        f'site.toml:{lines + 3}: paths.cache = "../sharedcache": the cache folder {shared.resolve()} holds '
        "embeddings.pickle, a file site_builder did not write (choose a folder of the cache's own, "
        "such as .site-builder-cache, or move the other files out of it)")
    assert files_of(shared) == before and not (example_site / "output").exists()
    from site_builder.check.lint import check_site
    with pytest.raises(SiteError):
        check_site(example_site)
    assert files_of(shared) == before


@pytest.mark.parametrize("setting, relation", [
    ("content", "is the content folder"), ("content/cache", "is inside the content folder"),
    ("templates", "is the templates folder"), ("static/x", "is inside the static folder"),
    ("output", "is the output folder"), (".", "contains the content folder"),
])
def test_a_cache_setting_overlapping_an_input_or_the_output_is_refused(example_site: Path, setting: str,
                                                                       relation: str) -> None:
    for name in ("templates", "static"):
        (example_site / name).mkdir(exist_ok=True)
    config = example_site / "site.toml"
    lines = config.read_text(encoding="utf-8").count("\n")
    config.write_text(config.read_text(encoding="utf-8") + f'\n[paths]\ncache = "{setting}"\n', encoding="utf-8")
    before = files_of(example_site)
    with pytest.raises(SiteError) as caught:
        built(example_site)
    message = str(caught.value)
    assert message.startswith(f'site.toml:{lines + 3}: paths.cache = "{setting}": the cache folder ')
    assert relation in message and message.endswith("(choose a separate folder such as .site-builder-cache)")
    assert files_of(example_site) == before


def test_a_marked_cache_removes_only_files_of_its_own_names(example_site: Path) -> None:
    built(example_site)
    cache = example_site / CACHE
    before = other_programs_files(cache)
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    assert built(example_site).written > 0
    built(example_site, clean=True)
    after = files_of(cache)
    assert {rel: after.get(rel) for rel in OTHER_PROGRAMS} == {rel: before[rel] for rel in OTHER_PROGRAMS}
    assert (cache / ".site-builder-cache.json").is_file()


def test_an_earlier_versions_cache_without_the_marker_is_kept_and_used(example_site: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    built(example_site)
    cache = example_site / CACHE
    (cache / ".site-builder-cache.json").unlink()
    kept = {rel for rel in files_of(cache) if rel.startswith("parsed-")}
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    read: list[str] = []
    real = content_module.read_text
    monkeypatch.setattr(content_module, "read_text", spy(real, lambda path, rel: read.append(rel)))
    assert built(example_site).written > 0
    assert read == [HORMUZ]      # the other files come from the parse cache
    assert kept <= set(files_of(cache)) and (cache / ".site-builder-cache.json").is_file()
