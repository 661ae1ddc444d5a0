"""The build: load → story intelligence → routes → contexts → what is stale → render → write → manifest."""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.cachefolder import OLD_PICKLE, check_cache_folder, mark_cache_folder
from ..core.store import cache_problem, remove_dead_temporaries, writable
from ..content.load import default_jobs
from ..core.config import CONFIG_NAME, Config, config_line, host_warning, load_config
from ..core.errors import Problem, SiteError, fail
from ..core.model import month_key
from ..core.pool import WorkerDied
from ..core.walk import OUTSIDE, refusal_problem, walk_inputs
from .clock import StageClock
from .fingerprint import input_fingerprint
from .lock import LockWait, build_lock
from .manifest import Manifest, folder_identity, load_manifest, manifest_path, save_manifest
from .writer import (STAGED, cannot_write, check_output_owned, commit, new_work_folder, output_refused, recover,
                     remove_own_folder, swap_in, work_folder, write_file)

if TYPE_CHECKING:
    from ..site.depends import Depends
    from ..intel.archive import Loaded
    from ..site.preview import PageMaker
    from ..site.render import Renderer

PACKAGE_STATIC = Path(__file__).parent.parent / "site" / "static"


@dataclass(frozen=True)
class BuildOptions:
    base_url: str | None = None
    drafts: bool = False
    jobs: int = field(default_factory=default_jobs)
    clean: bool = False
    output: Path | None = None
    search: bool | None = None
    remember: bool = True        # keep a manifest for the next, incremental build
    index_search: bool = True    # build the search index with the pages (serve refreshes it in the background)
    progress: Callable[[int, int], None] | None = None   # called with (done, total) while rendering
    keep_pages: bool = False     # return what pages were made from, for previews in serve
    publishing: AbstractContextManager[Any] | None = None   # held while output/ changes (serve waits on it)
    lock_timeout: float | None = None    # seconds to wait for another build of the site or output; None: until it ends
    waiting: Callable[[str], None] | None = None   # told, once, when this build waits for another


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    written: int
    removed: int
    seconds: float
    warnings: tuple[Problem, ...]
    search_seconds: float = 0.0
    pages_from: PageMaker | None = None      # with BuildOptions.keep_pages, when the build ran
    changed: frozenset[str] = frozenset()    # the files written or removed (serve indexes their search periods)
    stages: dict[str, float] = field(default_factory=dict)   # seconds per stage of `clock.STAGES`


def output_folder(site: Path, config: Config, options: BuildOptions) -> Path:
    """The output folder, refused when it is, holds or sits inside an input or cache folder, or
    holds files site_builder did not write."""
    output = (options.output or site / config.paths.output).resolve()
    setting = _output_setting(site, config, options)
    for name in ("content", "templates", "static", "cache"):
        folder = (site / getattr(config.paths, name)).resolve()
        if output == folder or output.is_relative_to(folder) or folder.is_relative_to(output):
            relation = "is" if output == folder else "is inside" if output.is_relative_to(folder) else "contains"
            raise output_refused(setting, f"the output folder {output} {relation} the {name} folder {folder}",
                                 "choose a separate folder such as output/")
    check_output_owned(output, setting, lambda: _listed_in_manifest(site, config, output))
    return output


def _listed_in_manifest(site: Path, config: Config, output: Path) -> bool:
    """An output folder of a version without the marker: every file in it is one the last build
    wrote, by its manifest (the search bundle aside)."""
    outputs = load_manifest(manifest_path(site / config.paths.cache, output)).outputs
    if not outputs or not output.is_dir() or output.is_symlink():
        return False
    files = (path.relative_to(output).as_posix() for path in output.rglob("*") if not path.is_dir())
    return all(rel in outputs or rel.startswith("pagefind/") for rel in files)


def _output_setting(site: Path, config: Config, options: BuildOptions) -> Problem:
    """Where the output folder was chosen, to start the messages about it."""
    if options.output is not None:
        return Problem("--output", None, "")
    line = config_line(site, "output")
    default = "" if line else " (the default)"
    return Problem(CONFIG_NAME, line, f'paths.output = "{config.paths.output}"{default}')


def build(site: Path, options: BuildOptions = BuildOptions(), loaded: Loaded | None = None) -> BuildResult:
    """Build the site; on any error raise SiteError and leave the previous output as it was.
    `loaded` is the site's content and archive when the caller has already loaded them (`check`)."""
    config = load_config(site, {"base_url": options.base_url, "search": options.search})
    chosen = options.output.resolve() if options.output else None
    if config_line(site, "cache") is not None:      # the line that chose the cache folder is named first
        check_cache_folder(site, config, chosen)
    output = output_folder(site, config, options)
    check_cache_folder(site, config, chosen)
    try:
        with build_lock(site / config.paths.cache, output, LockWait(options.lock_timeout, options.waiting)):
            recover(output)
            return _build(site, config, output, options, loaded)
    except OSError as error:     # a full disk or a read-only folder: say so, never a traceback
        raise cannot_write(str(output), error) from error


def _build(site: Path, config: Config, output: Path, options: BuildOptions, loaded: Loaded | None) -> BuildResult:
    started = time.perf_counter()
    clock = StageClock()
    manifest_file = manifest_path(site / config.paths.cache, output)
    fresh = options.clean or not options.remember or not output.exists()
    previous = Manifest() if fresh else load_manifest(manifest_file)
    if previous.folder != folder_identity(output):     # not the output folder it describes
        fresh, previous = True, Manifest()
    from ..site.kinds import installed_modules
    inputs = input_fingerprint(site, [site / config.paths.content, site / config.paths.templates, site / config.paths.static],
                               repr((options.drafts, output, config, installed_modules())))
    if previous.inputs == inputs and _all_exist(output, previous.outputs):
        seconds = time.perf_counter() - started
        clock.seconds["load"] = seconds
        return BuildResult(output, len(previous.outputs), 0, 0, seconds, previous.warnings, stages=clock.seconds)
    unwritable = _prepare_cache(site / config.paths.cache)
    remember = options.remember and unwritable is None
    if unwritable is not None:     # nothing can be recorded: build everything, as if for the first time
        fresh, previous = True, Manifest()
    cache_warnings = [cache_problem(config.paths.cache, unwritable)] if unwritable else []
    # Imported here, not at the top: a build with nothing to do stays well under a second.
    from ..intel.cache import ChunkStore
    from ..site.context import Contexts
    from ..site.depends import Depends, Recorder, merge, values
    from .depends_file import depends_path, load_depends, save_depends
    from ..intel.archive import load_site
    from ..site.lookup import site_index
    from .memory import return_freed_arrays
    from .workers import Job, produce
    from ..site.pages import page_kinds
    from ..site.render import Renderer
    from .datafiles import Records
    return_freed_arrays()
    refused = _refused_inputs(site, (config.paths.templates, config.paths.static))
    links_out = [p for p in refused if p.severity == "error"]
    store = ChunkStore(site / config.paths.cache / "analysis", trusted=not options.clean) if remember else None
    clock.seconds["load"] = time.perf_counter() - started     # the input fingerprint, the cache, imports
    if loaded is None:
        loaded = load_site(site, config, drafts=options.drafts, jobs=options.jobs, cache=unwritable is None,
                              trusted=not options.clean, store=None if links_out else store, stage=clock.stage)
    content = loaded.content
    cache_warnings += content.unsaved
    if content.errors or links_out:
        raise SiteError([*content.errors, *links_out])
    archive = loaded.checked()
    warnings = (*content.warnings, *(p for p in refused if p.severity != "error"), *archive.problems,
                *host_warning(site, config))
    with clock.stage("routes"):
        pages = page_kinds()
        renderer = Renderer(config, site / config.paths.templates, pages.urls(config.base_path))
        routes = pages.routes(archive, config.per_page, config.search)
        statics = _static_files(site, config)
        work = work_folder(output)
        staging = work / STAGED
        index = site_index(archive)
        digests = _digests(renderer, pages.templates())
        world = _world(config, options, digests)
    with clock.stage("contexts"):
        depends_file = depends_path(manifest_file)
        known = Depends() if fresh else load_depends(depends_file)
        if known.inputs != previous.inputs:      # not the record of the build the manifest describes
            known = Depends()
        now = values(archive, index)
        kept = _kept(known, world, now, previous.outputs, output) if remember else {}
    todo = [r for r in routes if r.output not in kept or pages[r.kind].always_built]
    recorder = Recorder() if remember else None
    records = Records(manifest_file.with_name(manifest_file.stem + "-opendata"), trusted=not fresh) if remember else None
    job = Job(pages, todo, Contexts(archive, index, config, recorder, pages.listed(routes)), digests, renderer,
              previous.outputs, output, staging, records)
    swapped = fresh or not previous.outputs     # the staged folder replaces the output whole
    try:
        new_work_folder(work)
        new_work_folder(staging)          # its marker is the output's
        producing = time.perf_counter()
        try:
            produced = produce(job, options.jobs, options.progress)
        except WorkerDied as died:
            raise SiteError(died.located(str(options.output or config.paths.output))) from None
        clock.share(time.perf_counter() - producing, produced.seconds)
        with clock.stage("render"):
            stale_static = [rel for rel, (_, sig) in statics.items()
                            if previous.outputs.get(rel) != sig or not (output / rel).exists()]
            written = produced.written + _copy_static(statics, stale_static, staging)
        built = {r.output for r in todo}
        current = {r.output: previous.outputs[r.output] for r in routes if r.output not in built} \
            | produced.signatures | {rel: sig for rel, (_, sig) in statics.items()}
        removed = [p for p in previous.outputs if p not in current]
        with clock.stage("search"):
            months = {r.output: month_key(archive.articles[r.key].date) for r in pages.article_pages(routes)}
            search = _stage_search(output, staging, config, options, _Changes(months, written, removed, swapped))
        with options.publishing or nullcontext(), clock.stage("commit"):
            if swapped:
                swap_in(staging, output)
            else:
                commit(staging, output, written + search.written, removed + search.removed)
    finally:
        remove_own_folder(work)
    with clock.stage("manifest"):
        if remember:
            try:
                save_manifest(manifest_file, Manifest(current, inputs, warnings, folder_identity(output)))
                save_depends(depends_file, merge(known, inputs, world, kept, produced.reads, now,
                                                 [r.output for r in routes]))
            except OSError as error:     # a full disk: the next build must not trust the last build's record
                _forget(manifest_file)
                cache_warnings.append(cache_problem(config.paths.cache, error))
        if store is not None:
            store.prune()
            if store.unsaved is not None:
                cache_warnings.append(cache_problem(config.paths.cache, store.unsaved))
    pages_from = None
    if options.keep_pages:
        from ..site.preview import PageMaker
        pages_from = PageMaker(site, archive, index, config, renderer, pages, pages.article_pages(routes))
    return BuildResult(output, len(current), len(written), len(removed), time.perf_counter() - started,
                       (*warnings, *dict.fromkeys(cache_warnings)), search.seconds, pages_from,
                       frozenset((*written, *removed)), clock.seconds)


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


def _kept(known: Depends, world: str, now: dict[str, Any], outputs: dict[str, str], output: Path) -> dict[str, int]:
    """The pages of the last build whose context cannot have changed and whose file is still there."""
    root = str(output) + os.sep
    return {rel: n for rel, n in known.unchanged(world, now).items()
            if rel in outputs and os.path.exists(root + rel)}


def _world(config: Config, options: BuildOptions, digests: dict[str, str]) -> str:
    """Everything besides the archive that a context or page is made from."""
    import hashlib

    text = repr((config, options.drafts, sorted(digests.items())))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _all_exist(output: Path, files: dict[str, str]) -> bool:
    """Every file of the last build is still there (plain strings: tens of thousands of checks)."""
    root = str(output) + os.sep
    return all(os.path.exists(root + relative) for relative in files)


def _digests(renderer: Renderer, templates: dict[str, str]) -> dict[str, str]:
    """Per page kind (of `templates`, kind -> template), a hash of its templates and of the
    site-wide values every page shows."""
    import jinja2

    from ..site.render import template_digests
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


def _static_files(site: Path, config: Config) -> dict[str, tuple[Path, str]]:
    """Static files by output path: the package's assets, overridden and extended by the site's static/."""
    import hashlib
    files: dict[str, tuple[Path, str]] = {}
    for root, inside in ((PACKAGE_STATIC, PACKAGE_STATIC), (site / config.paths.static, site)):
        for found in walk_inputs(root, inside).files:     # what is refused: see _refused_inputs
            path = Path(found.path)
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            files["assets/" + found.rel] = (path, digest)
    return dict(sorted(files.items()))


def _refused_inputs(site: Path, folders: tuple[str, ...]) -> list[Problem]:
    """What the templates and static folders hold that is not read: links leading outside the
    site (refused as those in content/ are, since what they lead to would be read and published),
    special files, folders nested too deep (errors), links that loop (warnings)."""
    problems = []
    for name in folders:
        for refused in walk_inputs(site / name, site).refused:
            if refused.kind == OUTSIDE:
                problems.append(Problem(f"{name}/{refused.rel}", None, "symbolic link points outside the site folder",
                                        f"copy what it links to into {name}/ instead of linking it"))
            else:
                problems.append(refusal_problem(refused, name, name))
    return problems


def _copy_static(statics: dict[str, tuple[Path, str]], stale: list[str], staging: Path) -> list[str]:
    for rel in stale:
        write_file(staging, rel, statics[rel][0].read_bytes())
    return list(stale)


@dataclass(frozen=True)
class _Changes:
    """What this build makes of the output: the article pages it will hold, by month ("yyyy/mm"), and what changes."""

    months: dict[str, str]
    written: list[str]
    removed: list[str]
    fresh: bool


@dataclass(frozen=True)
class _StagedSearch:
    written: list[str] = field(default_factory=list)    # the new bundle's files, staged
    removed: list[str] = field(default_factory=list)    # the old bundle's files the new one lacks
    seconds: float = 0.0


def _stage_search(output: Path, staging: Path, config: Config, options: BuildOptions,
                  changes: _Changes) -> _StagedSearch:
    """The search bundles of the article pages this build leaves, written into the staging folder so
    that they are moved into place with them (or not at all); only the periods whose pages changed are
    indexed again, and the old bundles' files the new ones lack go. A build that leaves indexing for
    later (serve) marks the periods it changed as stale in the published listing instead.

    Without search the old bundles go too: they would still find pages the site no longer has."""
    from .search import BUNDLE_DIR, files_under, mark_stale, stage_bundles
    if not config.search:
        return _StagedSearch([], [] if changes.fresh else files_under(output, BUNDLE_DIR))
    changed = changes.written or changes.removed or not (output / BUNDLE_DIR).is_dir()
    if not changed or (changes.fresh and not options.index_search):
        return _StagedSearch()
    if options.index_search:
        staged = stage_bundles(staging, output, changes.months, set(changes.written), fresh=changes.fresh,
                               jobs=options.jobs)
    else:
        staged = mark_stale(staging, output, changes.months, set(changes.written))
    return _StagedSearch(staged.written, staged.removed, staged.report.seconds)

