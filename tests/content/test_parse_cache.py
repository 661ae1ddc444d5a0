"""The parse cache: unchanged files are not parsed again, an edit rewrites one shard, damage is ignored."""
from __future__ import annotations

from pathlib import Path

from site_builder.build.pipeline import BuildOptions, build
from site_builder.content.load import load_content
from site_builder.core.config import load_config
from tests.build.test_incremental import HORMUZ, assert_same_as_clean, edit


def shards(site: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (site / ".site-builder-cache").glob("parsed-*.json")}


def test_an_edit_rewrites_one_shard_and_is_seen(example_site: Path) -> None:
    config = load_config(example_site)
    first = load_content(example_site, config)
    before = shards(example_site)
    assert len(before) > 1
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    second = load_content(example_site, config)
    after = shards(example_site)
    assert sum(before[name] != after[name] for name in before) == 1
    assert [a.body for a in second.articles if a.path == HORMUZ][0].count("had been urging") == 1
    assert [a for a in first.articles if a.path != HORMUZ] == [a for a in second.articles if a.path != HORMUZ]


def test_registry_edits_are_seen_through_the_cache(example_site: Path) -> None:
    config = load_config(example_site)
    load_content(example_site, config)
    edit(example_site, "content/entities.yaml", "aliases: [Kallas]", "aliases: [Kallas, Kaja]")
    entities = {e.name: e for e in load_content(example_site, config).registries.entities}
    assert entities["Kaja Kallas"].aliases == ("Kallas", "Kaja")


def test_a_damaged_cache_is_ignored(example_site: Path, tmp_path: Path) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    for path in (example_site / ".site-builder-cache").rglob("*"):
        if path.is_file() and not path.name.startswith("manifest"):
            path.write_bytes(b"\x80\x05damaged")
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    build(example_site, BuildOptions(search=False, jobs=1))
    assert_same_as_clean(example_site, tmp_path)
