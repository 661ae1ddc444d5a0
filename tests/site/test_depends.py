"""What a context reads is recorded, and only reads whose value changed make a page stale."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from site_builder.site.depends import (
    SEP,
    SIZE,
    TEXTS,
    UNWATCHED,
    WHOLE,
    Recorder,
    Watched,
    WatchedArticles,
    WatchedList,
    changed_reads,
    values,
    watched,
)


def test_reads_of_keys_wholes_and_sizes_are_noted() -> None:
    recorder = Recorder()
    data = Watched("story_of", {"a": "s1", "b": "s2"}, recorder)
    assert data["a"] == "s1" and data.get("zz") is None and "b" in data
    assert recorder.take() == {f"story_of{SEP}a", f"story_of{SEP}zz", f"story_of{SEP}b"}
    assert len(data) == 2 and recorder.take() == {f"story_of{SEP}{SIZE}"}
    assert sorted(data.items()) == [("a", "s1"), ("b", "s2")] and recorder.take() == {f"story_of{SEP}{WHOLE}"}
    listed = WatchedList("i.newest", ["a", "b"], recorder)
    assert listed[:1] == ["a"] and recorder.take() == {f"i.newest{SEP}{WHOLE}"}


def test_memoised_reads_reach_every_page_that_reuses_them() -> None:
    recorder = Recorder()
    data = Watched("articles", {"a": 1}, recorder)
    with recorder.apart() as inner:
        data["a"]
    assert inner == {f"articles{SEP}a"} and recorder.take() == {f"articles{SEP}a"}


def test_only_changed_values_are_changed_reads() -> None:
    before = {"story_of": {"a": "s1", "b": "s2"}, "stories": ("s1", "s2")}
    assert changed_reads(before, dict(before)) == set()
    now = {"story_of": {"a": "s1", "b": "s3", "c": "s1"}, "stories": ("s1", "s2")}
    assert changed_reads(before, now) == {f"story_of{SEP}b", f"story_of{SEP}c", f"story_of{SEP}{WHOLE}",
                                          f"story_of{SEP}{SIZE}"}
    assert changed_reads(before, {"story_of": before["story_of"]}) is None
    assert changed_reads({"stories": ("s1",)}, {"stories": ("s2",)}) == {f"stories{SEP}{WHOLE}"}


def test_an_article_s_text_is_a_read_of_its_own() -> None:
    recorder = Recorder()
    article = dataclasses.make_dataclass("Piece", ["title", "body", "digest"], frozen=True)("T", "Text.", "d1")
    articles = WatchedArticles({"a": article}, recorder)
    assert articles["a"].title == "T" and recorder.take() == {f"articles{SEP}a"}
    assert articles["a"].body == "Text." and articles.get("a").digest == "d1"
    assert recorder.take() == {f"articles{SEP}a", f"{TEXTS}{SEP}a"}
    assert articles.get("zz") is None and recorder.take() == {f"articles{SEP}zz"}
    assert [a.body for a in articles.values()] == ["Text."]            # a pass over all: every field of all
    assert recorder.take() == {f"articles{SEP}{WHOLE}", f"{TEXTS}{SEP}{WHOLE}"}


def test_a_text_edit_changes_the_text_read_alone(example_site: Path) -> None:
    archive, index, _ = example(example_site)
    slug, article = next(iter(archive.articles.items()))

    def edited(**fields: Any) -> Any:
        return values(dataclasses.replace(archive, articles={**archive.articles, slug: dataclasses.replace(
            article, digest="edited", **fields)}), index)
    before = values(archive, index)
    assert changed_reads(before, edited(body=article.body + " More.")) == {f"{TEXTS}{SEP}{slug}",
                                                                            f"{TEXTS}{SEP}{WHOLE}"}
    assert changed_reads(before, edited(title="Another title")) == {
        f"{TEXTS}{SEP}{slug}", f"{TEXTS}{SEP}{WHOLE}", f"articles{SEP}{slug}", f"articles{SEP}{WHOLE}"}


def example(site: Path) -> tuple[Any, Any, Any]:
    from site_builder.core.config import load_config
    from site_builder.intel.archive import load_site
    from site_builder.site.lookup import site_index
    config = load_config(site)
    archive = load_site(site, config).checked()
    return archive, site_index(archive), config


def with_field(record: Any, name: str, value: Any) -> Any:
    """`record` as an instance of a copy of its class with one field more."""
    kind = dataclasses.make_dataclass(type(record).__name__, [(name, type(value), dataclasses.field(default=None))],
                                      bases=(type(record),), frozen=True)
    return kind(**{f.name: getattr(record, f.name) for f in dataclasses.fields(record)}, **{name: value})


def test_a_field_added_to_the_archive_or_its_index_is_watched_without_listing_it(example_site: Path) -> None:
    from site_builder.site.context import Contexts
    archive, index, config = example(example_site)
    grown, index = with_field(archive, "rumours", {"a": "b"}), with_field(index, "threads", ["x"])
    recorder = Recorder()
    seen: Any       # the records grown by a field, which their classes do not declare
    seen_index: Any
    seen, seen_index = watched(grown, index, recorder)
    assert seen.rumours["a"] == "b" and list(seen_index.threads) == ["x"]
    assert recorder.take() == {f"rumours{SEP}a", f"i.threads{SEP}{WHOLE}"}
    now = values(grown, index)
    assert {"rumours", "i.threads"} <= set(now)
    later = values(with_field(archive, "rumours", {"a": "c"}), index)
    assert changed_reads(now, later) == {f"rumours{SEP}a", f"rumours{SEP}{WHOLE}"}
    Contexts(grown, index, config, recorder).open_data()        # the open data read every collection whole
    assert f"rumours{SEP}{WHOLE}" in recorder.take()


def test_what_is_left_unwatched_is_read_by_no_page(example_site: Path) -> None:
    """Every page and data file of the example built with the unwatched fields unreadable."""
    from site_builder.site.context import Contexts
    from site_builder.site.pages import page_kinds

    class Unreadable:
        def __getattribute__(self, name: str) -> Any:
            raise AssertionError(f"an unwatched field was read ({name})")

    archive, index, config = example(example_site)
    assert set(UNWATCHED) and set(UNWATCHED) <= {f.name for f in dataclasses.fields(archive)}
    hidden = dataclasses.replace(archive, **{name: Unreadable() for name in UNWATCHED})
    contexts = Contexts(hidden, index, config, Recorder())
    pages = page_kinds()
    for route in pages.routes(hidden, config.per_page, config.search):
        context = pages.context(contexts, route)
        make = pages[route.kind].make
        if make is not None:          # a feed, JSON, a chart; the data files come from the tables below
            make(route, context)
    data = contexts.open_data()
    assert data.tables and all(data.rows(table) is not None for table in data.tables)


def test_related_coverage_is_compared_in_the_words_pages_give_it() -> None:
    from site_builder.core.model import Archive, RelatedLink, Relation
    from site_builder.site.lookup import SiteIndex

    def related(seconds: float) -> Mapping[str, Any]:
        links: dict[str, tuple[RelatedLink, ...]] = {"a": (RelatedLink("b", 0.5, Relation(shared=("X",), seconds=seconds)),)}
        return values(Archive({}, (), {}, {}, {}, {}, {}, {}, links), SiteIndex([], {}, {}, {}, {}, {}, {}, {}, {}, {}))

    three_hours = related(3 * 3600)
    assert changed_reads(three_hours, related(3 * 3600 + 60)) == set()      # still "3 hours later"
    assert changed_reads(three_hours, related(5 * 3600)) == {f"related{SEP}a", f"related{SEP}{WHOLE}"}
