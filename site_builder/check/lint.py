"""`check`: everything the loader reports, content warnings, alias suggestions, and a link check of a test build."""
from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..build.pipeline import BuildOptions, build
from ..core.config import load_config
from ..core.errors import Problem, SiteError
from ..core.model import Archive
from ..core.pool import default_jobs
from ..intel.aliases import suggest_aliases
from ..intel.archive import analysis_store, load_site
from .links import check_links


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...]
    articles: int
    pages: int

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "pages": self.pages, "errors": len(self.errors),
                "warnings": len(self.warnings), "kinds": counts_by_kind(self.problems),
                "problems": [p.as_dict() for p in self.problems]}


def content_warnings(archive: Archive, now: datetime) -> list[Problem]:
    """Unknown entities and sources and articles with no entities, each said once with its files;
    broken related links and future dates, each where it is."""
    problems = []
    grouped: dict[tuple[str, str], list[tuple[str, int | None, str]]] = defaultdict(list)
    for a in sorted(archive.articles.values(), key=lambda a: a.path):
        for name in () if a.names_found else a.entities:
            if not archive.entities[archive.entity_of[name.casefold()]].known:
                grouped["unknown entity", name.casefold()].append((a.path, a.line("entities"), name))
        if not archive.sources[archive.source_of[a.source.casefold()]].known:
            grouped["unknown source", a.source.casefold()].append((a.path, a.line("source"), a.source))
        for slug in a.related:
            if slug not in archive.articles:
                problems.append(Problem(a.path, a.line("related"), f"related article '{slug}' does not exist",
                                        "use the slug of an article in content/ (its file name without .md)",
                                        kind="missing related article"))
        if not a.entities:
            grouped["no entities", ""].append((a.path, a.line("title"), ""))
        if a.date > now:
            problems.append(Problem(a.path, a.line("date"), f"date {a.date.isoformat()} is in the future",
                                    "check the year and the time zone", "warning", kind="future date"))
    for (kind, _), places in grouped.items():
        path, line, name = places[0]
        message, hint = {
            "unknown entity": (f"unknown entity '{name}'", "add it (or it as an alias) to entities.yaml"),
            "unknown source": (f"unknown source '{name}'", "add it to sources.yaml"),
            "no entities": ("article has no entities", "list the people, places and organisations it is about"),
        }[kind]
        problems.append(Problem(path, line, message + in_files(len(places)), hint, "warning", kind=kind,
                                also=tuple(_where(p, n) for p, n, _ in places[1:])))
    return problems


def in_files(count: int) -> str:
    return "" if count == 1 else f" (in {count:,} files; the first is here)"


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def alias_warnings(archive: Archive) -> list[Problem]:
    """One warning per likely alias, where its spelling is first written."""
    entities = [e for e in archive.entities.values() if e.known]
    found = suggest_aliases(list(archive.articles.values()), entities,
                            lambda name: archive.entity_of.get(name.casefold(), name))
    return [Problem(s.places[0].path, s.places[0].line, f"'{s.name}' looks like '{s.other}' ({s.why})"
                    + in_files(len(s.places)), s.hint, "warning", kind="alias suggestion",
                    also=tuple(_where(p.path, p.line) for p in s.places[1:])) for s in found]


def counts_by_kind(problems: Sequence[Problem]) -> dict[str, int]:
    """How many problems of each kind, most first ("other" for those of no kind)."""
    counts = Counter(p.kind or "other" for p in problems)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def check_site(site: Path, *, drafts: bool = False) -> CheckReport:
    """Lint, then build into a temporary folder and check every internal link and anchor."""
    config = load_config(site)
    loaded = load_site(site, config, drafts=drafts, jobs=default_jobs(), store=analysis_store(site, config))
    content, archive = loaded.content, loaded.archive
    problems = list(content.problems)
    if archive is None:
        return CheckReport(tuple(problems), len(content.articles), 0)
    problems += archive.problems
    if any(p.severity == "error" for p in archive.problems):
        return CheckReport(tuple(problems), len(content.articles), 0)
    problems += content_warnings(archive, datetime.now(UTC)) + alias_warnings(archive)
    with tempfile.TemporaryDirectory(prefix="site-builder-check-") as tmp:
        try:
            result = build(site, BuildOptions(drafts=drafts, output=Path(tmp) / "output", search=False,
                                                remember=False), loaded)
        except SiteError as error:
            return CheckReport(tuple(problems + error.problems), len(content.articles), 0)
        for broken in check_links(result.output, config.base_path, site_url=config.site_url):
            problems.append(Problem(f"output/{broken.page}", None, f"broken link '{broken.url}': {broken.reason}",
                                    "fix the template or the content that makes it", kind="broken link"))
    return CheckReport(tuple(problems), len(content.articles), result.pages)
