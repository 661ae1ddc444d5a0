"""A build's entry: the output folder checked, the locks held, and the build itself (`spine`) only
when the inputs changed since the last one."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.cachefolder import check_cache_folder
from ..core.collector import no_collection
from ..core.config import CONFIG_NAME, Config, config_line, load_config
from ..core.errors import Problem
from .clock import StageClock
from .last import last_build
from .lock import LockWait, build_lock
from .manifest import load_manifest, manifest_path
from .options import BuildOptions, BuildResult, html_pages
from .writer import cannot_write, check_output_owned, output_refused, recover

if TYPE_CHECKING:
    from ..intel.archive import Loaded

__all__ = ["BuildOptions", "BuildResult", "build", "output_folder"]


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


DEFAULT_OPTIONS = BuildOptions()


def build(site: Path, options: BuildOptions = DEFAULT_OPTIONS, loaded: Loaded | None = None) -> BuildResult:
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
    """Nothing to do when the inputs are the last build's and its files are all there; else the build."""
    started = time.perf_counter()
    last = last_build(site, config, output, options.drafts, trusted=not options.clean and options.remember)
    if last.up_to_date(output):
        seconds = time.perf_counter() - started
        clock = StageClock()
        clock.seconds["load"] = seconds
        return BuildResult(output, len(last.manifest.outputs), 0, 0, seconds, last.manifest.warnings,
                           stages=clock.seconds, html=html_pages(last.manifest.outputs))
    from .spine import build_site  # the modules of a whole build: a build with nothing to do never loads them
    with no_collection():       # a build makes millions of objects and next to no cycles
        return build_site(site, config, output, options, loaded, last, started)


