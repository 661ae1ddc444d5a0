"""What each output was built from (a signature of its inputs), to decide what is stale."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..core.errors import Problem
from ..core.schema import schema
from ..core.store import atomic_file, problem_data, problem_from


def signature(kind: str, template: str, context: Any) -> str:
    """A hash of everything a page is made from: its kind, its template chain and its context.

    Contexts are built in a deterministic order, so their JSON needs no key sorting."""
    digest = hashlib.blake2b(f"{kind}\0{template}\0".encode(), digest_size=16)
    digest.update(orjson.dumps(context, default=str))
    return digest.hexdigest()


def manifest_path(cache: Path, output: Path) -> Path:
    key = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return cache / f"manifest-{key}.json"


@dataclass(frozen=True)
class Manifest:
    """What the last good build wrote: output path -> signature, its input fingerprint, its warnings,
    which output folder it wrote (`folder_identity`) and the digest of the code that wrote it."""

    outputs: dict[str, str] = field(default_factory=dict)
    inputs: str = ""
    warnings: tuple[Problem, ...] = ()
    folder: str = ""
    code: str = ""


MANIFEST = schema(Manifest, format=3)


def folder_identity(folder: Path) -> str:
    """Device and inode of the output folder: a folder swapped in by a build that could not record
    itself (a read-only cache), or put back by hand, is not the one an older manifest describes."""
    try:
        info = folder.stat()
    except OSError:
        return ""
    return f"{info.st_dev}:{info.st_ino}"


def load_manifest(path: Path) -> Manifest:
    """The last good build's manifest; empty when missing, unreadable or from another version."""
    try:
        data = _read_json(path.read_bytes())
        if data.get("version") != MANIFEST.version:
            return Manifest()
        return Manifest({str(k): str(v) for k, v in data["outputs"].items()}, str(data["inputs"]),
                        tuple(map(problem_from, data["warnings"])), str(data["folder"]), str(data["code"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def _read_json(data: bytes) -> Any:
    """As `_json` wrote it: by orjson, or by Python's json where orjson finds lone surrogates."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def save_manifest(path: Path, manifest: Manifest) -> None:
    """Write atomically: a build killed here leaves the old manifest whole."""
    data = {"version": MANIFEST.version, "inputs": manifest.inputs, "outputs": manifest.outputs,
            "warnings": [problem_data(p) for p in manifest.warnings], "folder": manifest.folder,
            "code": manifest.code}
    with atomic_file(path) as handle:
        handle.write(_json(data))


def _json(data: dict[str, Any]) -> bytes:
    """orjson (a tenth of the time of Python's json for 50,000 outputs); Python's json for names
    that are not UTF-8, which orjson refuses (it cannot write the lone surrogates they hold)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(data, sort_keys=True).encode("utf-8")
