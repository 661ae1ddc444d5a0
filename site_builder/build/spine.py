"""The build, top down: load content → story intelligence → routes → render → data files → search →
commit. Each step is a function handing a frozen record to the next, and the stage clock times each
under its name (`clock.STAGES`)."""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..core import code
from ..core.cachefolder import OLD_PICKLE, mark_cache_folder
from ..core.config import Config, host_warning
from ..core.errors import Problem, SiteError, fail
from ..core.model import Archive, month_key
from ..core.pool import WorkerDied
from ..core.store import cache_problem, remove_dead_temporaries, writable
from ..intel.archive import Loaded, load_site
from ..intel.cache import ChunkStore
from ..site.context import Contexts
from ..site.depends import Depends, Recorder, merge, values
from ..site.lookup import SiteIndex, site_index
from ..site.pages import Pages, page_kinds
from ..site.preview import PageMaker
from ..site.render import Renderer, template_digests
from ..site.routes import Route
from ..site.tables import KeptRows, OpenData, Stamp, open_data
from .assets import copy_static, refused_inputs, static_files
from .clock import StageClock
from .datafiles import Records
from .depends_file import ROWS_RECORD, depends_path, load_depends, load_rows, save_depends, save_rows
from .last import LastBuild
from .manifest import Manifest, folder_identity, save_manifest
from .memory import return_freed_arrays
from .options import BuildOptions, BuildResult, html_pages
from .search import BUNDLE_DIR, NAMES, files_under, mark_stale, page_period, stage_bundles
from .spare import output_unchanged
from .workers import Job, Produced, produce
from .writer import STAGED, commit, new_work_folder, remove_own_folder, swap_in, work_folder


def build_site(site: Path, config: Config, output: Path, options: BuildOptions, loaded: Loaded | None,
               last: LastBuild, started: float) -> BuildResult:
    """Build everything the last build (`last`) left stale; `started` is when the build began."""
    clock = StageClock()
    clock.seconds["load"] = time.perf_counter() - started     # the lock, the manifest, the input fingerprint
    with clock.stage("load"):
        kinds = page_kinds()
        made_by = code.code_digest() + code.modules_digest(kinds.modules)    # the code that makes the site
        if last.manifest.code != made_by:       # another version (or none) wrote the output: a clean build
            last = last.forgotten()
        cache = _open_cache(site, config, options, last)
        refused = refused_inputs(site, (config.paths.templates, config.paths.static))
    # The content, then its story intelligence (each timed by load_site under its stage's name).
    loaded = loaded or load_site(site, config, drafts=options.drafts, jobs=options.jobs, cache=cache.writable,
                                    trusted=not options.clean, store=None if _errors(refused) else cache.store,
                                    stage=clock.stage, walk=last.content)
    archive, warnings = _checked(site, config, loaded, refused)
    with clock.stage("routes"):
        routes = kinds.routes(archive, config.per_page, config.search)
        assets = static_files(site, config, {r.capture for r in archive.removed if r.capture})
    with clock.stage("render"):
        plan = _plan(site, config, options, output, archive, kinds, routes, cache)
    with _work_folder(output) as work:
        pages = _render(plan, config, options, clock)      # the render and data files stages, shared out
        with clock.stage("commit"):
            files = _files(plan, pages, assets, work)
        with clock.stage("search"):
            search = _stage_search(output, work / STAGED, config, options, plan.swapped,
                                   lambda: _changes(archive, routes, files, plan))
        with options.publishing or nullcontext(), clock.stage("commit"):
            _publish(work / STAGED, output, plan.swapped, files, search)
    with clock.stage("commit"):
        unsaved = _remember(config, output, plan, pages, files, tuple(warnings), made_by)
    cache_problems = dict.fromkeys((*cache.problems, *loaded.content.unsaved, *unsaved))
    return BuildResult(output, len(files.current), len(files.written), len(files.removed),
                       time.perf_counter() - started, (*warnings, *cache_problems), search.seconds,
                       _pages_from(site, config, options, plan), frozenset((*files.written, *files.removed)),
                       clock.seconds, html_pages(files.current))


# -- load --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Cache:
    """The cache folder as this build may use it."""

    last: LastBuild               # forgotten when nothing can be recorded
    store: ChunkStore | None      # the story intelligence's parts, kept when the build is remembered
    remember: bool                # a manifest is kept for the next build
    writable: bool
    problems: tuple[Problem, ...] = ()


def _open_cache(site: Path, config: Config, options: BuildOptions, last: LastBuild) -> _Cache:
    """Mark the cache folder and clear what dead builds left; a cache that cannot be written means
    a build of everything, as if for the first time."""
    unwritable = _prepare_cache(site / config.paths.cache)
    if unwritable is not None:
        return _Cache(last.forgotten(), None, False, False, (cache_problem(config.paths.cache, unwritable),))
    store = ChunkStore(site / config.paths.cache / "analysis", trusted=not options.clean) if options.remember else None
    return _Cache(last, store, options.remember, True)


def _prepare_cache(folder: Path) -> OSError | None:
    """Mark the cache folder as the cache; remove what dead builds and older versions left in it
    (files of its own names only); why it cannot be written, if so."""
    mark_cache_folder(folder)
    remove_dead_temporaries(folder)
    for old in (*(p for p in folder.glob("*.pickle") if OLD_PICKLE.fullmatch(p.name)),   # before the cache held
                folder / "analysis" / "results.pickle"):                               # data only
        _forget(old)
    return writable(folder)


def _forget(path: Path) -> None:
    """Remove a cache file if the folder allows it (a read-only cache is reported by `writable`)."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _checked(site: Path, config: Config, loaded: Loaded, refused: list[Problem]) -> tuple[Archive, list[Problem]]:
    """The archive and every warning; SiteError with every error of the content and the inputs."""
    content = loaded.content
    if content.errors or _errors(refused):
        raise SiteError([*content.errors, *_errors(refused)])
    archive = loaded.checked()
    return archive, [*content.warnings, *(p for p in refused if p.severity != "error"), *archive.problems,
                     *host_warning(site, config)]


# -- render ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    """What this build renders, and what it keeps of the last build."""

    job: Job
    routes: list[Route]           # every route of the site
    archive: Archive
    last: LastBuild
    remember: bool
    store: ChunkStore | None
    index: SiteIndex
    known: Depends                # the reads of the last build's pages
    world: str                    # everything besides the archive that pages are made from
    now: Mapping[str, bytes]      # this build's collections, as the reads name them
    kept: dict[str, int]          # the last build's pages that stand as they are
    data: OpenData
    rows_file: Path               # where the record of the open data's rows is kept

    @property
    def swapped(self) -> bool:
        """The staged folder replaces the output whole."""
        return self.last.fresh or not self.last.manifest.outputs


def _plan(site: Path, config: Config, options: BuildOptions, output: Path, archive: Archive, kinds: Pages,
          routes: list[Route], cache: _Cache) -> _Plan:
    """The renderer, the pages whose inputs may have changed since the last build and what their
    contexts read from."""
    return_freed_arrays()
    last = cache.last
    renderer = Renderer(config, site / config.paths.templates, kinds.urls(config.base_path))
    index = site_index(archive)
    digests = _digests(renderer, kinds.templates())
    world = _world(config, options, digests)
    depends_file = depends_path(last.manifest_file)
    known = Depends() if last.fresh else load_depends(depends_file)
    if known.inputs != last.manifest.inputs:      # not the record of the build the manifest describes
        known = Depends()
    now = values(archive, index)
    changed = known.changed(world, now) if cache.remember else None
    kept = _kept(known.clean(changed), last.manifest.outputs, output)
    todo = [r for r in routes if r.output not in kept or kinds[r.kind].always_built]
    recorder = Recorder() if cache.remember else None
    manifest_file = last.manifest_file
    records = Records(manifest_file.with_name(manifest_file.stem + "-opendata"), trusted=not last.fresh)
    rows_file = records.path(ROWS_RECORD)
    data = open_data(archive, index, _last_rows(known, rows_file), changed,
                     Stamp(last.inputs, world) if cache.remember else None)
    job = Job(kinds, todo, Contexts(archive, index, config, recorder, kinds.listed(routes), data), digests, renderer,
              last.manifest.outputs, output, work_folder(output) / STAGED, records if cache.remember else None)
    return _Plan(job, routes, archive, last, cache.remember, cache.store, index, known, world, now, kept, data,
                 rows_file)


def _kept(clean: dict[str, int], outputs: dict[str, str], output: Path) -> dict[str, int]:
    """The pages of the last build whose context cannot have changed (`clean`) and whose file is still
    there: each one looked for, unless no folder of the output changed since the last commit."""
    if output_unchanged(output):
        return {rel: n for rel, n in clean.items() if rel in outputs}
    root = str(output) + os.sep
    return {rel: n for rel, n in clean.items() if rel in outputs and os.path.exists(root + rel)}


def _last_rows(known: Depends, path: Path) -> KeptRows | None:
    """The record of the open data's rows the last build made with `known` (its record of what pages read)."""
    rows = load_rows(path) if known.outputs else None
    return rows if rows and (rows.reads.inputs, rows.reads.world) == (known.inputs, known.world) else None


def _world(config: Config, options: BuildOptions, digests: dict[str, str]) -> str:
    """Everything besides the archive that a context or page is made from."""
    text = repr((config, options.drafts, sorted(digests.items())))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _digests(renderer: Renderer, templates: dict[str, str]) -> dict[str, str]:
    """Per page kind (of `templates`, kind -> template), a hash of its templates and of the
    site-wide values every page shows (the code that makes pages is the manifest's: `made_by`)."""
    shared = json.dumps([renderer.env.globals["site"], renderer.env.globals["urls"]], sort_keys=True) \
        + renderer.html_policy
    try:
        return {kind: digest + shared for kind, digest in template_digests(renderer.env, templates).items()}
    except jinja2.TemplateSyntaxError as error:
        raise fail(error.filename or error.name or "template", error.lineno,
                   f"template error: {error.message}", "fix the template syntax") from None
    except jinja2.TemplateNotFound as error:
        raise fail(str(error.name), None, "template not found",
                   "check the name in extends/include/import") from None


def _render(plan: _Plan, config: Config, options: BuildOptions, clock: StageClock) -> Produced:
    """The stale pages and data files written into the staging folder, by the worker processes;
    their wall time shared out between the render and data files stages by the workers' time."""
    producing = time.perf_counter()
    try:
        produced = produce(plan.job, options.jobs, options.progress)
    except WorkerDied as died:
        raise SiteError(died.located(str(options.output or config.paths.output))) from None
    clock.share(time.perf_counter() - producing, produced.seconds)
    return produced


# -- commit ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Files:
    """The output this build leaves: every file's signature, and what changes."""

    current: dict[str, str]       # output path -> signature, every file of the new output
    written: list[str]            # staged: the stale pages and data files, then the static files
    removed: list[str]            # files of the last build the new output lacks


def _files(plan: _Plan, pages: Produced, assets: dict[str, tuple[Path, str]], work: Path) -> _Files:
    """The stale static files staged beside the pages, and the new output's files."""
    previous, output = plan.last.manifest.outputs, plan.job.output
    stale = [rel for rel, (_, sig) in assets.items() if previous.get(rel) != sig or not (output / rel).exists()]
    written = pages.written + copy_static(assets, stale, work / STAGED)
    built = {r.output for r in plan.job.todo}
    current = {r.output: previous[r.output] for r in plan.routes if r.output not in built} \
        | pages.signatures | {rel: sig for rel, (_, sig) in assets.items()}
    return _Files(current, written, [p for p in previous if p not in current])


@contextmanager
def _work_folder(output: Path) -> Iterator[Path]:
    """This build's work folder beside the output, with its staging folder; removed at the end."""
    work = work_folder(output)
    try:
        new_work_folder(work)
        new_work_folder(work / STAGED)          # its marker is the output's
        yield work
    finally:
        remove_own_folder(work)


def _publish(staging: Path, output: Path, swapped: bool, files: _Files, search: _StagedSearch) -> None:
    """The staged files moved into output/: the whole folder swapped in, or file by file."""
    if swapped:
        swap_in(staging, output)
    else:
        commit(staging, output, files.written + search.written, files.removed + search.removed)


def _remember(config: Config, output: Path, plan: _Plan, pages: Produced, files: _Files,
              warnings: tuple[Problem, ...], made_by: str) -> list[Problem]:
    """The records of this build for the next one (manifest, pages' reads, the story intelligence's
    parts); the problems of a cache that could not keep them."""
    problems = []
    last = plan.last
    if plan.remember:
        try:
            save_manifest(last.manifest_file, Manifest(files.current, last.inputs, warnings, folder_identity(output),
                                                       made_by))
            save_depends(depends_path(last.manifest_file), merge(plan.known, last.inputs, plan.world, plan.kept,
                                                                 pages.reads, plan.now,
                                                                 [r.output for r in plan.routes]))
            save_rows(plan.rows_file, plan.data.kept)
        except OSError as error:     # a full disk: the next build must not trust the last build's record
            _forget(last.manifest_file)
            problems.append(cache_problem(config.paths.cache, error))
    if plan.store is not None:
        plan.store.prune()
        if plan.store.unsaved is not None:
            problems.append(cache_problem(config.paths.cache, plan.store.unsaved))
    return problems


def _pages_from(site: Path, config: Config, options: BuildOptions, plan: _Plan) -> PageMaker | None:
    """What the pages were made from, for serve's previews."""
    if not options.keep_pages:
        return None
    return PageMaker(site, plan.archive, plan.index, config, plan.job.renderer, plan.job.pages,
                     plan.job.pages.article_pages(plan.routes))


# -- search ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Changes:
    """What this build makes of the output: the searched pages it will hold, by month ("yyyy/mm") for
    article pages and NAMES for story and entity pages, and what changes."""

    months: dict[str, str]
    written: list[str]
    removed: list[str]


def _changes(archive: Archive, routes: list[Route], files: _Files, plan: _Plan) -> _Changes:
    months = {r.output: month_key(archive.articles[r.key].date) for r in plan.job.pages.article_pages(routes)} \
        | {r.output: NAMES for r in routes if page_period(r.output) == NAMES}
    return _Changes(months, files.written, files.removed)


@dataclass(frozen=True)
class _StagedSearch:
    written: list[str] = field(default_factory=list)    # the new bundle's files, staged
    removed: list[str] = field(default_factory=list)    # the old bundle's files the new one lacks
    seconds: float = 0.0


def _stage_search(output: Path, staging: Path, config: Config, options: BuildOptions, fresh: bool,
                  changes_of: Callable[[], _Changes]) -> _StagedSearch:
    """The search bundles of the article pages this build leaves, written into the staging folder so
    that they are moved into place with them (or not at all); only the periods whose pages changed are
    indexed again, and the old bundles' files the new ones lack go. A build that leaves indexing for
    later (serve) marks the periods it changed as stale in the published listing instead.

    Without search the old bundles go too: they would still find pages the site no longer has (and
    what changed, a pass over every page, is not asked for)."""
    if not config.search:
        return _StagedSearch([], [] if fresh else files_under(output, BUNDLE_DIR))
    changes = changes_of()
    changed = changes.written or changes.removed or not (output / BUNDLE_DIR).is_dir()
    if not changed or (fresh and not options.index_search):
        return _StagedSearch()
    if options.index_search:
        staged = stage_bundles(staging, output, changes.months, set(changes.written), fresh=fresh,
                               jobs=options.jobs)
    else:
        staged = mark_stale(staging, output, changes.months, set(changes.written))
    return _StagedSearch(staged.written, staged.removed, staged.report.seconds)
