"""`export` and `explore`: the open data of data/ written outside the site, and opened in Datasette."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .core.config import load_config
from .core.errors import fail
from .core.store import TEMPORARY
from .site.formats.opendata import (
    DATABASE,
    SCHEMA,
    STORIES_JSON,
    archive_listing,
    archive_tables,
    write_whole_data_file,
)
from .stories import site_archive

FORMATS = {"sqlite": DATABASE, "csv": "archive-csv", "json": STORIES_JSON}    # format -> default output


@dataclass(frozen=True)
class Exported:
    target: Path
    files: tuple[str, ...]        # file names written, inside `target` for csv


def export_data(site: Path, fmt: str, target: Path | None = None, force: bool = False,
                drafts: bool = False) -> Exported:
    """Write the site's archive as `fmt` to `target` (default: FORMATS[fmt] in the current folder).

    An existing file or non-empty folder is replaced only with `force`; each file appears whole or
    not at all. A pipe or terminal named (`/dev/stdout`) is written into; a symbolic link is never
    replaced (with `force`, one to a regular file has that file replaced), nor a special file."""
    target = target or Path(FORMATS[fmt])
    if fmt == "csv":
        _refuse_existing_folder(target, force)
        destinations = {t.csv_name: _destination(target / t.csv_name, True) for t in SCHEMA}
    else:
        destinations = {FORMATS[fmt]: _destination(target, force)}
    archive = site_archive(site, drafts)
    tables, listing = archive_tables(archive), archive_listing(archive)
    try:
        for name, destination in destinations.items():
            destination.write(partial(write_whole_data_file, name, tables, listing))
    except OSError as error:
        raise fail(str(target), None, f"cannot write the export: {error.strerror or error}",
                   "free disk space or choose a writable --output") from error
    return Exported(target, tuple(destinations))


@dataclass(frozen=True)
class _Destination:
    """Where one exported file goes: `path`, replaced whole, or a pipe or terminal written into."""

    path: Path
    stream: bool = False

    def write(self, write: Callable[[Path], None]) -> None:
        if self.stream:
            _write_into(self.path, write)
        else:
            _write_whole(self.path, write)


def _destination(path: Path, force: bool) -> _Destination:
    """Where an export named `path` is written, after following its links; a located error where
    it may not be: an existing file without `force`, a link leading nowhere, a folder, a special file."""
    try:
        mode = os.stat(path).st_mode          # through any links (/dev/stdout -> /proc/self/fd/1 -> a pipe)
    except FileNotFoundError:
        if os.path.islink(path):
            raise fail(str(path), None, f"is a symbolic link to {os.readlink(path)}, which does not exist; "
                       "the export does not replace a link", "choose another --output, or remove the link") from None
        return _Destination(path)
    except OSError as error:
        raise fail(str(path), None, f"cannot be read: {error.strerror or error}", "choose another --output") from None
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return _Destination(path, stream=True)
    if stat.S_ISDIR(mode):
        raise fail(str(path), None, "is a folder; this format writes one file", "name a file with --output")
    if not stat.S_ISREG(mode):
        raise fail(str(path), None, "is a special file (not a regular file, pipe or terminal); "
                   "the export does not replace it", "choose another --output")
    if not force:
        raise fail(str(path), None, "already exists; the export does not replace it",
                   "choose another --output, or add --force to replace it")
    return _Destination(Path(os.path.realpath(path)) if os.path.islink(path) else path)


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


def _write_into(path: Path, write: Callable[[Path], None]) -> None:
    """`write(temporary)` in a folder of its own, then its bytes written into the pipe or terminal
    `path`, which stays what it is."""
    with tempfile.TemporaryDirectory(prefix="site-builder-export-") as folder:
        made = Path(folder) / path.name
        write(made)
        with open(made, "rb") as source, open(path, "wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)


def _refuse_existing_folder(target: Path, force: bool) -> None:
    """The folder of a CSV export: new, empty, or replaced only with `force`; never a link leading
    nowhere or what is not a folder."""
    if os.path.islink(target) and not target.exists():
        raise fail(str(target), None, f"is a symbolic link to {os.readlink(target)}, which does not exist; "
                   "the export does not replace a link", "choose another --output, or remove the link")
    if not target.exists():
        return
    if not target.is_dir():
        raise fail(str(target), None, "is not a folder; the CSV export writes a folder of files",
                   "choose another --output")
    if not force and any(target.iterdir()):
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
