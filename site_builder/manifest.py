"""What each output was built from (a signature of its inputs), to decide what is stale."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import orjson

VERSION = 1


def signature(kind: str, template: str, context: Any) -> str:
    """A hash of everything a page is made from: its kind, its template chain and its context.

    Contexts are built in a deterministic order, so their JSON needs no key sorting."""
    digest = hashlib.blake2b(f"{kind}\0{template}\0".encode("utf-8"), digest_size=16)
    digest.update(orjson.dumps(context, default=str))
    return digest.hexdigest()


def manifest_path(cache: Path, output: Path) -> Path:
    key = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return cache / f"manifest-{key}.json"


def load_manifest(path: Path) -> dict[str, str]:
    """Output path -> signature from the last good build; empty when missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("outputs"), dict):
        return {}
    return {str(k): str(v) for k, v in data["outputs"].items()}


def save_manifest(path: Path, outputs: dict[str, str]) -> None:
    """Write atomically: a build killed here leaves the old manifest whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"version": VERSION, "outputs": outputs}, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
