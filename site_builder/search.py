"""Static full-text search: a Pagefind bundle written into the output folder."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Coroutine
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
    """Run `coroutine` to completion in a helper thread, whatever event loop this thread may be running.

    A daemon thread, not an executor: interpreter exit must never wait on a Pagefind process
    that Ctrl+C has already killed."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:      # re-raised in the caller's thread
            outcome["error"] = error

    helper = threading.Thread(target=run, name="site-builder-search", daemon=True)
    helper.start()
    helper.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def index_site(output: Path, *, bundle_dir: str = "pagefind",
               language: str | None = None) -> SearchReport:
    """Index the HTML pages of `output` (their `data-pagefind-body` regions and filters)
    and write the search bundle to `output/bundle_dir`; callable from synchronous code."""
    output = output.resolve()
    bundle = output / bundle_dir
    started = time.perf_counter()
    pages = run_sync(_index(output, bundle, language))
    return SearchReport(pages, time.perf_counter() - started, bundle)
