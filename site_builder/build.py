"""The build: load → graph → routes → contexts → what is stale → render → write → manifest."""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config, host_warning, load_config
from .errors import Problem, SiteError
from .fingerprint import input_fingerprint
from .manifest import Manifest, load_manifest, manifest_path, save_manifest
from .writer import cannot_write, commit, recover, swap_in, write_file

if TYPE_CHECKING:
    from .depends import Depends
    from .preview import PageMaker
    from .render import Renderer

PACKAGE_STATIC = Path(__file__).parent / "static"
ALWAYS_BUILT = ("sitemap",)      # lists every route: what it reads is not recorded


@dataclass(frozen=True)
class BuildOptions:
    base_url: str | None = None
    drafts: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    clean: bool = False
    output: Path | None = None
    search: bool | None = None
    remember: bool = True        # keep a manifest for the next, incremental build
    index_search: bool = True    # run Pagefind after writing (serve refreshes it in the background)
    progress: Callable[[int, int], None] | None = None   # called with (done, total) while rendering
    keep_pages: bool = False     # return what pages were made from, for previews in serve


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    written: int
    removed: int
    seconds: float
    warnings: tuple[Problem, ...]
    search_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    pages_from: PageMaker | None = None      # with BuildOptions.keep_pages, when the build ran


def output_folder(site: Path, config: Config, options: BuildOptions) -> Path:
    output = (options.output or site / config.paths.output).resolve()
    content = (site / config.paths.content).resolve()
    if output in (site.resolve(), content) or content.is_relative_to(output) or output.is_relative_to(content):
        raise SiteError(Problem(str(output), None, "the output folder must not contain or be inside the content",
                                "choose a separate folder such as output/"))
    return output


def build(site: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build the site; on any error raise SiteError and leave the previous output as it was."""
    config = load_config(site, {"base_url": options.base_url, "search": options.search})
    output = output_folder(site, config, options)
    try:
        recover(output)
        return _build(site, config, output, options)
    except OSError as error:     # a full disk or a read-only folder: say so, never a traceback
        raise cannot_write(str(output), error) from error


def _build(site: Path, config: Config, output: Path, options: BuildOptions) -> BuildResult:
    clock = _Clock()
    manifest_file = manifest_path(site / config.paths.cache, output)
    fresh = options.clean or not options.remember or not output.exists()
    previous = Manifest() if fresh else load_manifest(manifest_file)
    inputs = input_fingerprint(site, [site / config.paths.content, site / config.paths.templates,
                                      site / config.paths.static], repr((options.drafts, output, config)))
    if previous.inputs == inputs and _all_exist(output, previous.outputs):
        return BuildResult(output, len(previous.outputs), 0, 0, clock.total(), previous.warnings)
    # Imported here, not at the top: a build with nothing to do stays well under a second.
    from .analysiscache import ChunkStore
    from .context import Contexts
    from .depends import Depends, Recorder, depends_path, load_depends, merge, save_depends, values
    from .graph import build_archive
    from .index import site_index
    from .load import load_content
    from .memory import return_freed_arrays
    from .produce import Job, produce
    from .render import Renderer
    from .routes import site_routes
    return_freed_arrays()
    content = load_content(site, config, drafts=options.drafts, jobs=options.jobs)
    if content.errors:
        raise SiteError(content.errors)
    clock.lap("load")
    store = ChunkStore(site / config.paths.cache / "analysis") if options.remember else None
    archive = build_archive(content.articles, content.registries, config, store)
    _raise_errors(archive.problems)
    warnings = (*content.warnings, *archive.problems, *host_warning(site, config))
    clock.lap("graph")
    renderer = Renderer(config, site / config.paths.templates)
    routes = site_routes(archive, config.per_page, config.search)
    statics = _static_files(site, config)
    staging = output.with_name(output.name + f".staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    index = site_index(archive)
    digests = _digests(renderer)
    world = _world(config, options, digests)
    depends_file = depends_path(manifest_file)
    known = Depends() if fresh else load_depends(depends_file)
    if known.inputs != previous.inputs:      # not the record of the build the manifest describes
        known = Depends()
    now = values(archive, index)
    kept = _kept(known, world, now, previous.outputs, output) if options.remember else {}
    todo = [r for r in routes if r.output not in kept or r.kind in ALWAYS_BUILT]
    recorder = Recorder() if options.remember else None
    job = Job(routes, todo, Contexts(archive, index, config, recorder), digests, renderer,
              previous.outputs, output, staging)
    clock.lap("routes")
    try:
        produced = produce(job, options.jobs, options.progress)
        stale_static = [rel for rel, (_, sig) in statics.items()
                        if previous.outputs.get(rel) != sig or not (output / rel).exists()]
        written = produced.written + _copy_static(statics, stale_static, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    built = {r.output for r in todo}
    current = {r.output: previous.outputs[r.output] for r in routes if r.output not in built} \
        | produced.signatures | {rel: sig for rel, (_, sig) in statics.items()}
    removed = [p for p in previous.outputs if p not in current]
    clock.lap("render")
    if fresh or not previous.outputs:
        swap_in(staging, output)
    else:
        commit(staging, output, written, removed)
    if options.remember:
        save_manifest(manifest_file, Manifest(current, inputs, warnings))
        save_depends(depends_file, merge(known, inputs, world, kept, produced.reads, now, [r.output for r in routes]))
    if store is not None:
        store.prune()
    clock.lap("write")
    indexed = config.search and options.index_search and (written or removed or not (output / "pagefind").exists())
    search_seconds = _index_search(output, config) if indexed else 0.0
    pages_from = None
    if options.keep_pages:
        from .preview import PageMaker
        pages_from = PageMaker(site, archive, index, config, renderer)
    return BuildResult(output, len(current), len(written), len(removed), clock.total(), warnings,
                       search_seconds, clock.laps, pages_from)


def _raise_errors(problems: tuple[Problem, ...]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SiteError(errors)


def _kept(known: Depends, world: str, now: dict[str, Any], outputs: dict[str, str], output: Path) -> dict[str, int]:
    """The pages of the last build whose context cannot have changed and whose file is still there."""
    root = str(output) + os.sep
    return {rel: n for rel, n in known.unchanged(world, now).items()
            if rel in outputs and os.path.exists(root + rel)}


def _world(config: Config, options: BuildOptions, digests: dict[str, str]) -> str:
    """Everything besides the archive that a context or page is made from."""
    import hashlib

    from .depends import VERSION
    text = repr((VERSION, config, options.drafts, sorted(digests.items())))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _all_exist(output: Path, files: dict[str, str]) -> bool:
    """Every file of the last build is still there (plain strings: tens of thousands of checks)."""
    root = str(output) + os.sep
    return all(os.path.exists(root + relative) for relative in files)


def _digests(renderer: Renderer) -> dict[str, str]:
    """Per page kind, a hash of its templates and of the site-wide values every page shows."""
    import jinja2

    from .render import template_digests
    shared = json.dumps(renderer.env.globals["site"], sort_keys=True) + renderer.html_policy
    try:
        return {kind: digest + shared for kind, digest in template_digests(renderer.env).items()}
    except jinja2.TemplateSyntaxError as error:
        raise SiteError(Problem(error.filename or error.name or "template", error.lineno,
                                f"template error: {error.message}", "fix the template syntax")) from None
    except jinja2.TemplateNotFound as error:
        raise SiteError(Problem(str(error.name), None, "template not found",
                                "check the name in extends/include/import")) from None


def _static_files(site: Path, config: Config) -> dict[str, tuple[Path, str]]:
    """Static files by output path: the package's assets, overridden and extended by the site's static/."""
    import hashlib
    files: dict[str, tuple[Path, str]] = {}
    for root in (PACKAGE_STATIC, site / config.paths.static):
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                if path.is_symlink() and not path.resolve().is_relative_to(site.resolve()):
                    raise SiteError(Problem(path.relative_to(site).as_posix(), None,
                                            "symbolic link points outside the site folder", "copy the file instead"))
                digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
                files["assets/" + path.relative_to(root).as_posix()] = (path, digest)
    return files


def _copy_static(statics: dict[str, tuple[Path, str]], stale: list[str], staging: Path) -> list[str]:
    for rel in stale:
        write_file(staging, rel, statics[rel][0].read_bytes())
    return list(stale)


def _index_search(output: Path, config: Config) -> float:
    from .search import index_site
    report = index_site(output)
    return float(report.seconds)


class _Clock:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 4)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.start
