"""The open data files written from the previous build's: only the rows that changed cost work.

Each file of data/ has a record in the cache: a hash of each row it holds (and, for a CSV file,
each row's length in bytes), with the identity of the file it describes (inode, size and
modification time; a published file keeps them, as it is moved and linked, never copied). When
the file in output/ is the one recorded, the next build
- copies the previous database and updates, deletes and inserts the changed rows only (its
  full-text index too), with SQLite's secure_delete, which overwrites what is deleted with zeros:
  the same tables as a clean build, not the same bytes; when a row was deleted or replaced, the
  index is merged too, so that no byte of it holds what was removed;
- writes a CSV file by copying the unchanged runs of rows from the previous file (in the kernel,
  with `copy_file_range`) and formatting the changed ones: the same bytes as a clean build.
Otherwise (no record, another file, --clean) the file is written whole.

The database of the build before the last one, in the previous site kept as a spare
(`build/spare.py`), is updated instead of a copy of the last build's when its record says what it
holds and nothing else links it: the commit would replace it anyway, so no 100 MB is copied, and
none freed. Its record is removed before it is touched (a build killed halfway leaves a file no
record describes), and the last build's record becomes the spare's: the last build's file is the
spare's once this build is committed.
"""
from __future__ import annotations

import csv
import errno
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypedDict

from ..core.schema import schema
from ..core.store import DataError, read_cache, write_cache
from ..site.formats.opendata import (
    DATABASE,
    FTS_TABLE,
    SCHEMA,
    STORIES_JSON,
    Rows,
    Table,
    csv_cells,
    stories_json,
    write_sqlite,
)

SCHEMA_DIGEST = hashlib.blake2b(repr(SCHEMA).encode("utf-8"), digest_size=8).hexdigest()
COPY_CHUNK = 1 << 30


class CsvRecord(TypedDict):
    """A CSV file: its header's length in bytes, and each row's hash and length."""

    header: int
    rows: list[int]
    lengths: list[int]


class TableRecord(TypedDict):
    """A table of the database: its hash, its rows' keys (flat) and hashes."""

    digest: str
    keys: list[Any]
    rows: list[int]


class DatabaseRecord(TypedDict):
    tables: dict[str, TableRecord]


class Described(TypedDict):
    """What a record says of the file beside what it holds: the tables' schema and the file's identity."""

    schema: str
    identity: list[int]


# the format: 3, CSV cells that would be formulas prefixed with a quote
DATA_RECORD = schema(CsvRecord, DatabaseRecord, Described, format=3)


@dataclass(frozen=True)
class Records:
    """Where the records of data/'s files are kept, and whether those there may be trusted."""

    folder: Path
    trusted: bool = True

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def spare_path(self, name: str) -> Path:
        """The record of the file of that name in the spare (the build before the last one's)."""
        return self.folder / f"{name}.spare.json"


@dataclass(frozen=True)
class Previous:
    """The file of the last build and the record of what it holds."""

    file: Path
    record: dict[str, Any]


class Data(Protocol):
    """The open data of a build: the stories listing, a hash of each table whole (by CSV file
    name), each table's rows' hashes and keys, and its rows, each made when asked (a file
    written from the last build's needs only those that changed)."""

    @property
    def tables(self) -> dict[str, Rows]: ...
    @property
    def listing(self) -> Any: ...
    @property
    def digests(self) -> dict[str, str]: ...
    def rows(self, table: str) -> list[int]: ...
    def keys(self, table: str) -> list[tuple[Any, ...]]: ...
    def row(self, table: str, n: int) -> tuple[Any, ...]: ...


def update_data_file(name: str, data: Data, target: Path, published: Path, records: Records | None,
                     spare: Path | None = None) -> None:
    """Write one file of data/ at `target` (a new file), from `published` (the file of the last
    build) where its record allows, or for the database from `spare` (the file of the build before,
    in the spare site); then record what `target` holds."""
    if name == STORIES_JSON:
        with open(target, "xb") as handle:
            handle.write(stories_json(data.listing))
        return
    trusted = records if records is not None and records.trusted else None
    record: CsvRecord | DatabaseRecord
    if name == DATABASE:
        record = _database(data, target, published, spare, trusted)
    else:
        table = next(t for t in SCHEMA if t.csv_name == name)
        record = _write_csv(table, data, target, _previous(published, trusted.path(name)) if trusted else None)
    if records is not None:
        if name == DATABASE:      # the last build's file is the spare's once this build is committed
            with suppress(OSError):
                os.replace(records.path(name), records.spare_path(name))
        _save(records.path(name), target, record)


def _previous(published: Path, record_path: Path) -> Previous | None:
    data = read_cache(record_path, DATA_RECORD.version)
    try:
        if data is None or data["schema"] != SCHEMA_DIGEST or data["identity"] != _identity(published):
            return None
    except (OSError, *DataError):
        return None
    return Previous(published, data)


def _database(data: Data, target: Path, published: Path, spare: Path | None,
              records: Records | None) -> DatabaseRecord:
    """The database from the spare's file where its record allows, else from a copy of the
    published one where its record allows, else written whole."""
    kept = _spare(spare, records) if records is not None and spare is not None else None
    updated = _update_spare(data, target, kept) if kept is not None else None
    if updated is not None:
        return updated
    return _write_database(data, target, _previous(published, records.path(DATABASE)) if records else None)


def _spare(spare: Path, records: Records) -> Previous | None:
    """The spare's file and its record, when the record describes it and no other name (the
    published site's included) links it; its record is removed, as the file is about to change."""
    kept = _previous(spare, records.spare_path(DATABASE))
    if kept is None:
        return None
    records.spare_path(DATABASE).unlink(missing_ok=True)
    try:
        return kept if os.stat(spare).st_nlink == 1 else None
    except OSError:
        return None


def _identity(path: Path) -> list[int]:
    info = os.stat(path)
    return [info.st_ino, info.st_size, info.st_mtime_ns]


def _save(path: Path, target: Path, record: CsvRecord | DatabaseRecord) -> None:
    """Record what `target` holds; a cache that cannot be written only means a whole file next time."""
    try:
        write_cache(path, DATA_RECORD.version, {**record, "schema": SCHEMA_DIGEST, "identity": _identity(target)})
    except OSError:
        with suppress(OSError):          # the record it replaces names the previous file: not trusted now
            path.unlink(missing_ok=True)


# -- CSV ----------------------------------------------------------------------------------------------
class _Sink:
    """What csv.writer writes into: the file `fd`, through a buffer of about a megabyte (the
    largest files of the site are never held in memory whole); each row's length is returned."""

    LIMIT = 1 << 20

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.parts.append(data)
        self.size += len(data)
        if self.size >= self.LIMIT:
            self.flush()
        return len(data)

    def flush(self) -> None:
        _write_all(self.fd, b"".join(self.parts))
        self.parts.clear()
        self.size = 0


def _write_csv(table: Table, data: Data, target: Path, previous: Previous | None) -> CsvRecord:
    """One table as CSV at `target` (RFC 4180: a header row, CRLF line ends, quoted where needed)."""
    digests = data.rows(table.name)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        sink = _Sink(fd)
        writer = csv.writer(sink)
        header = writer.writerow([c.name for c in table.columns])
        old = _old_rows(previous, header) if previous else {}
        source = os.open(previous.file, os.O_RDONLY) if previous and old else None
        try:
            lengths = _write_rows(writer, sink, source, partial(data.row, table.name), digests, old)
        finally:
            if source is not None:
                os.close(source)
    finally:
        os.close(fd)
    return {"header": header, "rows": digests, "lengths": lengths}


def _write_rows(writer: Any, sink: _Sink, source: int | None, row: Callable[[int], tuple[Any, ...]],
                digests: list[int], old: dict[int, tuple[int, int]]) -> list[int]:
    """Each row (`row(n)`, made only when asked) formatted, or copied from the previous file
    (`source`) where `old` has it; the rows' lengths in bytes."""
    lengths: list[int] = []
    run: list[int] = []          # [offset, length] of the previous file's rows to copy next
    for n, digest in enumerate(digests):
        kept = old.get(digest) if source is not None else None
        if kept is not None:
            if run and run[0] + run[1] == kept[0]:
                run[1] += kept[1]
            else:
                _copy_run(source, sink, run)
                run = [*kept]
            lengths.append(kept[1])
        else:
            _copy_run(source, sink, run)
            run = []
            lengths.append(writer.writerow(csv_cells(row(n))))
    _copy_run(source, sink, run)
    sink.flush()
    return lengths


def _old_rows(previous: Previous, header: int) -> dict[int, tuple[int, int]]:
    """Row hash -> (offset, length) in the previous file (equal hashes are equal lines)."""
    record = previous.record
    if record.get("header") != header or len(record["rows"]) != len(record["lengths"]):
        return {}
    old: dict[int, tuple[int, int]] = {}
    offset = header
    for digest, length in zip(record["rows"], record["lengths"]):
        old.setdefault(digest, (offset, length))
        offset += length
    return old


def _copy_run(source: int | None, sink: _Sink, run: list[int]) -> None:
    """Copy a run of the previous file's rows after what the sink gathered."""
    if not run or source is None:
        return
    sink.flush()
    offset, length = run
    while length > 0:
        try:
            done = os.copy_file_range(source, sink.fd, min(length, COPY_CHUNK), offset)
        except (OSError, AttributeError):      # another file system or system: through user space
            done = _write_all(sink.fd, os.pread(source, min(length, 1 << 24), offset))
        if done <= 0:
            raise OSError(errno.EIO, "the previous file is shorter than its record")
        offset, length = offset + done, length - done


def _write_all(fd: int, data: bytes) -> int:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    return len(data)


# -- the database --------------------------------------------------------------------------------------
def _write_database(data: Data, target: Path, previous: Previous | None) -> DatabaseRecord:
    """The database at `target`: the previous one updated where its record allows, else written whole.
    A table whose hash is the recorded one is left as it is, its record kept."""
    old = _old_tables(previous) if previous else None
    if previous is None or old is None:
        write_sqlite(data.tables, target)
        return {"tables": {t.name: _table_record(t, data) for t in SCHEMA}}
    scratch = target.with_name(f"{target.name}.update")
    shutil.copyfile(previous.file, scratch)          # copy_file_range or sendfile: in the kernel
    return _updated(data, target, scratch, previous, old)


def _update_spare(data: Data, target: Path, spare: Previous) -> DatabaseRecord | None:
    """The database at `target`: the spare's file itself (a hard link to it) updated from what its
    record says; None when it cannot be."""
    old = _old_tables(spare)
    if old is None:
        return None
    scratch = target.with_name(f"{target.name}.update")
    try:
        os.link(spare.file, scratch)
    except OSError:                  # a file system without hard links
        return None
    return _updated(data, target, scratch, spare, old)


def _updated(data: Data, target: Path, scratch: Path, previous: Previous,
             old: dict[str, dict[tuple[Any, ...], int]]) -> DatabaseRecord:
    """The database at `scratch` (a copy of `previous`, or the spare's own file) brought up to date
    and moved to `target`."""
    try:
        tables: dict[str, TableRecord] = {}
        stale = False
        db = sqlite3.connect(scratch, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # no site shows it until it is moved into place whole
            db.execute("PRAGMA synchronous = OFF")
            db.execute("PRAGMA secure_delete = ON")  # what is deleted or replaced is overwritten with zeros
            db.execute("BEGIN")
            for table in SCHEMA:
                saved = previous.record["tables"][table.name]
                if saved["digest"] == data.digests[table.csv_name]:
                    tables[table.name] = saved
                    continue
                tables[table.name] = _table_record(table, data)
                stale |= _update_table(db, table, data, old[table.name])
            db.execute("COMMIT")
            if stale:
                _forget_removed(db)
        finally:
            db.close()
        os.rename(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)
    return {"tables": tables}


def _forget_removed(db: sqlite3.Connection) -> None:
    """Merge the full-text index, which keeps a removed word in its segments until they are merged
    ('optimize' merges them all); with secure_delete the segments it frees are zeroed, as are the
    removed rows, so no byte of the file holds what was deleted or replaced."""
    db.execute(f"INSERT INTO [{FTS_TABLE}] ([{FTS_TABLE}]) VALUES ('optimize')")


def _table_record(table: Table, data: Data) -> TableRecord:
    """A table's hash, and its rows' keys and hashes."""
    keys = data.keys(table.name)
    return {"digest": data.digests[table.csv_name], "keys": _flat(keys, len(table.pk)), "rows": data.rows(table.name)}


def _flat(keys: list[tuple[Any, ...]], width: int) -> list[Any]:
    return [value for key in keys for value in key] if width > 1 else [key[0] for key in keys]


def _old_tables(previous: Previous) -> dict[str, dict[tuple[Any, ...], int]] | None:
    """Per table, each row's key -> its hash, as the previous database holds them."""
    try:
        saved = previous.record["tables"]
        old = {}
        for table in SCHEMA:
            keys, rows, width = saved[table.name]["keys"], saved[table.name]["rows"], len(table.pk)
            if len(keys) != width * len(rows) or not isinstance(saved[table.name]["digest"], str):
                return None
            pairs = zip(*[iter(keys)] * width) if width > 1 else ((k,) for k in keys)
            old[table.name] = dict(zip(pairs, rows))
        return old
    except DataError:
        return None


def _update_table(db: sqlite3.Connection, table: Table, data: Data, old: dict[tuple[Any, ...], int]) -> bool:
    """Bring one table (and for articles, the full-text index) from the old rows to the new (only
    the changed ones made); whether any row was deleted or replaced (its old values then linger in
    the file)."""
    keys = data.keys(table.name)
    changed = [(data.row(table.name, n), key) for n, (key, digest) in enumerate(zip(keys, data.rows(table.name)))
               if old.get(key) != digest]
    gone = old.keys() - set(keys)
    if not changed and not gone:
        return False
    match = " AND ".join(f"[{name}] = ?" for name in table.pk)
    indexed = table.name == "articles"
    stale = [*gone, *(key for _, key in changed if key in old)]
    if indexed and stale:
        for key in stale:
            db.execute(f"INSERT INTO [{FTS_TABLE}] ([{FTS_TABLE}], rowid, title, body) "
                       f"SELECT 'delete', rowid, title, body FROM articles WHERE {match}", key)
    db.executemany(f"DELETE FROM [{table.name}] WHERE {match}", list(gone))
    names = [c.name for c in table.columns]
    updates = [(*row, *key) for row, key in changed if key in old]
    if updates:
        assignments = ", ".join(f"[{name}] = ?" for name in names)
        db.executemany(f"UPDATE [{table.name}] SET {assignments} WHERE {match}", updates)
    inserts = [row for row, key in changed if key not in old]
    if inserts:
        columns = ", ".join(f"[{name}]" for name in names)
        db.executemany(f"INSERT INTO [{table.name}] ({columns}) VALUES ({', '.join('?' * len(names))})", inserts)
    if indexed:
        for _, key in changed:
            db.execute(f"INSERT INTO [{FTS_TABLE}] (rowid, title, body) "
                       f"SELECT rowid, title, body FROM articles WHERE {match}", key)
    return bool(gone or updates)


