"""`export` and `explore`: the open data of data/ written outside the site, and opened in Datasette."""
from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .core.store import TEMPORARY
from .core.config import load_config
from .core.errors import fail
from .check.stories import load_archive
from .site.formats.opendata import DATABASE, SCHEMA, STORIES_JSON, archive_listing, archive_tables, write_data_file

FORMATS = {"sqlite": DATABASE, "csv": "archive-csv", "json": STORIES_JSON}    # format -> default output


@dataclass(frozen=True)
class Exported:
    target: Path
    files: tuple[str, ...]        # file names written, inside `target` for csv


def export_data(site: Path, fmt: str, target: Path | None = None, force: bool = False,
                drafts: bool = False) -> Exported:
    """Write the site's archive as `fmt` to `target` (default: FORMATS[fmt] in the current folder).

    An existing file or non-empty folder is replaced only with `force`; each file appears whole or
    not at all."""
    target = target or Path(FORMATS[fmt])
    _refuse_existing(target, fmt, force)
    archive = load_archive(site, drafts)
    tables, listing = archive_tables(archive), archive_listing(archive)
    names = [t.csv_name for t in SCHEMA] if fmt == "csv" else [FORMATS[fmt]]
    try:
        for name in names:
            _write_whole(target / name if fmt == "csv" else target, lambda path: write_data_file(name, tables, listing, path))
    except OSError as error:
        raise fail(str(target), None, f"cannot write the export: {error.strerror or error}",
                   "free disk space or choose a writable --output") from error
    return Exported(target, tuple(names))


def _write_whole(path: Path, write: Callable[[Path], None]) -> None:
    """`write(temporary)` beside `path`, then moved onto it: the file appears whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}{TEMPORARY}{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _refuse_existing(target: Path, fmt: str, force: bool) -> None:
    if force or not target.exists():
        return
    if fmt == "csv" and target.is_dir() and not any(target.iterdir()):
        return
    raise fail(str(target), None, "already exists; the export does not replace it",
               "choose another --output, or add --force to replace it")


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def datasette_command(database: Path, port: int) -> list[str]:
    """Datasette serving `database` on 127.0.0.1 only, to requests whose Host names this server."""
    return [sys.executable, "-m", "site_builder.serve.explore", str(database), str(port)]


def explore(site: Path, port: int, drafts: bool = False) -> int:
    """Export the archive's database into the site's cache and serve it with Datasette until stopped
    (Ctrl-C or SIGTERM, which stop Datasette too); the exit status of Datasette."""
    if importlib.util.find_spec("datasette") is None:
        raise fail("explore", None, "needs Datasette, an optional extra that is not installed",
                   "pip install 'site_builder[explore]'")
    folder = site / load_config(site).paths.cache / "explore"
    database = export_data(site, "sqlite", folder / DATABASE, force=True, drafts=drafts).target
    signal.signal(signal.SIGTERM, _stop)
    server = subprocess.Popen(datasette_command(database, port))
    try:
        return server.wait()
    finally:                 # stopped by a signal or Ctrl-C: never leave the server behind
        if server.poll() is None:
            server.terminate()
            server.wait(10)
