"""Every store's version comes from the records it keeps: a field added to a record gives every
store holding it a new version, and what a store kept under another version is built again."""
from __future__ import annotations

import dataclasses
import re
import typing
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypedDict

import numpy as np
import pytest

from site_builder.build import datafiles, depends_file, installed, manifest, spare
from site_builder.content import load
from site_builder.core.errors import Problem
from site_builder.core.model import Article
from site_builder.core.schema import Schema, describe, field_names, schema
from site_builder.core.store import article_data, article_from, read_cache, write_cache
from site_builder.intel import cache, segments, textsig
from site_builder.site.depends import Collections, Depends
from tests.factories import spy

PACKAGE = Path(__file__).resolve().parents[2] / "site_builder"
STORES: dict[str, tuple[Any, str]] = {      # what a store is called -> (its module, its schema's name)
    "parsed files": (load, "PARSED"),
    "texts' analyses": (textsig, "ANALYSIS"),
    "parts' results": (segments, "RESULTS"),
    "manifest": (manifest, "MANIFEST"),
    "spare's record": (spare, "SPARE_RECORD"),
    "contexts' reads": (depends_file, "DEPENDS"),
    "data files' records": (datafiles, "DATA_RECORD"),
    "open data's rows": (depends_file, "ROWS"),
    "installed page kinds": (installed, "KINDS"),
}


def store(name: str) -> Schema:
    module, attribute = STORES[name]
    found: Schema = getattr(module, attribute)
    return found


def test_every_store_of_the_package_is_listed_here() -> None:
    declared = {(path.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", "."), name)
                for path in PACKAGE.rglob("*.py")
                for name in re.findall(r"^(\w+) = schema\(", path.read_text(encoding="utf-8"), re.M)}
    assert declared == {(module.__name__, attribute) for module, attribute in STORES.values()}
    assert not re.search(r"^\w*VERSION\w* = \d", "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")),
                         re.M), "a version number set by hand: declare the store's records with core.schema"


# -- versions from the records ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Leaf:
    name: str
    score: float = 0.0


@dataclasses.dataclass(frozen=True)
class Branch:
    leaves: tuple[Leaf, ...]
    by_name: dict[str, Leaf | None]


class Kept(TypedDict):
    branch: Branch
    count: int


def grown(record: type, name: str = "added", kind: Any = str) -> type:
    """A copy of `record` with one field more."""
    if typing.is_typeddict(record):
        return TypedDict(record.__name__, {**typing.get_type_hints(record), name: kind})  # type: ignore[operator]
    frozen = record.__dataclass_params__.frozen      # type: ignore[attr-defined]
    return dataclasses.make_dataclass(record.__name__, [(name, kind, dataclasses.field(default=None))],
                                      bases=(record,), frozen=frozen)


def test_a_field_added_renamed_or_retyped_changes_the_version_of_every_record_holding_it() -> None:
    holding, other = schema(Kept), schema(Leaf, format=1)
    swaps: tuple[dict[type, type], ...] = (
        {Leaf: grown(Leaf)}, {Leaf: grown(Branch)},
        {Leaf: dataclasses.make_dataclass("Leaf", [("title", str), ("score", float)], frozen=True)},
        {Leaf: dataclasses.make_dataclass("Leaf", [("name", str), ("score", int)], frozen=True)})
    for swapped in swaps:
        assert holding.version_with(swapped) != holding.version
    assert schema(Kept).version_with({Branch: grown(Branch)}) != holding.version
    assert schema(Branch).version_with({Kept: grown(Kept)}) == schema(Branch).version
    assert schema(Leaf, format=2).version != other.version
    assert schema(Leaf).version == other.version and "Leaf(name: builtins.str" in describe(Kept)


def records_in(kind: Any, found: set[type] | None = None) -> set[type]:
    """Every record a type holds, itself included, through the records nested in it."""
    found = set() if found is None else found
    if isinstance(kind, type) and (dataclasses.is_dataclass(kind) or typing.is_typeddict(kind)):
        if kind in found:
            return found
        found.add(kind)
        for hint in typing.get_type_hints(kind).values():
            records_in(hint, found)
    for arg in typing.get_args(kind):
        records_in(arg, found)
    return found


@pytest.mark.parametrize("name", STORES)
def test_a_field_added_to_any_record_of_a_store_changes_its_version(name: str) -> None:
    kept = store(name)
    records = set().union(*(records_in(record) for record in kept.records))
    assert records
    for record in records:
        assert kept.version_with({record: grown(record)}) != kept.version, record


def test_a_field_added_to_an_article_changes_the_version_of_the_stores_that_hold_articles() -> None:
    changed = {name for name in STORES if store(name).version_with({Article: grown(Article)}) != store(name).version}
    assert changed == {"parsed files", "contexts' reads", "open data's rows"}
    changed = {name for name in STORES if store(name).version_with({Problem: grown(Problem)}) != store(name).version}
    assert changed == {"parsed files", "manifest", "contexts' reads", "open data's rows"}


def test_a_field_left_unwatched_must_be_a_field() -> None:
    assert field_names(Leaf, ("score",)) == ("name",)
    with pytest.raises(TypeError, match="no fields"):
        field_names(Leaf, ("gone",))


# -- a store kept under another version is built again ------------------------------------------------
def newer(monkeypatch: pytest.MonkeyPatch, name: str, *also: Any) -> None:
    """The store `name` as after a field was added to one of its records."""
    kept = store(name)
    record = kept.records[0]
    version = SimpleNamespace(version=kept.version_with({record: grown(record)}))
    for module in (STORES[name][0], *also):
        monkeypatch.setattr(module, STORES[name][1], version)


def test_parsed_files_of_another_version_are_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = load.ParseCache(tmp_path)
    kept.put("a.md", (1, 2, 3, 4), ["data"])
    assert kept.save({"a.md"}) is None and load.ParseCache(tmp_path).get("a.md", (1, 2, 3, 4)) == ["data"]
    newer(monkeypatch, "parsed files")
    assert load.ParseCache(tmp_path).get("a.md", (1, 2, 3, 4)) is None


def test_analyses_and_results_of_another_version_are_computed_again(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.core.config import Config
    from site_builder.core.slugs import slugify
    from tests.intel.test_segments import archive
    articles = archive(days=40)

    def keys() -> set[str]:
        kept = cache.ChunkStore(tmp_path)
        segments.story_intelligence(articles, (), slugify, Config(), {}, kept)
        return kept.used
    def split(used: set[str]) -> tuple[set[str], set[str]]:
        results = {key for key in used if key.startswith(("stories-", "related-"))}
        return used - results, results
    chunks, results = split(keys())
    assert chunks and results and split(keys()) == (chunks, results)
    newer(monkeypatch, "parts' results", cache)
    now = split(keys())
    assert now[0] == chunks and now[1] and not now[1] & results
    newer(monkeypatch, "texts' analyses")
    assert not split(keys())[0] & chunks


def test_a_manifest_of_another_version_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "manifest.json"
    kept = dataclasses.replace(every_field_set(manifest.Manifest), warnings=(a_problem(),))
    manifest.save_manifest(path, kept)
    assert manifest.load_manifest(path) == kept
    newer(monkeypatch, "manifest")
    assert manifest.load_manifest(path) == manifest.Manifest()


def test_a_spare_record_of_another_version_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = every_field_set(spare.Record)
    path = tmp_path / "record.json"
    write_cache(path, spare.SPARE_RECORD.version, {"written": record.written, "removed": record.removed,
                                                   "output": spare._folders_data(record.output),
                                                   "spare": spare._folders_data(record.spare)})
    assert spare._read_record(path) == record
    newer(monkeypatch, "spare's record")
    assert spare._read_record(path) is None


def test_contexts_reads_of_another_version_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "depends.json"
    recorded = Depends("inputs", "world", ("a.html", "b.html"), np.array([0, 1, 3]), np.array([5, 6, 7], dtype=np.uint32),
                       Collections({"articles": b"{}"}))
    depends_file.save_depends(path, recorded)
    back = depends_file.load_depends(path)
    assert (back.inputs, back.world, back.outputs, back.values) == (recorded.inputs, recorded.world, recorded.outputs,
                                                                     recorded.values)
    assert back.bounds.tolist() == [0, 1, 3] and back.ids.tolist() == [5, 6, 7]
    assert [f.name for f in dataclasses.fields(Depends)] == ["inputs", "world", "outputs", "bounds", "ids", "values"]
    newer(monkeypatch, "contexts' reads")
    assert depends_file.load_depends(path).outputs == ()


def test_a_data_files_record_of_another_version_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    published, path = tmp_path / "people.csv", tmp_path / "record.json"
    published.write_bytes(b"a\r\n")
    datafiles._save(path, published, {"header": 3, "rows": [], "lengths": []})
    assert datafiles._previous(published, path) is not None
    newer(monkeypatch, "data files' records")
    assert datafiles._previous(published, path) is None


def test_a_version_is_compared_whole(tmp_path: Path) -> None:
    write_cache(tmp_path / "x.json", "abc", [1])
    assert read_cache(tmp_path / "x.json", "abc") == [1] and read_cache(tmp_path / "x.json", "abd") is None


# -- what a store writes holds every field ------------------------------------------------------------
def value_of(kind: Any, name: str) -> Any:
    """A value of type `kind` unlike any field's default."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is str:
        return f"{name}-value"
    if kind is bool:
        return True
    if kind is int:
        return 7
    if kind is float:
        return 0.5
    if kind is datetime:
        return datetime(2025, 6, 23, 10, 30, tzinfo=UTC)
    if origin is tuple:
        return (value_of(args[0], name),) if args[-1] is Ellipsis else tuple(value_of(a, name) for a in args)
    if origin is list:
        return [value_of(args[0], name)]
    if origin is dict:
        return {value_of(args[0], name): value_of(args[1], name)}
    if args:                                  # a union: its first type
        return value_of(args[0], name)
    return every_field_set(kind)


def every_field_set(record: Any) -> Any:
    hints = typing.get_type_hints(record)
    values = {f.name: value_of(hints[f.name], f.name) for f in dataclasses.fields(record)}
    for f in dataclasses.fields(record):
        assert values[f.name] != f.default, f.name
    return record(**values)


def a_problem() -> Problem:
    """A problem with every field set (its severity one of the two there are)."""
    return dataclasses.replace(every_field_set(Problem), severity="warning")


def test_a_parsed_file_kept_holds_every_field_of_its_article_and_problems() -> None:
    parsed = load.Parsed(every_field_set(Article), (a_problem(),))
    assert [f.name for f in dataclasses.fields(load.Parsed)] == ["article", "problems"]
    assert load._parsed_from(load._parsed_data(parsed)) == parsed
    article = every_field_set(Article)
    assert article_from(article_data(article)) == article
    assert all(getattr(article_from(article_data(article)), f.name) == getattr(article, f.name)
               for f in dataclasses.fields(Article))


def test_after_a_field_is_added_to_the_article_every_file_is_parsed_and_every_page_made_again(
        example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from site_builder.build.pipeline import BuildOptions, build
    from site_builder.site.pages import Pages
    options = BuildOptions(search=False, jobs=1)
    build(example_site, options)
    parsed: list[str] = []
    made: list[str] = []
    real_parse, real_context = load.parse_article, Pages.context
    monkeypatch.setattr(load, "parse_article", spy(real_parse, lambda path, *a: parsed.append(path.name)))
    monkeypatch.setattr(Pages, "context", spy(real_context, lambda self, ctx, route: made.append(route.output)))
    files = sorted((example_site / "content" / "articles").glob("*.md"))

    def touched_build() -> None:
        parsed.clear()
        made.clear()
        os.utime(files[0])                   # past the check that nothing changed
        build(example_site, options)
    touched_build()
    assert parsed == [files[0].name] and len(made) < 10
    grown_article = {Article: grown(Article)}
    for module, name in (STORES["parsed files"], STORES["contexts' reads"]):
        monkeypatch.setattr(module, name, SimpleNamespace(version=getattr(module, name).version_with(grown_article)))
    touched_build()
    assert sorted(parsed) == [path.name for path in files] and len(made) > 50
