"""The open data as a build makes it: its tables part by part (`formats.opendata.table_parts`),
each part's rows hashed, and, where the last build's record shows that none of a part's reads
changed (`depends.changed_reads`), its keys and hashes taken from that record instead, its rows
made only when a file written whole or a changed row asks for them."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.model import Archive, Story
from .depends import Depends, Recorder, merge, read_ids, watched
from .formats.opendata import SCHEMA, Rows, archive_listing, file_digests, part_rows, row_digests, row_keys, table_parts
from .lookup import SiteIndex


@dataclass(frozen=True)
class PartRows:
    """One table's rows as the parts made them: part n's are [bounds[n]:bounds[n + 1]]."""

    bounds: list[int]
    hashes: list[int]
    keys: list[tuple[Any, ...]]


@dataclass(frozen=True)
class KeptRows:
    """What a build made the open data's rows from, for the next: each part's reads (the parts
    are the outputs of `reads`, which is stamped with the build's inputs and world) and each
    table's rows' keys and hashes."""

    reads: Depends = field(default_factory=Depends)
    tables: dict[str, PartRows] = field(default_factory=dict)


@dataclass(frozen=True)
class Stamp:
    """The build the rows are made in: its inputs' fingerprint and `world` (as its Depends record's)."""

    inputs: str
    world: str


class _Rows:
    """Each part's rows, made when first asked (from the unwatched archive: the reads of a part
    taken from the last build's record are those it recorded)."""

    def __init__(self, archive: Archive, parts: list[str], made: dict[int, dict[str, Rows]]) -> None:
        self.archive, self.parts, self.made = archive, parts, made
        self.stories: dict[str, Story] = {}

    def of(self, n: int) -> dict[str, Rows]:
        rows = self.made.get(n)
        if rows is None:
            if not self.stories:
                self.stories = {story.id: story for story in self.archive.stories}
            rows = self.made[n] = part_rows(self.archive, self.stories, self.parts[n])
        return rows


@dataclass(frozen=True)
class OpenData:
    """The archive's tables (every row's key and hash; the rows themselves when asked), its
    stories listing, the hash of what each file of data/ is written from, and the record of its
    rows for the next build."""

    listing: dict[str, Any]
    digests: dict[str, str]       # file name -> hash of what it is written from
    made: dict[str, PartRows]     # table -> its rows' keys and hashes, by part
    kept: KeptRows
    parts: _Rows

    def rows(self, table: str) -> list[int]:
        """The hash of each row of `table`."""
        return self.made[table].hashes

    def keys(self, table: str) -> list[tuple[Any, ...]]:
        """The primary key of each row of `table`."""
        return self.made[table].keys

    def row(self, table: str, n: int) -> tuple[Any, ...]:
        """Row `n` of `table`."""
        bounds = self.made[table].bounds
        part = bisect_right(bounds, n) - 1
        return self.parts.of(part)[table][n - bounds[part]]

    @property
    def tables(self) -> dict[str, Rows]:
        """Every row of every table (for a file written whole)."""
        every = [self.parts.of(n) for n in range(len(self.parts.parts))]
        return {t.name: [row for rows in every for row in rows.get(t.name, ())] for t in SCHEMA}


def open_data(archive: Archive, index: SiteIndex, last: KeptRows | None = None, changed: set[str] | None = None,
              stamp: Stamp | None = None) -> OpenData:
    """The open data; the parts of `last` none of whose reads are `changed` (None: not known) are
    taken as they were. With a `stamp`, each part's reads are recorded for the next build."""
    parts = table_parts(archive)
    clean = last.reads.clean(changed) if last is not None and changed is not None else {}
    recorder = Recorder()
    seen, seen_index = watched(archive, index, recorder) if stamp else (archive, index)
    tables = {t.name: PartRows([0], [], []) for t in SCHEMA}
    made: dict[int, dict[str, Rows]] = {}
    reads: dict[str, np.ndarray] = {}
    ids: dict[str, int] = {}
    run: list[int] = []          # [first, end) of the last build's parts to take next
    for n, part in enumerate(parts):
        old = clean.get(part)
        if last is not None and old is not None:
            if run and run[1] == old:
                run[1] += 1
            else:
                _take(tables, last, run)
                run = [old, old + 1]
            continue
        _take(tables, last, run)
        run = []
        made[n] = _made(tables, part_rows(seen, seen_index.stories, part))
        if stamp:
            reads[part] = read_ids(recorder.take(), ids)
    _take(tables, last, run)
    kept = KeptRows(merge(last.reads if last else Depends(), stamp.inputs, stamp.world, clean, reads, {}, parts),
                    tables) if stamp else KeptRows()
    listing = archive_listing(archive)
    return OpenData(listing, file_digests({name: rows.hashes for name, rows in tables.items()}, listing), tables,
                    kept, _Rows(archive, parts, made))


def _take(tables: dict[str, PartRows], last: KeptRows | None, run: list[int]) -> None:
    """A run of the last build's parts ([first, end)), after the rows gathered: each part's rows
    as they were."""
    if not run or last is None:
        return
    for name, rows in tables.items():
        old = last.tables[name]
        start, end = old.bounds[run[0]], old.bounds[run[1]]
        rows.hashes.extend(old.hashes[start:end])
        rows.keys.extend(old.keys[start:end])
        shift = rows.bounds[-1] - start
        rows.bounds.extend(shift + bound for bound in old.bounds[run[0] + 1:run[1] + 1])


def _made(tables: dict[str, PartRows], made: dict[str, Rows]) -> dict[str, Rows]:
    """A part's rows, made now, hashed after those gathered."""
    for table in SCHEMA:
        rows, into = made.get(table.name, []), tables[table.name]
        into.hashes.extend(row_digests(rows))
        into.keys.extend(row_keys(table, rows))
        into.bounds.append(into.bounds[-1] + len(rows))
    return made
