"""Static full-text search: a Pagefind bundle written into the output folder."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pagefind.index import IndexConfig, PagefindIndex

T = TypeVar("T")

BUNDLE_FILES = ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json")


@dataclass(frozen=True)
class SearchReport:
    pages: int        # HTML pages Pagefind indexed
    seconds: float
    bundle: Path      # the folder the bundle was written to


async def _index(output: Path, bundle: Path, language: str | None) -> int:
    config = IndexConfig(output_path=str(bundle))
    if language:
        config["force_language"] = language
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(output))
    return indexed_pages(bundle)


def indexed_pages(bundle: Path) -> int:
    """How many pages a written bundle holds (pages without `data-pagefind-body` are left
    out once any page has one)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion in a helper thread, whatever event loop this thread may be running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def index_site(output: Path, *, bundle_dir: str = "pagefind",
               language: str | None = None) -> SearchReport:
    """Index the HTML pages of `output` (their `data-pagefind-body` regions and filters)
    and write the search bundle to `output/bundle_dir`; callable from synchronous code."""
    output = output.resolve()
    bundle = output / bundle_dir
    started = time.perf_counter()
    pages = run_sync(_index(output, bundle, language))
    return SearchReport(pages, time.perf_counter() - started, bundle)
