"""`check`: everything the loader reports, content warnings, alias suggestions, and a link check of a test build."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..build.pipeline import BuildOptions, build
from ..core.config import load_config
from ..core.errors import Problem, SiteError
from ..intel.archive import analysis_store, load_site
from .links import check_links
from ..content.load import default_jobs
from ..core.model import Archive


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
                "warnings": len(self.warnings), "problems": [p.as_dict() for p in self.problems]}


def content_warnings(archive: Archive, now: datetime) -> list[Problem]:
    """Unknown entities and sources, broken related links, articles with no entities, future dates."""
    problems = []
    for a in sorted(archive.articles.values(), key=lambda a: a.path):
        for name in () if a.names_found else a.entities:
            if not archive.entities[archive.entity_of[name.casefold()]].known:
                problems.append(Problem(a.path, a.line("entities"), f"unknown entity '{name}'",
                                        "add it (or it as an alias) to entities.yaml", "warning"))
        if not archive.sources[archive.source_of[a.source.casefold()]].known:
            problems.append(Problem(a.path, a.line("source"), f"unknown source '{a.source}'",
                                    "add it to sources.yaml", "warning"))
        for slug in a.related:
            if slug not in archive.articles:
                problems.append(Problem(a.path, a.line("related"), f"related article '{slug}' does not exist",
                                        "use the slug of an article in content/ (its file name without .md)"))
        if not a.entities:
            problems.append(Problem(a.path, a.line("title"), "article has no entities",
                                    "list the people, places and organisations it is about", "warning"))
        if a.date > now:
            problems.append(Problem(a.path, a.line("date"), f"date {a.date.isoformat()} is in the future",
                                    "check the year and the time zone", "warning"))
    return problems


def alias_warnings(archive: Archive) -> list[Problem]:
    from ..intel.aliases import suggest_aliases
    problems = []
    entities = [e for e in archive.entities.values() if e.known]
    for suggestion in suggest_aliases(list(archive.articles.values()), entities,
                                      lambda name: archive.entity_of.get(name.casefold(), name)):
        for place, (written, other) in [(p, (suggestion.name, suggestion.other)) for p in suggestion.name_places] + \
                [(p, (suggestion.other, suggestion.name)) for p in suggestion.other_places]:
            problems.append(Problem(place.path, place.line, f"'{written}' looks like '{other}' "
                                    f"(similarity {suggestion.score:.0f}%)", suggestion.hint, "warning"))
    return problems


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
    problems += content_warnings(archive, datetime.now(timezone.utc)) + alias_warnings(archive)
    with tempfile.TemporaryDirectory(prefix="site-builder-check-") as tmp:
        try:
            result = build(site, BuildOptions(drafts=drafts, output=Path(tmp) / "output", search=False,
                                                remember=False), loaded)
        except SiteError as error:
            return CheckReport(tuple(problems + error.problems), len(content.articles), 0)
        for broken in check_links(result.output, config.base_path, site_url=config.site_url):
            problems.append(Problem(f"output/{broken.page}", None, f"broken link '{broken.url}': {broken.reason}",
                                    "fix the template or the content that makes it"))
    return CheckReport(tuple(problems), len(content.articles), result.pages)
