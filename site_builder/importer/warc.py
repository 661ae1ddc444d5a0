"""Web archives in: the captured HTML pages of WARC (`.warc`, `.warc.gz`) and WACZ files.

A capture is one `response` record of an HTML page (status 200), found by one pass over the
archive (warcio) and read again later by its offset, so an archive of any size is never held in
memory. In a WACZ (a zip of WARC files, `pages/pages.jsonl` listing the pages it was made to
keep), only the listed pages are captures when the list is there. Each capture carries its
provenance: the address captured (`WARC-Target-URI`), when (`WARC-Date`), the record's id, and
the archive file's name and SHA-256.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from ..core.errors import Problem

WARC_SUFFIXES = (".warc", ".warc.gz")
WACZ_SUFFIX = ".wacz"
MAX_PAGE_BYTES = 20 * 1024 * 1024     # a capture larger than this is no article page


def is_web_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(WARC_SUFFIXES) or name.endswith(WACZ_SUFFIX)


@dataclass(frozen=True)
class Capture:
    """One captured HTML page: where its record is and what the record says of it."""

    archive: Path           # the .warc, .warc.gz or .wacz file
    member: str             # in a WACZ, the WARC file holding the record; "" for a WARC file
    offset: int             # the record's offset in its WARC file
    url: str                # WARC-Target-URI
    captured: str           # WARC-Date, as the record gives it (ISO 8601, UTC)
    record_id: str          # WARC-Record-ID
    archive_sha256: str     # of the archive file's bytes


@dataclass(frozen=True)
class Listing:
    """The captures of one archive file, and what could not be read of it."""

    captures: tuple[Capture, ...]
    problems: tuple[Problem, ...]


def archive_captures(path: Path) -> Listing:
    """Every HTML page captured in `path`, in the archive's order; a broken record ends the listing
    of its WARC file with a located problem (the captures before it are kept)."""
    digest = _sha256(path)
    captures: list[Capture] = []
    problems: list[Problem] = []
    try:
        members, pages = _members(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return Listing((), (Problem(str(path), None, f"not a readable WACZ file: {error}",
                                    "check that the file was copied whole"),))
    for member in members:
        try:
            with _opened(path, member) as stream:
                for capture in _responses(stream, path, member, digest):
                    if pages is None or capture.url in pages:
                        captures.append(capture)
        except Exception as error:  # noqa: BLE001 - warcio fails a malformed record many ways; each is located here
            where = f"{path}!{member}" if member else str(path)
            problems.append(Problem(where, None, "the web archive cannot be read past a record: "
                                           f"{type(error).__name__}: {error}",
                                    "the captures before it were imported; check that the file was copied whole"))
    return Listing(tuple(captures), tuple(problems))


def capture_time(warc_date: str) -> datetime:
    """A `WARC-Date` (ISO 8601, UTC, "Z" at its end) as an aware datetime."""
    return datetime.fromisoformat(warc_date.replace("Z", "+00:00"))


def capture_bytes(capture: Capture) -> bytes:
    """The page as the server sent it (transfer and content encodings undone, as warcio reads it)."""
    from warcio.archiveiterator import ArchiveIterator

    with _opened(capture.archive, capture.member) as stream:
        stream.seek(capture.offset)
        record = next(iter(ArchiveIterator(stream)))
        return record.content_stream().read(MAX_PAGE_BYTES + 1)


def _responses(stream: IO[bytes], path: Path, member: str, digest: str) -> Iterator[Capture]:
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(stream)
    for record in records:
        if record.rec_type != "response" or record.http_headers is None:
            continue
        status = record.http_headers.get_statuscode()
        kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
        if status != "200" or kind not in ("text/html", "application/xhtml+xml"):
            continue
        yield Capture(path, member, records.get_record_offset(), record.rec_headers.get_header("WARC-Target-URI") or "",
                      record.rec_headers.get_header("WARC-Date") or "",
                      record.rec_headers.get_header("WARC-Record-ID") or "", digest)


def _members(path: Path) -> tuple[list[str], set[str] | None]:
    """The WARC files to read ("" for the file itself) and, for a WACZ, the pages it lists (None: all)."""
    if not path.name.lower().endswith(WACZ_SUFFIX):
        return [""], None
    with zipfile.ZipFile(path) as wacz:
        names = wacz.namelist()
        warcs = sorted(n for n in names if n.startswith("archive/") and n.lower().endswith(WARC_SUFFIXES))
        if not warcs:
            raise ValueError("it holds no archive/*.warc or archive/*.warc.gz")
        pages: set[str] | None = None
        if "pages/pages.jsonl" in names:
            pages = set()
            for line in wacz.read("pages/pages.jsonl").decode("utf-8", "replace").splitlines():
                entry = json.loads(line) if line.strip() else {}
                if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                    pages.add(entry["url"])
    return warcs, pages


@contextmanager
def _opened(path: Path, member: str) -> Iterator[IO[bytes]]:
    if not member:
        with path.open("rb") as handle:
            yield handle
        return
    with zipfile.ZipFile(path) as wacz, wacz.open(member) as inner:
        # a member stored uncompressed (as WACZ files store their WARCs) seeks in place; else in memory
        yield inner if wacz.getinfo(member).compress_type == zipfile.ZIP_STORED else io.BytesIO(inner.read())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
