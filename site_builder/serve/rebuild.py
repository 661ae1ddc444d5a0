"""One build at a time for `serve`: what is served, the last build's state, what to reload, previews and search."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from ..build.lock import build_lock
from ..build.pipeline import BuildOptions, BuildResult, build, output_folder
from ..core.config import CONFIG_NAME, Config, load_config
from ..core.errors import Problem, SiteError
from ..core.terminal import plain, print_problems, printable
from ..site.preview import PageMaker, preview_pages


# -- what is served, and the state of the last build ------------------------------------------
@dataclass(frozen=True)
class Layout:
    """Where the site's inputs are, where its output is and the URL path it is served under."""

    inputs: tuple[Path, ...]
    static: Path
    output: Path
    base_path: str


@dataclass(frozen=True)
class BuildState:
    """What open pages need to know: the output's generation and why the last build failed."""

    generation: int = 0                    # counts builds that changed the output
    problems: tuple[Problem, ...] = ()     # empty when the last build succeeded
    styles_only: bool = False              # the last change was to stylesheets only: swap them, do not reload

    def message(self) -> str:
        return json.dumps({"generation": self.generation, "styles": self.styles_only,
                           "problems": [p.as_dict() for p in self.problems]})


@dataclass(frozen=True)
class Outcome:
    """One build's result for the browser: the new state and what to reload."""

    state: BuildState
    layout: Layout
    reload: tuple[str, ...] = ()           # stylesheet URLs to swap, ("*",) for whole pages, () for nothing
    previews: dict[str, bytes] = field(default_factory=dict)   # output path -> page served instead of the file


def site_layout(site: Path, output: Path | None, fallback: Layout | None = None) -> Layout:
    """The layout from site.toml; the fallback (or the defaults) while site.toml has errors."""
    try:
        config = load_config(site)
        folder = output_folder(site, config, BuildOptions(output=output))
    except (SiteError, OSError):
        if fallback:
            return fallback
        config = Config()
        folder = (output or site / config.paths.output).resolve()
    paths = config.paths
    inputs = (site / CONFIG_NAME, site / paths.content, site / paths.templates, site / paths.static)
    return Layout(inputs, site / paths.static, folder, config.base_path)


def reload_paths(changed: Iterable[Path], layout: Layout, result: BuildResult) -> tuple[str, ...]:
    """Nothing when the output is unchanged; the stylesheets when only CSS changed; else the pages."""
    changed = list(changed)
    if not (result.written or result.removed):
        return ()
    if changed and all(p.suffix == ".css" and p.is_relative_to(layout.static) for p in changed):
        return tuple(sorted(f"{layout.base_path}assets/{p.relative_to(layout.static).as_posix()}" for p in changed))
    return ("*",)


# -- search ----------------------------------------------------------------------------------------
class SearchRefresher:
    """Re-indexes the output for search in a background thread; requests during a run coalesce into one more.

    Only the search periods of the pages written or removed since the last run that succeeded, and
    those the published listing marks stale (`build.search.mark_stale`), are indexed again."""

    def __init__(self, site: Path, console: Console, publishing: AbstractContextManager[Any] | None = None) -> None:
        self.site, self.console, self.publishing = site, console, publishing
        self._lock = threading.Lock()
        self._running = self._pending = False
        self._changed: set[str] = set()     # pages written or removed since the last run that succeeded

    def request(self, output: Path, changed: Iterable[str] = ()) -> None:
        with self._lock:
            self._changed.update(changed)
            if self._running:
                self._pending = True
                return
            self._running = True
        threading.Thread(target=self._run, args=(output,), daemon=True).start()

    def _run(self, output: Path) -> None:
        from ..build.search import index_site
        while True:
            with self._lock:
                changed, self._changed = self._changed, set()
            try:
                config = load_config(self.site)
                if config.search:
                    report = index_site(output, changed=changed,
                                        publishing=_publishing(self.site / config.paths.cache, output, self.publishing))
                    self.console.print(f"[dim]search index updated: {report.pages} pages in {report.seconds:.1f} s[/]",
                                       highlight=False)
            except (SiteError, OSError, RuntimeError) as error:
                with self._lock:      # what the run was to index is still to be indexed
                    self._changed |= changed
                self.console.print(f"[yellow]warning[/]: search index not updated: {escape(printable(str(error)))}",
                                   highlight=False)
            with self._lock:
                if not self._pending:
                    self._running = False
                    return
                self._pending = False


@contextmanager
def _publishing(cache: Path, output: Path, publishing: AbstractContextManager[Any] | None) -> Iterator[None]:
    """The bundles move into `output/` under the build lock, as a build's files do (then `publishing`,
    in the order a build takes them), so that no build of another process commits meanwhile."""
    with build_lock(cache, output), publishing or nullcontext():
        yield


# -- build -----------------------------------------------------------------------------------------
@dataclass
class Builder:
    """Runs one build at a time and turns it into an Outcome; never raises."""

    site: Path
    options: BuildOptions
    console: Console
    layout: Layout
    state: BuildState = BuildState()
    unbuilt: set[Path] = field(default_factory=set)    # changes since the last good build
    search: SearchRefresher | None = None
    pages_from: PageMaker | None = None               # the last good build's, for previews
    warned: tuple[Problem, ...] = ()                  # the warnings last shown

    def preview(self, changed: set[Path]) -> Outcome | None:
        """Edited articles' pages at once, before the full build; None when there is nothing to preview."""
        if self.pages_from is None or self.state.problems:
            return None
        start = time.perf_counter()
        try:
            pages = preview_pages(self.pages_from, changed, self.options.drafts)
        except Exception:          # the full build that follows reports whatever went wrong
            return None
        if not pages:
            return None
        self.state = BuildState(self.state.generation + 1)
        self.console.print(f"[cyan]preview[/] {len(pages)} page{'s' * (len(pages) > 1)} in "
                           f"{(time.perf_counter() - start) * 1000:.0f} ms; full build follows", highlight=False)
        return Outcome(self.state, self.layout, ("*",), pages)

    def run(self, changed: set[Path]) -> Outcome:
        self.unbuilt |= changed
        self._print_changes(changed)
        try:
            result = build(self.site, self.options)
        except SiteError as error:
            return self._failed(tuple(error.problems))
        except Exception as error:         # a bug in the build must not stop the preview
            self.console.print_exception()
            return self._failed((_internal_problem(error),))
        return self._succeeded(result)

    def _succeeded(self, result: BuildResult) -> Outcome:
        recovered = bool(self.state.problems)
        self.pages_from = result.pages_from or self.pages_from
        self.layout = site_layout(self.site, self.options.output, self.layout)
        reload = reload_paths(self.unbuilt, self.layout, result)
        self.unbuilt = set()
        if self.search and (result.written or result.removed or not (result.output / "pagefind").exists()):
            self.search.request(result.output, result.changed)
        self.state = BuildState(self.state.generation + bool(reload), styles_only=bool(reload) and reload != ("*",))
        what = ("reloading the stylesheets only" if reload and reload != ("*",) else
                "reloading the open pages" if reload else "nothing to reload")
        self.console.print(f"[green]{'recovered' if recovered else 'built'}:[/] {result.written} "
                           f"file{'s' * (result.written != 1)} written, {result.removed} removed in "
                           f"{result.seconds:.2f} s ({what})"
                           + (f", {len(result.warnings)} warning{'s' * (len(result.warnings) > 1)}"
                              if result.warnings else ""),
                           highlight=False, soft_wrap=True)
        if result.warnings != self.warned:       # say what they are when they change, not on every save
            print_problems(self.console, result.warnings, soft_wrap=True)
            self.warned = result.warnings
        return Outcome(self.state, self.layout, reload)

    def _failed(self, problems: tuple[Problem, ...]) -> Outcome:
        self.layout = site_layout(self.site, self.options.output, self.layout)
        self.state = BuildState(self.state.generation, problems)
        print_problems(self.console, problems, soft_wrap=True)
        self.console.print("[bold red]build failed[/]: still serving the last good output; "
                           "the preview recovers on the next good save", highlight=False, soft_wrap=True)
        return Outcome(self.state, self.layout)

    def _print_changes(self, changed: set[Path]) -> None:
        if changed:
            names = sorted(_relative(p, self.site) for p in changed)
            more = f" and {len(names) - 1} more" if len(names) > 1 else ""
            self.console.print(plain((f"changed: {names[0]}{more}", "dim")), highlight=False, soft_wrap=True)


def _relative(path: Path, site: Path) -> str:
    return path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)


def _internal_problem(error: Exception) -> Problem:
    return Problem("site_builder", None, f"unexpected error: {type(error).__name__}: {error}",
                   "the traceback is in the terminal; please report it")
