"""Discover and parse the whole content folder, collecting every problem in one pass."""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from .config import Config
from .content import Parsed, article_files, duplicate_slugs, load_registries, parse_article
from .errors import Problem
from .model import Article, Registries

PARALLEL_FROM = 400   # files; below this a process pool costs more than it saves


@dataclass(frozen=True)
class Content:
    articles: tuple[Article, ...]
    registries: Registries
    problems: tuple[Problem, ...]     # errors and warnings, in file order

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _parse(job: tuple[Path, str, str]) -> Parsed:
    path, rel, tz = job
    return parse_article(path, rel, ZoneInfo(tz))


def load_content(site: Path, config: Config, *, drafts: bool = False, jobs: int = 1) -> Content:
    """Every article and registry under the content folder; drafts only when asked for."""
    content = site / config.paths.content
    problems: list[Problem] = []
    if not content.is_dir():
        problems.append(Problem(config.paths.content, None, "content folder not found",
                                "create it, or run 'site-builder init' to start a new site"))
        return Content((), Registries(), tuple(problems))
    files, found = article_files(content, site)
    problems += found
    work = [(path, rel, config.timezone) for path, rel in files]
    if jobs > 1 and len(work) >= PARALLEL_FROM:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parsed = pool.map(_parse, work, chunksize=max(1, len(work) // (jobs * 8)))
    else:
        parsed = [_parse(job) for job in work]
    articles = []
    for result in parsed:
        problems += result.problems
        if result.article is not None and (drafts or not result.article.draft):
            articles.append(result.article)
    registries, found = load_registries(content, site)
    problems += found
    problems += duplicate_slugs(articles)
    return Content(tuple(articles), registries, tuple(problems))
