"""The records of what each page's context read (`site.depends.Depends`) and of what the open
data's rows were made from (`site.tables.KeptRows`), kept beside the manifest.

The record of reads is a small file naming its parts, each kept in a folder beside it under the
hash of its bytes: the outputs with the reads' bounds and ids (NumPy arrays), and each collection
read from (its JSON). A build
writes only the parts it changed (the collections of an edit's few changed articles, the reads of
the pages it built) and reads back only those it needs: the collections whose hash differs from
its own, to tell which of their keys changed. A part is checked against its hash when read; a
missing or damaged one makes the record unusable (every page built again), never wrong.
"""
from __future__ import annotations

import base64
import binascii
import io
import os
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np

from ..core.model import Archive
from ..core.schema import schema
from ..core.store import TEMPORARY, DataError, atomic_file, read_cache, write_cache
from ..site.depends import Collections, Depends, value_digest
from ..site.formats.opendata import SCHEMA
from ..site.lookup import SiteIndex
from ..site.tables import KeptRows, PartRows
from .datafiles import SCHEMA_DIGEST

# the record, and the archive and index whose collections it holds (the format: how contexts read them)
DEPENDS = schema(Depends, Archive, SiteIndex, format=6)    # 6: in parts, each under its hash
ROWS = schema(KeptRows, PartRows, Depends, Archive, SiteIndex)
READS, VALUE = ".npz", ".json"   # the parts: the outputs with their reads' bounds and ids; a collection's JSON
ROWS_RECORD = "rows"     # its name among the records of data/'s files (`datafiles.Records`)


def depends_path(manifest: Path) -> Path:
    """Beside the manifest of the same output folder."""
    return manifest.with_name(manifest.stem.replace("manifest", "depends", 1) + ".json")


def parts_folder(path: Path) -> Path:
    """Where the parts of the record at `path` are kept."""
    return path.with_suffix("")


def load_depends(path: Path) -> Depends:
    """The last build's record; empty when missing, damaged or from another version. The
    collections are read when first asked (`Depends.changed` reads those whose hash differs)."""
    data = read_cache(path, DEPENDS.version)
    folder = parts_folder(path)
    try:
        with np.load(io.BytesIO(_part(folder, data["reads"], READS)), allow_pickle=False) as reads:
            text = reads["outputs"].tobytes().decode("utf-8", "surrogatepass")
            bounds, ids = reads["bounds"].astype(np.int64), reads["ids"].astype(np.uint32)
        outputs = tuple(text.split("\n")) if text else ()
        digests = {str(name): _digest(digest) for name, digest in data["values"].items()}
        inputs, world = str(data["inputs"]), str(data["world"])
    except (*DataError, OSError, UnicodeError, zipfile.BadZipFile):
        return Depends()
    if len(bounds) != len(outputs) + 1 or bounds[0] != 0 or bounds[-1] != len(ids) or np.any(np.diff(bounds) < 0):
        return Depends()
    return Depends(inputs, world, outputs, bounds, ids, Collections(_Parts(folder, digests), digests))


def save_depends(path: Path, depends: Depends) -> None:
    """Write the parts the folder lacks, then the record naming them (atomically: a build killed
    meanwhile leaves the last record and its parts whole), then remove the parts no longer named."""
    folder = parts_folder(path)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = io.BytesIO()
    np.savez(arrays, outputs=np.frombuffer("\n".join(depends.outputs).encode("utf-8", "surrogatepass"), dtype=np.uint8),
             bounds=depends.bounds.astype("<i8"), ids=depends.ids.astype("<u4"))
    reads = _save_part(folder, arrays.getvalue(), READS)
    values = depends.values
    kept = {name: values.digest(name) for name in values}
    for name, digest in kept.items():
        if not (folder / _part_name(digest, VALUE)).exists():
            _save_part(folder, values[name], VALUE, digest)
    write_cache(path, DEPENDS.version, {"inputs": depends.inputs, "world": depends.world, "reads": reads,
                                        "values": kept})
    live = {_part_name(reads, READS), *(_part_name(digest, VALUE) for digest in kept.values())}
    for entry in os.scandir(folder):
        if entry.name not in live and TEMPORARY not in entry.name:
            with suppress(OSError):
                os.unlink(entry.path)


class _Parts(Mapping[str, bytes]):
    """The kept collections by name, each read from its part when asked (ValueError when it is
    missing or not the bytes its hash names)."""

    def __init__(self, folder: Path, digests: dict[str, str]) -> None:
        self.folder, self.digests = folder, digests

    def __getitem__(self, name: str) -> bytes:
        try:
            return _part(self.folder, self.digests[name], VALUE)
        except OSError as error:
            raise ValueError(f"a part of the record cannot be read: {error}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)


def _part_name(digest: str, kind: str) -> str:
    return f"{digest}{kind}"


def _digest(value: Any) -> str:
    if not (isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)):
        raise ValueError("not a part's hash")
    return value


def _part(folder: Path, digest: Any, kind: str) -> bytes:
    """The bytes of the part named by `digest`; ValueError when they are not those it names."""
    path = folder / _part_name(_digest(digest), kind)
    data = path.read_bytes()
    if value_digest(data) != digest:
        path.unlink(missing_ok=True)     # or the next build would keep it, taking it for whole
        raise ValueError("a damaged part of the record")
    return data


def _save_part(folder: Path, data: bytes, kind: str, digest: str | None = None) -> str:
    """Keep `data` as the part of its hash (unless the folder holds it); the hash."""
    digest = digest or value_digest(data)
    target = folder / _part_name(digest, kind)
    if not target.exists():
        with atomic_file(target) as handle:
            handle.write(data)
    return digest


def load_rows(path: Path) -> KeptRows | None:
    """The last build's record of the open data's rows; None when missing, damaged, from another
    version or of other tables."""
    data = read_cache(path, ROWS.version)
    try:
        reads = _depends(data["reads"])
        tables = {table.name: _part_rows(data["tables"][table.name], len(table.pk)) for table in SCHEMA}
        ours = data["schema"] == SCHEMA_DIGEST
    except (*DataError, binascii.Error):
        return None
    whole = all(len(t.bounds) == len(reads.outputs) + 1 and t.bounds[0] == 0 and t.bounds[-1] == len(t.hashes)
                == len(t.keys) for t in tables.values())
    return KeptRows(reads, tables) if whole and ours and reads.outputs else None


def save_rows(path: Path, kept: KeptRows) -> None:
    """Write atomically; the rows' keys flat, the hashes and bounds as bytes, in base64."""
    write_cache(path, ROWS.version, {"schema": SCHEMA_DIGEST, "reads": _depends_data(kept.reads), "tables": {
        name: {"bounds": _b64(np.array(rows.bounds, dtype="<i8")), "hashes": _b64(np.array(rows.hashes, dtype="<i8")),
               "keys": [value for key in rows.keys for value in key]} for name, rows in kept.tables.items()}})


def _depends(data: Any) -> Depends:
    """A Depends from its record (raises DataError or binascii.Error when damaged)."""
    outputs = tuple(data["outputs"].split("\n")) if data["outputs"] else ()
    bounds = np.frombuffer(base64.b64decode(data["bounds"], validate=True), dtype="<i8")
    ids = np.frombuffer(base64.b64decode(data["ids"], validate=True), dtype="<u4")
    if len(bounds) != len(outputs) + 1 or bounds[0] != 0 or bounds[-1] != len(ids) or np.any(np.diff(bounds) < 0):
        return Depends()
    values = {str(name): base64.b64decode(value, validate=True) for name, value in data["values"].items()}
    return Depends(str(data["inputs"]), str(data["world"]), outputs, bounds, ids, Collections(values))


def _depends_data(depends: Depends) -> dict[str, Any]:
    return {"inputs": depends.inputs, "world": depends.world, "outputs": "\n".join(depends.outputs),
            "bounds": _b64(depends.bounds.astype("<i8")), "ids": _b64(depends.ids.astype("<u4")),
            "values": {name: base64.b64encode(value).decode("ascii") for name, value in depends.values.items()}}


def _part_rows(data: Any, width: int) -> PartRows:
    """A table's record of its rows: the bounds, hashes and keys (tuples of `width`) as kept."""
    bounds = np.frombuffer(base64.b64decode(data["bounds"], validate=True), dtype="<i8").tolist()
    hashes = np.frombuffer(base64.b64decode(data["hashes"], validate=True), dtype="<i8").tolist()
    flat = data["keys"]
    keys = list(zip(*[iter(flat)] * width)) if len(flat) % width == 0 else []
    return PartRows(bounds, hashes, keys)


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")
