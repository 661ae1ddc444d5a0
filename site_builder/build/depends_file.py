"""The records of what each page's context read (`site.depends.Depends`) and of what the open
data's rows were made from (`site.tables.KeptRows`), kept beside the manifest."""
from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

import numpy as np

from ..core.model import Archive
from ..core.schema import schema
from ..core.store import DataError, read_cache, write_cache
from ..site.depends import Depends
from ..site.formats.opendata import SCHEMA
from ..site.lookup import SiteIndex
from ..site.tables import KeptRows, PartRows
from .datafiles import SCHEMA_DIGEST

# the record, and the archive and index whose collections it holds (the format: how contexts read them)
DEPENDS = schema(Depends, Archive, SiteIndex, format=5)
ROWS = schema(KeptRows, PartRows, Depends, Archive, SiteIndex)
ROWS_RECORD = "rows"     # its name among the records of data/'s files (`datafiles.Records`)


def depends_path(manifest: Path) -> Path:
    """Beside the manifest of the same output folder."""
    return manifest.with_name(manifest.stem.replace("manifest", "depends", 1) + ".json")


def load_depends(path: Path) -> Depends:
    """The last build's record; empty when missing, damaged or from another version."""
    try:
        return _depends(read_cache(path, DEPENDS.version))
    except (*DataError, binascii.Error):
        return Depends()


def save_depends(path: Path, depends: Depends) -> None:
    """Write atomically, as the manifest; the arrays and the collections' JSON as bytes, in base64."""
    write_cache(path, DEPENDS.version, _depends_data(depends))


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
    return Depends(str(data["inputs"]), str(data["world"]), outputs, bounds, ids, values)


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
