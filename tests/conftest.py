"""Shared fixtures: a copy of the example archive, a local static server, a headless Chromium."""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"


def copy_example(site: Path) -> Path:
    """The example archive (content/, static/ and site.toml) copied into `site`."""
    site.mkdir(parents=True)
    for folder in ("content", "static"):
        shutil.copytree(REPO / folder, site / folder)
    shutil.copy(REPO / "site.toml", site / "site.toml")
    return site


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A private copy of the example archive, to edit and build."""
    return copy_example(tmp_path / "site")


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example archive built once (without a search index) for the tests that only read its
    output/. Read-only: a test that edits or rebuilds the site takes `example_site`; a change to the
    output fails the session."""
    yield from _shared_build(tmp_path_factory.mktemp("built-example"), search=False)


@pytest.fixture(scope="session")
def indexed_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`built_example` with its search index, as read-only."""
    yield from _shared_build(tmp_path_factory.mktemp("indexed-example"), search=True)


def _shared_build(folder: Path, search: bool) -> Iterator[Path]:
    from site_builder.build.pipeline import BuildOptions, build
    site = copy_example(folder / "site")
    build(site, BuildOptions(search=search, jobs=1))
    before = _stamps(site / "output")
    yield site
    assert _stamps(site / "output") == before, "a test changed a shared built example"


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file under `folder`: its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def database_contents(path: Path) -> bytes:
    """What a database of data/ holds, whatever its bytes: its schema, every table ordered by its
    key, and each word of the full-text index with the article and place it indexes."""
    from site_builder.site.formats.opendata import FTS_TABLE, SCHEMA
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        parts: list[Any] = [db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()]
        for table in SCHEMA:
            parts.append(db.execute(f"SELECT * FROM [{table.name}] ORDER BY {', '.join(table.pk)}").fetchall())
        db.execute(f"CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, {FTS_TABLE}, 'instance')")
        parts.append(sorted(db.execute("SELECT t.term, a.slug, t.col, t.offset FROM temp.terms t "
                                       "JOIN articles a ON a.rowid = t.doc").fetchall()))
    return repr(parts).encode("utf-8")


def write_article(site: Path, name: str, text: str) -> Path:
    path = site / "content" / "articles" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = _QuietHandler) -> Iterator[str]:
    """A plain static server of `folder` on 127.0.0.1 while the block runs: its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def static_server() -> Iterator[object]:
    """Start plain static servers on 127.0.0.1: serve(folder) -> base URL."""
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(serving(folder))


def launched_chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright (skipped where it is not installed), closed at the end."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launched_chromium()


# Hypothesis profiles (tests/test_fuzz.py): a bounded run in `make test`, a long one in `make fuzz`.
import os as _os  # noqa: E402

from hypothesis import settings as _settings  # noqa: E402

_settings.register_profile("default", max_examples=30, deadline=None)
_settings.register_profile("fuzz", max_examples=1000, deadline=None)
_settings.load_profile(_os.environ.get("HYPOTHESIS_PROFILE", "default"))
