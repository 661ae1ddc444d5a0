"""Static full-text search: one Pagefind bundle per period of the archive, made by the Pagefind
program under a time limit and merged in the browser (Pagefind's `mergeIndex`).

`output/pagefind/` holds:

- `periods.json`: the bundles the search page merges, `{"periods": [{"name": "2024", "pages": 3298,
  "digest": "…"}, …]}` (the digest names the Pagefind version and the pages a bundle holds);
- Pagefind's UI files (`pagefind-ui.js`, `pagefind-ui.css`, …), one copy for every bundle;
- `<period>/`: one Pagefind bundle (`pagefind.js`, its worker and WebAssembly, `index/`, `fragment/`,
  `filter/`) for the article pages (`articles/<yyyy>/<mm>/…`) of one year, or of one month (`2024-03`)
  of a year of more than `PERIOD_CAP` pages: one Pagefind run holds a period's pages, never the archive.
  Pagefind is given the pages in sorted order (`pagefind_service`), not a folder to walk, so a bundle's
  bytes do not depend on the order a file system lists the pages in.

A bundle is always written into a new folder and moved into place whole, so it never holds a page of an
earlier build, and a failed or hung Pagefind leaves the previous one whole. A build indexes again only
the periods whose pages it wrote, whose list of pages changed or that the listing marks stale (a build
that left the indexing for later, as `serve` does); their Pagefind runs go in parallel."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core.errors import SiteError, fail
from .pagefind_service import Page, ServiceFailed, ServiceNotStarted, ServiceTimedOut, write_index
from .writer import new_work_folder

BUNDLE_DIR = "pagefind"
PERIODS_FILE = "periods.json"
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")     # in each period's bundle
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
            "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")   # once, beside them
# Pages of a year indexed as one bundle; a larger year is split into months. An edit indexes its
# period again (Pagefind's time is proportional to a period's pages), and a query merges every
# bundle: 1,000 keeps an edit to a second or two and a 10,000-article archive to about 36 bundles.
PERIOD_CAP = 1000
TIMEOUT_SECONDS = 120.0         # Pagefind's time limit: this, plus
TIMEOUT_PER_PAGE = 0.05         # this per page of the period (10,000 pages take about 25 s on two cores)
_SIGNATURE = b"pagefind_dcd"    # what each of Pagefind's gzipped index files starts with
_ARTICLE_PAGE = re.compile(r"articles/(\d{4})/(\d{2})/\d{2}/[^/]+/index\.html")     # as Article.url_path
NAMES = "names"                 # the bundle of the story and entity pages, found by their names and summaries
_NAME_PAGE = re.compile(r"(?:stories|entities)/[^/]+/index\.html")     # a story's or an entity's first page


@dataclass(frozen=True)
class Period:
    """The article pages one bundle holds: a year's ("2024") or a month's ("2024-03")."""

    name: str
    pages: tuple[str, ...]      # paths relative to the output folder, sorted

    def digest(self) -> str:
        """What the bundle is made from: the Pagefind version and the pages' paths."""
        text = "\n".join((_pagefind_version(), *self.pages))
        return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class SearchReport:
    pages: int        # HTML pages Pagefind indexed
    seconds: float
    bundle: Path      # the folder the bundles were written to
    periods: tuple[str, ...] = ()    # the periods indexed


@dataclass(frozen=True)
class StagedBundles:
    """The bundle files a build staged and the old ones it drops, as paths relative to the output."""

    written: list[str]
    removed: list[str]
    report: SearchReport


def page_month(relative: str) -> str | None:
    """'2025/06' for an article page (`articles/2025/06/23/slug/index.html`), None for any other page."""
    found = _ARTICLE_PAGE.fullmatch(relative)
    return f"{found[1]}/{found[2]}" if found else None


def page_period(relative: str) -> str | None:
    """The period a page is searched in: its month for an article page, NAMES for a story's or an
    entity's first page, None for a page search does not hold."""
    return page_month(relative) or (NAMES if _NAME_PAGE.fullmatch(relative) else None)


def site_periods(months: dict[str, str], cap: int | None = None) -> list[Period]:
    """The periods of the searched pages (`months`: page -> "yyyy/mm", or NAMES for the story and
    entity pages, which make one bundle of their own): a year each, or its months when it has more
    than `cap` pages (PERIOD_CAP, read at call time)."""
    cap = PERIOD_CAP if cap is None else cap
    years: dict[str, list[str]] = defaultdict(list)
    names = tuple(page for page in sorted(months) if months[page] == NAMES)
    for page in sorted(months):
        if months[page] != NAMES:
            years[months[page][:4]].append(page)
    periods = []
    for year, pages in sorted(years.items()):
        if len(pages) <= cap:
            periods.append(Period(year, tuple(pages)))
            continue
        by_month: dict[str, list[str]] = defaultdict(list)
        for page in pages:
            by_month[months[page][5:7]].append(page)
        periods += [Period(f"{year}-{month}", tuple(in_month)) for month, in_month in sorted(by_month.items())]
    return periods + ([Period(NAMES, names)] if names else [])


def index_site(output: Path, *, bundle_dir: str = BUNDLE_DIR, language: str | None = None,
               jobs: int | None = None, changed: set[str] | None = None,
               publishing: AbstractContextManager[Any] | None = None) -> SearchReport:
    """Index the article pages of `output` (their `data-pagefind-body` regions and filters), a bundle a
    period, and replace `output/bundle_dir` by the new bundles whole. With `changed` (the pages written
    or removed since the bundles were made) only the periods that `stale_periods` names are indexed
    again; the other bundles are kept (linked into the new folder). `publishing` is held while the
    bundles move in (a build that swaps the output folder meanwhile would drop them)."""
    output = output.resolve()
    bundle = output / bundle_dir
    months = {rel: period for rel in _html_pages(output, bundle_dir) if (period := page_period(rel))}
    periods = site_periods(months)
    stale = periods if changed is None else stale_periods(periods, bundle, changed)
    if not stale and _read_bytes(bundle / PERIODS_FILE) == _listing(periods):
        return SearchReport(0, 0.0, bundle)         # every bundle is the one its pages make
    work = new_work_folder(output.with_name(f"{output.name}.staging-{os.getpid()}.bundle"))
    root = work / BUNDLE_DIR
    try:
        report = write_periods(stale, root, bundle, lambda page: output / page, language, jobs)
        _gather_ui(root, stale, None)
        _keep(bundle, root, [p for p in periods if p not in stale])
        root.mkdir(exist_ok=True)
        (root / PERIODS_FILE).write_bytes(_listing(periods))
        with publishing or nullcontext():
            if os.path.lexists(bundle):
                os.replace(bundle, work / "previous")
            os.replace(root, bundle)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SearchReport(report.pages, report.seconds, bundle, report.periods)


def stage_bundles(staging: Path, output: Path, months: dict[str, str], written: set[str], *,
                  fresh: bool, jobs: int | None = None) -> StagedBundles:
    """The bundles of the site a build leaves, staged in `staging/pagefind`: only the periods whose
    pages this build wrote (`written`, read from `staging`; the others from `output`), whose list of
    pages changed or whose bundle is missing are indexed; `fresh` when the staging folder will replace
    the output whole. `months` gives each article page's month ("yyyy/mm")."""
    shown = output / BUNDLE_DIR
    periods = site_periods(months)
    stale = periods if fresh else stale_periods(periods, shown, written)
    root = staging / BUNDLE_DIR
    report = write_periods(stale, root, shown, lambda page: (staging if page in written else output) / page,
                           None, jobs)
    _gather_ui(root, stale, None if fresh else shown)
    listing = _listing(periods)
    if fresh or _read_bytes(shown / PERIODS_FILE) != listing:
        root.mkdir(exist_ok=True)
        (root / PERIODS_FILE).write_bytes(listing)
    new = files_under(staging, BUNDLE_DIR)
    if fresh:
        return StagedBundles(new, [], report)
    kept = {p.name for p in periods} - {p.name for p in stale}
    keep = set(new) | {f"{BUNDLE_DIR}/{PERIODS_FILE}"} | {f"{BUNDLE_DIR}/{name}" for name in UI_FILES if periods}
    removed = [rel for rel in _published_besides(output, kept) if rel not in keep]
    return StagedBundles(new, removed, report)


def _published_besides(output: Path, kept: set[str]) -> list[str]:
    """The published bundle's files outside the folders of the periods `kept` (those only are
    looked at: an edit's build lists the folders of the periods it indexed again, not all)."""
    shown = output / BUNDLE_DIR
    if not shown.is_dir():
        return []
    names = [entry.name for entry in os.scandir(shown) if entry.name not in kept]
    return sorted(rel for name in names
                  for rel in (files_under(output, f"{BUNDLE_DIR}/{name}") if (shown / name).is_dir()
                              else [f"{BUNDLE_DIR}/{name}"] if (shown / name).is_file() else []))


def mark_stale(staging: Path, output: Path, months: dict[str, str], written: set[str]) -> StagedBundles:
    """For a build that leaves indexing for later (`serve`): the published listing, staged in
    `staging/pagefind` with the periods whose pages changed marked stale (their digest emptied), so
    that whatever indexes next makes them again, even if the indexing meant for this build never runs."""
    shown = output / BUNDLE_DIR
    entries = _entries(shown)
    stale = {p.name for p in stale_periods(site_periods(months), shown, written)}
    marked = [{**entry, "digest": ""} if entry["name"] in stale else entry for entry in entries]
    if marked == entries:
        return StagedBundles([], [], SearchReport(0, 0.0, shown))
    (staging / BUNDLE_DIR).mkdir(exist_ok=True)
    (staging / BUNDLE_DIR / PERIODS_FILE).write_bytes(_json(marked))
    return StagedBundles([f"{BUNDLE_DIR}/{PERIODS_FILE}"], [], SearchReport(0, 0.0, shown))


def stale_periods(periods: list[Period], shown: Path, changed: set[str]) -> list[Period]:
    """The periods whose bundle in `shown` must be made again: one of their pages changed, their list
    of pages (or the Pagefind version) is not the one the bundle was made from, or it is missing."""
    listed = _listed(shown)
    stale = [p for p in periods if listed.get(p.name) != p.digest() or not changed.isdisjoint(p.pages)
             or not (shown / p.name / "pagefind-entry.json").is_file()]
    if periods and not stale and not all((shown / name).is_file() for name in UI_FILES):
        stale = periods[-1:]          # the UI files went missing: one bundle brings them back
    return stale


def write_periods(periods: list[Period], root: Path, shown: Path, source: Callable[[str], Path],
                  language: str | None, jobs: int | None) -> SearchReport:
    """Write each period's bundle to `root/<period>`, up to `jobs` Pagefind runs at a time; the pages
    are read from `source(page)`. Errors name `shown/<period>`, where the bundle is published."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1)) as pool:
        runs = [pool.submit(_write_period, period, root, shown, source, language) for period in periods]
        try:
            pages = sum(run.result() for run in runs)
        except BaseException:
            for run in runs:
                run.cancel()
            raise
    return SearchReport(pages, time.perf_counter() - started, root, tuple(p.name for p in periods))


def _write_period(period: Period, root: Path, shown: Path, source: Callable[[str], Path],
                  language: str | None) -> int:
    """One period's bundle, its pages given to Pagefind in sorted order; how many pages it holds."""
    root.mkdir(parents=True, exist_ok=True)
    return write_bundle(period.pages, source, root / period.name, shown / period.name, language).pages


def _gather_ui(root: Path, periods: list[Period], shown: Path | None) -> None:
    """Move Pagefind's UI files out of the new bundles into `root`, one copy for all; a copy equal to
    the one in `shown` (the published folder) is left out, as unchanged."""
    for name in UI_FILES:
        copies = [root / p.name / name for p in periods if (root / p.name / name).is_file()]
        if not copies:
            continue
        data = copies[0].read_bytes()
        for copy in copies:
            copy.unlink()
        if shown is None or _read_bytes(shown / name) != data:
            (root / name).write_bytes(data)


def _keep(bundle: Path, root: Path, periods: list[Period]) -> None:
    """Link the unchanged periods' bundles, and the UI files if no new bundle brought them, from the
    published `bundle` into the new folder `root`."""
    for period in periods:
        for folder, _, files in os.walk(bundle / period.name):
            for name in files:
                source = Path(folder, name)
                _link(source, root / source.relative_to(bundle))
    for name in UI_FILES if periods else ():
        if not (root / name).exists() and (bundle / name).is_file():
            _link(bundle / name, root / name)


def _listing(periods: list[Period]) -> bytes:
    """periods.json: the bundles the search page merges, newest first, the names last (an article
    period's bundle is the one the others are merged into)."""
    ordered = [p for p in reversed(periods) if p.name != NAMES] + [p for p in periods if p.name == NAMES]
    return _json([{"name": p.name, "pages": len(p.pages), "digest": p.digest()} for p in ordered])


def _json(entries: list[dict[str, Any]]) -> bytes:
    return json.dumps({"periods": entries}, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def _listed(bundle: Path) -> dict[str, str]:
    """The periods the published bundles hold, with their digests."""
    return {entry["name"]: entry["digest"] for entry in _entries(bundle)}


def _entries(bundle: Path) -> list[dict[str, Any]]:
    """The published listing's entries; none when there is no listing this version wrote."""
    try:
        entries = json.loads(_read_bytes(bundle / PERIODS_FILE) or b"{}")["periods"]
    except (ValueError, TypeError, KeyError):
        return []
    valid = isinstance(entries, list) and all(
        isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("digest"), str) for e in entries)
    return entries if valid else []


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@cache
def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def _html_pages(output: Path, bundle_dir: str) -> list[str]:
    pages = (p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    return sorted(rel for rel in pages if not rel.startswith(bundle_dir + "/"))


def files_under(root: Path, folder: str) -> list[str]:
    """The files inside `root/folder`, as paths relative to `root`."""
    if not (root / folder).is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in (root / folder).rglob("*") if p.is_file())


def _link(source: Path, target: Path) -> None:
    """`target` as a second name of `source` (a copy where the file system has no hard links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_bundle(pages: tuple[str, ...], source: Callable[[str], Path], bundle: Path, shown: Path,
                 language: str | None) -> SearchReport:
    """Index `pages` (paths in the output, read from `source(page)`) in their order, writing a new bundle
    to `bundle`; errors name `shown`, where the bundle is published."""
    from pagefind.service import get_executable
    executable = get_executable()
    if executable is None:
        raise _failed(shown, "Pagefind is not installed", "install site_builder again, or build with --no-search")
    timeout = TIMEOUT_SECONDS + TIMEOUT_PER_PAGE * len(pages)
    started = time.perf_counter()
    try:
        write_index(executable, _read_pages(pages, source, shown), bundle, language=language, timeout=timeout)
    except ServiceTimedOut:
        raise _failed(shown, f"Pagefind did not finish within {timeout:.0f} s and was stopped",
                      "build again, or build with --no-search") from None
    except ServiceFailed as error:
        raise _failed(shown, f"Pagefind failed: {error.reason}", "check that the disk has room and the folders "
                      "are writable, then build again, or build with --no-search") from None
    except ServiceNotStarted as error:
        raise _failed(shown, f"cannot run Pagefind ({executable}): {error.reason}",
                      "install site_builder again, or build with --no-search") from None
    except OSError as error:                                   # writing the bundle's files
        raise _failed(shown, f"cannot write the index ({error.strerror or error})",
                      "free disk space, then build again, or build with --no-search") from None
    if not (bundle / "pagefind-entry.json").is_file():
        raise _failed(shown, "Pagefind failed: it wrote no pagefind-entry.json", "check that the disk has room and "
                      "the folders are writable, then build again, or build with --no-search")
    try:
        canonical_bundle(bundle)
        pages_held = indexed_pages(bundle)
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:   # a full disk cuts files short
        what = error.strerror if isinstance(error, OSError) and error.strerror else "a file cut short"
        raise _failed(shown, f"Pagefind left the index incomplete ({what})",
                      "free disk space, then build again, or build with --no-search") from None
    return SearchReport(pages_held, time.perf_counter() - started, bundle)


def _read_pages(pages: tuple[str, ...], source: Callable[[str], Path], shown: Path) -> Iterator[Page]:
    """Each page as Pagefind takes it, read as it is sent; its address is the folder's (`/…/slug/`)."""
    for page in pages:
        try:
            html = source(page).read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise _failed(shown, f"cannot read the page {page} ({error.strerror or error})",
                          "build again, or build with --no-search") from None
        yield Page("/" + page.removesuffix("index.html"), page, html)


def _failed(shown: Path, message: str, hint: str) -> SiteError:
    return fail(str(shown), None, f"search index not built: {message}",
                f"{hint}; the previous output was kept")


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
    data = path.read_bytes()
    try:
        data = gzip.decompress(data)
    except EOFError:                     # gzip cut short (a full disk): raised on, as incomplete
        raise
    except (OSError, ValueError):        # not gzip
        raise _unknown_format(path) from None
    try:
        if data.startswith(_SIGNATURE):
            return cbor2.loads(data[len(_SIGNATURE):])
    except (ValueError, cbor2.CBORError):
        pass
    raise _unknown_format(path)


def _unknown_format(path: Path) -> SiteError:
    return fail(str(path), None, "Pagefind wrote an index of a format site_builder does not know",
                "install the Pagefind version site_builder names (pip install 'pagefind[bin]>=1.5,<1.6'), "
                "or build with --no-search")


def _dumps(value: Any) -> bytes:
    import cbor2
    return bytes(cbor2.dumps(value))


def _write_index(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
