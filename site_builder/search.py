"""Static full-text search: a Pagefind bundle, made by the Pagefind program under a time limit.

A bundle is always written into a new folder and only then moved into place, so it never
holds a page of an earlier build, and a failed or hung Pagefind leaves the previous one whole."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem, SiteError
from .writer import new_work_folder

BUNDLE_DIR = "pagefind"
BUNDLE_FILES = ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json")
TIMEOUT_SECONDS = 120.0         # Pagefind's time limit: this, plus
TIMEOUT_PER_PAGE = 0.05         # this per page (10,000 pages take about 25 s on two cores)
_SIGNATURE = b"pagefind_dcd"    # what each of Pagefind's gzipped index files starts with


@dataclass(frozen=True)
class SearchReport:
    pages: int        # HTML pages Pagefind indexed
    seconds: float
    bundle: Path      # the folder the bundle was written to


def index_site(output: Path, *, bundle_dir: str = BUNDLE_DIR, language: str | None = None) -> SearchReport:
    """Index the HTML pages of `output` (their `data-pagefind-body` regions and filters) and
    replace `output/bundle_dir` by the new bundle whole."""
    output = output.resolve()
    bundle = output / bundle_dir
    work = new_work_folder(output.with_name(f"{output.name}.staging-{os.getpid()}.bundle"))
    try:
        report = write_bundle(output, work / BUNDLE_DIR, bundle, language)
        aside = work / "previous"
        if os.path.lexists(bundle):
            os.replace(bundle, aside)
        os.replace(work / BUNDLE_DIR, bundle)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SearchReport(report.pages, report.seconds, bundle)


def index_pages(staging: Path, output: Path, pages: list[str], written: set[str]) -> SearchReport:
    """The bundle of the site a build leaves, written to `staging/pagefind`: `pages` are read from
    the staging folder when this build wrote them, else from `output`."""
    bundle, shown = staging / BUNDLE_DIR, output / BUNDLE_DIR
    if written.issuperset(pages):
        return write_bundle(staging, bundle, shown, None)
    view = new_work_folder(staging.with_name(staging.name + ".search"))
    try:
        for relative in pages:
            _link(staging / relative if relative in written else output / relative, view / relative)
        return write_bundle(view, bundle, shown, None)
    finally:
        shutil.rmtree(view, ignore_errors=True)


def _link(source: Path, target: Path) -> None:
    """`target` as a second name of `source` (a copy where the file system has no hard links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_bundle(site: Path, bundle: Path, shown: Path, language: str | None) -> SearchReport:
    """Run Pagefind over the HTML of `site`, writing a new bundle to `bundle`; errors name `shown`,
    where the bundle is published."""
    from pagefind.service import get_executable
    executable = get_executable()
    if executable is None:
        raise _failed(shown, "Pagefind is not installed", "install site_builder again, or build with --no-search")
    command = [str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"]
    if language:
        command += ["--force-language", language]
    timeout = TIMEOUT_SECONDS + TIMEOUT_PER_PAGE * _count_pages(site)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise _failed(shown, f"Pagefind did not finish within {timeout:.0f} s and was stopped",
                      "build again, or build with --no-search") from None
    except OSError as error:
        raise _failed(shown, f"cannot run Pagefind ({executable}): {error.strerror or error}",
                      "install site_builder again, or build with --no-search") from None
    if done.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        raise _failed(shown, f"Pagefind failed: {_reason(done)}", "check that the disk has room and the folders "
                      "are writable, then build again, or build with --no-search")
    canonical_bundle(bundle)
    return SearchReport(indexed_pages(bundle), time.perf_counter() - started, bundle)


def _count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def _failed(shown: Path, message: str, hint: str) -> SiteError:
    return SiteError(Problem(str(shown), None, f"search index not built: {message}",
                             f"{hint}; the previous output was kept"))


def _reason(done: subprocess.CompletedProcess[bytes]) -> str:
    """The line of Pagefind's output that says what went wrong (a panic's message, an error)."""
    text = (done.stderr or b"").decode("utf-8", "replace") + (done.stdout or b"").decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    telling = [line for line in lines if not line.startswith(("thread '", "stack backtrace", "note:"))]
    reason = (telling or lines or [f"exit status {done.returncode}"])[0]
    return reason if len(reason) <= 300 else reason[:300] + "…"


def indexed_pages(bundle: Path) -> int:
    """How many pages a written bundle holds (pages without `data-pagefind-body` are left
    out once any page has one)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())


# -- the same bundle for the same pages ------------------------------------------------------------
def canonical_bundle(bundle: Path) -> None:
    """Make the bundle the same bytes for the same pages.

    Pagefind (1.5) writes each filter's values in hash-map order, which differs from run to run,
    and the names of the filter files, of the metadata file and the entry file follow from those
    bytes. Sort the values, then name the files after their new contents."""
    entry_file = bundle / "pagefind-entry.json"
    text = entry_file.read_text(encoding="utf-8")
    for language, about in json.loads(text)["languages"].items():
        meta_file = bundle / f"pagefind.{about['hash']}.pf_meta"
        meta = _read_index(meta_file)
        if not (isinstance(meta, list) and len(meta) > 3 and all(
                isinstance(f, list) and len(f) == 2 and (bundle / "filter" / f"{f[1]}.pf_filter").is_file()
                for f in meta[3])):
            raise _unknown_format(meta_file)
        renamed = {old: _canonical_filter(bundle / "filter" / f"{old}.pf_filter", language)
                   for _, old in meta[3]}
        meta[3] = sorted([name, renamed[old]] for name, old in meta[3])
        data = _SIGNATURE + _dumps(meta)
        new_hash = f"{language}_{hashlib.blake2b(data, digest_size=16).hexdigest()[:10]}"
        meta_file.unlink()
        _write_index(bundle / f"pagefind.{new_hash}.pf_meta", data)
        text = text.replace(f'"hash":"{about["hash"]}"', f'"hash":"{new_hash}"')
    entry_file.write_text(text, encoding="utf-8")


def _canonical_filter(path: Path, language: str) -> str:
    """Rewrite one filter file with its values sorted; its new hash (the file's name)."""
    index = _read_index(path)
    if not (isinstance(index, list) and len(index) == 2 and isinstance(index[1], list)):
        raise _unknown_format(path)
    name, values = index
    data = _SIGNATURE + _dumps([name, sorted(values, key=lambda value: value[0])])
    new_hash = f"{language}_{hashlib.blake2b(data, digest_size=16).hexdigest()[:7]}"
    path.unlink()
    _write_index(path.with_name(f"{new_hash}.pf_filter"), data)
    return new_hash


def _read_index(path: Path) -> Any:
    import cbor2
    try:
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_SIGNATURE):
            return cbor2.loads(data[len(_SIGNATURE):])
    except (OSError, EOFError, ValueError, cbor2.CBORError):      # not gzip, or not CBOR
        pass
    raise _unknown_format(path)


def _unknown_format(path: Path) -> SiteError:
    return SiteError(Problem(str(path), None, "Pagefind wrote an index of a format site_builder does not know",
                             "install the Pagefind version site_builder names (pip install 'pagefind[bin]>=1.5,<1.6'), "
                             "or build with --no-search"))


def _dumps(value: Any) -> bytes:
    import cbor2
    return bytes(cbor2.dumps(value))


def _write_index(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
