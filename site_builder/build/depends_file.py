"""The record of what each page's context read (`site.depends.Depends`), kept beside the manifest."""
from __future__ import annotations

import base64
import binascii
from pathlib import Path

import numpy as np

from ..core.model import Archive
from ..core.schema import schema
from ..core.store import DataError, read_cache, write_cache
from ..site.depends import Depends
from ..site.lookup import SiteIndex

# the record, and the archive and index whose collections it holds (the format: how contexts read them)
DEPENDS = schema(Depends, Archive, SiteIndex, format=5)


def depends_path(manifest: Path) -> Path:
    """Beside the manifest of the same output folder."""
    return manifest.with_name(manifest.stem.replace("manifest", "depends", 1) + ".json")


def load_depends(path: Path) -> Depends:
    """The last build's record; empty when missing, damaged or from another version."""
    data = read_cache(path, DEPENDS.version)
    try:
        outputs = tuple(data["outputs"].split("\n")) if data["outputs"] else ()
        bounds = np.frombuffer(base64.b64decode(data["bounds"], validate=True), dtype="<i8")
        ids = np.frombuffer(base64.b64decode(data["ids"], validate=True), dtype="<u4")
        if len(bounds) != len(outputs) + 1 or bounds[0] != 0 or bounds[-1] != len(ids) or np.any(np.diff(bounds) < 0):
            return Depends()
        values = {str(name): base64.b64decode(value, validate=True) for name, value in data["values"].items()}
        found = Depends(str(data["inputs"]), str(data["world"]), outputs, bounds, ids, values)
    except (*DataError, binascii.Error):
        return Depends()
    return found


def save_depends(path: Path, depends: Depends) -> None:
    """Write atomically, as the manifest; the arrays and the collections' JSON as bytes, in base64."""
    write_cache(path, DEPENDS.version, {
        "inputs": depends.inputs, "world": depends.world, "outputs": "\n".join(depends.outputs),
        "bounds": base64.b64encode(depends.bounds.astype("<i8").tobytes()).decode("ascii"),
        "ids": base64.b64encode(depends.ids.astype("<u4").tobytes()).decode("ascii"),
        "values": {name: base64.b64encode(value).decode("ascii") for name, value in depends.values.items()}})
