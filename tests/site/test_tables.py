"""The open data made part by part: the parts whose reads did not change are the last build's, and
the tables are still those made from the archive whole."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from site_builder.site.depends import changed_reads, values
from site_builder.site.formats.opendata import SCHEMA, archive_tables, row_digests
from site_builder.site.lookup import site_index
from site_builder.site.tables import OpenData, Stamp, open_data
from tests.site.test_depends import example

STAMP = Stamp("inputs", "world")


def assert_made_from(data: OpenData, archive: Any) -> None:
    """`data` holds the rows, keys and hashes a clean build makes from `archive`."""
    whole = archive_tables(archive)
    assert data.tables == whole
    for table in SCHEMA:
        assert data.rows(table.name) == row_digests(whole[table.name])
        assert [data.row(table.name, n) for n in range(len(whole[table.name]))] == whole[table.name]
    assert data.digests == open_data(archive, site_index(archive)).digests


def test_an_edited_article_s_rows_are_made_again_and_the_others_taken(example_site: Path) -> None:
    archive, index, _ = example(example_site)
    before = open_data(archive, index, stamp=STAMP)
    slug, article = next(iter(archive.articles.items()))
    edited = dataclasses.replace(archive, articles={**archive.articles, slug: dataclasses.replace(
        article, body=article.body + " zanzibarword", digest="edited")})
    edited_index = site_index(edited)
    changed = changed_reads(values(archive, index), values(edited, edited_index))
    after = open_data(edited, edited_index, before.kept, changed, STAMP)
    assert [after.parts.parts[n] for n in after.parts.made] == [f"article:{slug}"]   # the story's rows: no text
    assert_made_from(after, edited)
    again = open_data(edited, edited_index, after.kept, set(), STAMP)
    assert not again.parts.made
    assert_made_from(again, edited)


def test_the_parts_a_change_reaches_through_another_collection_are_made_again(example_site: Path) -> None:
    archive, index, _ = example(example_site)
    before = open_data(archive, index, stamp=STAMP)
    slug, links = next((slug, links) for slug, links in archive.related.items() if links and not links[-1].why.editor)
    edited = (*links[:-1], dataclasses.replace(links[-1], why=dataclasses.replace(links[-1].why, editor=True)))
    linked = dataclasses.replace(archive, related={**archive.related, slug: edited})
    changed = changed_reads(values(archive, index), values(linked, index))
    after = open_data(linked, index, before.kept, changed, STAMP)
    assert [after.parts.parts[n] for n in after.parts.made] == [f"article:{slug}"]
    assert_made_from(after, linked)
