"""Command line: parse arguments, print results and errors, set the exit status. No logic here."""
from __future__ import annotations

import atexit
import dataclasses
import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from .core.errors import Problem, SiteError
from .core.terminal import json_text, make_console, plain, printable
from .core.terminal import print_problems as show_problems
from .intel.evaluate import LEVELS

err = make_console(stderr=True)
out = make_console()
EXIT_CONTENT = 1


@dataclasses.dataclass(frozen=True)
class Verbosity:
    """What the global --quiet and --verbose ask for."""

    quiet: bool = False
    verbose: bool = False


def verbosity() -> Verbosity:
    context = click.get_current_context(silent=True)
    found = context.find_root().obj if context else None
    return found if isinstance(found, Verbosity) else Verbosity()


def print_problems(problems: list[Problem] | tuple[Problem, ...]) -> None:
    """Every problem, or only the errors with --quiet."""
    show_problems(err, [p for p in problems if p.severity == "error"] if verbosity().quiet else problems)


@contextmanager
def reported() -> Iterator[None]:
    """Turn SiteError into located messages and exit status 1."""
    try:
        yield
    except SiteError as error:
        print_problems(error.problems)
        errors = sum(1 for p in error.problems if p.severity == "error")
        err.print(plain(("failed", "bold red"), f": {errors} error{'s' if errors != 1 else ''}; nothing was written"))
        sys.exit(EXIT_CONTENT)


site_option = click.option("--site", "site", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, help="The site folder.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Colours: off when the output is not a terminal, or when NO_COLOR is set (https://no-color.org/). "
                    "Shell completion: eval \"$(_SITE_BUILDER_COMPLETE=bash_source site-builder)\" (zsh_source, "
                    "fish_source for those shells).")
@click.version_option(package_name="site_builder")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only: no warnings, progress or summary.")
@click.option("--verbose", "-v", is_flag=True, help="Print more: each stage's seconds and every file a build changed.")
@click.pass_context
def main(context: click.Context, quiet: bool, verbose: bool) -> None:
    """site-builder: static sites for story-timeline news archives."""
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    context.obj = Verbosity(quiet, verbose)
    out.quiet = quiet


@main.command()
@site_option
@click.option("--base-url", help="Absolute URL or path the site is served under, e.g. https://example.org/archive/")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help="Worker processes (default: CPU count).")
@click.option("--clean", is_flag=True, help="Ignore the cache and rebuild every page.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: output/).")
@click.option("--no-search", is_flag=True, help="Skip the static search index.")
@click.option("--timings", is_flag=True, help="After the summary, print the seconds each stage took.")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Give up when another build of this site or output folder still runs after SECONDS "
                   "(default: wait until it ends).")
def build(site: Path, base_url: str | None, drafts: bool, jobs: int | None, clean: bool, output: Path | None,
          no_search: bool, timings: bool, lock_timeout: float | None) -> None:
    """Build the site into output/."""
    from .build.pipeline import BuildOptions
    from .build.pipeline import build as run_build
    with reported(), _progress() as progress:
        options = BuildOptions(base_url=base_url, drafts=drafts, clean=clean, output=output,
                               search=False if no_search else None, progress=progress,
                               lock_timeout=lock_timeout, waiting=_say_waiting)
        if jobs:
            options = dataclasses.replace(options, jobs=jobs)
        result = run_build(site, options)
    print_problems(result.warnings)
    search = f", search {result.search_seconds:.1f} s" if result.search_seconds else ""
    out.print(plain(("built", "green"), f" {result.html} pages, {result.pages} files in all ({result.written} written, {result.removed} removed) "
                    f"in {result.seconds:.2f} s{search}, {len(result.warnings)} warning"
                    f"{'s' if len(result.warnings) != 1 else ''} → {result.output}"))
    if timings or verbosity().verbose:
        out.print(plain(("stages", "bold"), ": " + ", ".join(f"{name} {seconds:.2f} s"
                                                             for name, seconds in result.stages.items())))
    if verbosity().verbose:
        for path in sorted(result.changed):
            out.print(plain(("changed", "dim"), f" {path}"))


def _say_waiting(note: str) -> None:
    err.print(plain(("waiting", "bold yellow"), f": {note}"), soft_wrap=True)


@contextmanager
def _progress() -> Iterator[Any]:
    """A progress bar on a terminal; nothing when output is piped."""
    if not err.is_terminal or verbosity().quiet:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    with Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("render", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@main.command()
@site_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--eval", "labels", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV of true labels (columns path and story, event or copy): print precision, recall and F1.")
@click.option("--level", type=click.Choice(list(LEVELS)), default=None,
              help="With --eval: score the stories (default, column story), the events, which reports tell one "
                   "happening (column event), or the copies, which articles are copies of one report (column copy).")
@click.option("--drafts", is_flag=True, help="Include drafts.")
def stories(site: Path, as_json: bool, labels: Path | None, level: str | None, drafts: bool) -> None:
    """Print the computed story timelines."""
    from .stories import story_evaluation, story_listing
    if level and not labels:
        raise click.UsageError("--level needs --eval LABELS.csv")
    with reported():
        listing = story_listing(site, drafts=drafts)
        if labels:
            scores = story_evaluation(listing, labels, site, level or "stories")
            if as_json:
                out.print_json(json.dumps(scores))
            else:
                for name, value in scores.items():
                    out.print(f"{name:>22}: {value:.3f}" if isinstance(value, float) else f"{name:>22}: {value}",
                              markup=False)
            return
    if as_json:
        sys.stdout.write(json_text(listing) + "\n")
        return
    for story in listing["stories"]:
        out.print(plain((story["id"], "bold"), "  ", story["title"],
                        *([] if story["explicit"] else [("  (automatic)", "dim")])))
        for event in story["events"]:
            first = event["versions"][0]
            out.print(plain(f"  {event['date'][:10 if event['date_only'] else 16]:16}  ", first["title"], "  ",
                            (first["source"], "dim")))
            for version in event["versions"][1:]:
                copy = version["report"] != version["slug"]
                out.print(plain("      + copy: " if copy else "      + report: ", version["title"], "  ",
                                (f"{version['source']}" + (f" · score {version['score']:.2f}" if copy else ""), "dim")))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a new site in DIRECTORY that builds at once."""
    from .content.scaffold import create_site
    with reported():
        created = create_site(directory)
    out.print(plain(("created", "green"), f" a new site in {directory} ({len(created)} files). Next: "
                    f"cd {directory} && site-builder serve"))


@main.command()
@site_option
@click.argument("title")
@click.option("--source", required=True, help="The outlet that published it.")
@click.option("--date", "when", help="Publication date (ISO 8601); default now.")
@click.option("--story", help="Story id.")
def new(site: Path, title: str, source: str, when: str | None, story: str | None) -> None:
    """Create a content file from TITLE (never overwrites)."""
    from .content.scaffold import new_article
    with reported():
        path = new_article(site, title, source=source, when=when, story=story)
    out.print(plain(("created", "green"), f" {path}"))


@main.command()
@site_option
@click.option("--port", type=click.IntRange(1, 65535), default=5500, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 exposes the preview to your network.")
@click.option("--drafts", is_flag=True, help="Include drafts.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path))
def serve(site: Path, port: int, host: str, drafts: bool, output: Path | None) -> None:
    """Build, serve output/ with live reload and rebuild on every change."""
    from .serve.server import serve as run_server
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(plain(("warning", "bold yellow"), f": serving on {host} makes the preview reachable from other machines"))
    with reported():
        run_server(site, host=host, port=port, drafts=drafts, output=output, console=err)


@main.command(name="import")
@site_option
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--source", help="The outlet, when the page does not name it.")
@click.option("--date", "when", help="The page's date (ISO 8601), for relative times such as '2 hours ago'.")
@click.option("--allow-removed", is_flag=True, help="Import pages whose url content/removed.yaml lists.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
def import_(site: Path, inputs: tuple[Path, ...], source: str | None, when: str | None, dry_run: bool,
            allow_removed: bool) -> None:
    """Turn scraped text or saved HTML pages into content files (never overwrites)."""
    from .importer.plan import import_paths
    try:
        moment = datetime.fromisoformat(when) if when else None
    except ValueError:
        raise click.BadParameter(f"'{when}' is not an ISO 8601 date, e.g. 2025-06-23T10:30:00+03:00",
                                 param_hint="--date") from None
    with reported():
        report = import_paths(list(inputs), site, source=source, date=moment, dry_run=dry_run,
                              allow_removed=allow_removed)
    print_problems(report.failures)
    for line in report.lines():
        if not any(line.endswith(p.message) for p in report.failures):
            out.print(printable(line), markup=False)
    sys.exit(0 if report.ok else EXIT_CONTENT)


@main.command()
@site_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--drafts", is_flag=True, help="Include drafts.")
def check(site: Path, as_json: bool, drafts: bool) -> None:
    """Lint the content, suggest aliases, and check every internal link of a test build."""
    from .check.lint import check_site, counts_by_kind
    with reported():
        report = check_site(site, drafts=drafts)
    if as_json:
        sys.stdout.write(json_text(report.as_dict()) + "\n")
    else:
        print_problems(report.problems)
        colour = "red" if report.errors else "green"
        kinds = " · ".join(f"{kind} {count:,}" for kind, count in counts_by_kind(report.problems).items())
        out.print(plain(("check", colour), f": {report.articles} articles, {report.pages} pages, "
                        f"{len(report.errors)} error{'s' * (len(report.errors) != 1)}, "
                        f"{len(report.warnings)} warning{'s' * (len(report.warnings) != 1)}"
                        + (f" ({kinds})" if kinds else "")))
    sys.exit(EXIT_CONTENT if report.errors else 0)


@main.command()
@click.argument("which", type=click.Choice(["front-matter", "site"]))
def schema(which: str) -> None:
    """Print the JSON Schema of an article's front matter or of site.toml (for editors)."""
    from .check.jsonschemas import SCHEMAS
    sys.stdout.write(json_text(SCHEMAS[which]()) + "\n")


@main.command()
@site_option
@click.option("--format", "fmt", type=click.Choice(["sqlite", "csv", "json"]), required=True,
              help="sqlite: archive.sqlite with a full-text index; csv: a folder of one CSV per table; "
                   "json: stories.json, as stories --json prints it.")
@click.option("--output", type=click.Path(path_type=Path),
              help="Where to write (default: archive.sqlite, archive-csv/ or stories.json here).")
@click.option("--force", is_flag=True, help="Replace an existing file or folder.")
@click.option("--drafts", is_flag=True, help="Include drafts.")
def export(site: Path, fmt: str, output: Path | None, force: bool, drafts: bool) -> None:
    """Write the archive as open data (the files of the site's data/) outside the site."""
    from .export import export_data
    with reported():
        done = export_data(site, fmt, output, force=force, drafts=drafts)
    what = f"{len(done.files)} CSV files into" if fmt == "csv" else "the archive to"
    out.print(plain(("exported", "green"), f" {what} {done.target}"))


@main.command()
@site_option
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--drafts", is_flag=True, help="Include drafts.")
def explore(site: Path, port: int, drafts: bool) -> None:
    """Open the archive's database in Datasette on 127.0.0.1 (pip install 'site_builder[explore]')."""
    from .export import explore as run_explore
    with reported():
        try:
            status = run_explore(site, port, drafts=drafts)
        except KeyboardInterrupt:
            status = 0
    sys.exit(status)


def run() -> None:
    """The `site-builder` command. Once it is done, the process ends without the interpreter's
    teardown, which would free a build's millions of objects one by one (0.2 s at 10,000 articles):
    exit handlers run and output is flushed first, and a thread still running gets the usual exit."""
    try:
        main(prog_name="site-builder")
    except SystemExit as done:
        if threading.active_count() > 1:
            raise
        code = exit_status(done.code)
    else:
        code = 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def exit_status(code: object) -> int:
    """The process's status for `sys.exit(code)`, as Python gives it (a message is printed, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    run()
