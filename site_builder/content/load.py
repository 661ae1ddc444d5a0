"""Discover and parse the whole content folder, collecting every problem in one pass."""
from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from ..core.cachefolder import check_cache_folder, mark_cache_folder
from ..core.collector import no_collection
from ..core.config import Config
from ..core.errors import Problem, SiteError
from ..core.model import Article, Registries, Removal
from ..core.pool import WorkerDied, forked_map
from ..core.schema import schema
from ..core.store import (
    DataError,
    article_data,
    article_from,
    cache_problem,
    problem_data,
    problem_from,
    read_cache,
    write_cache,
)
from ..core.walk import Walk
from .articles import (
    REGISTRY_FILES,
    UNREADABLE,
    ArticleFile,
    Parsed,
    RegistryItems,
    RegistryReader,
    article_files,
    duplicate_slugs,
    load_registries,
    parse_article,
    registry_items,
)

PARALLEL_FROM = 400   # files; below this a process pool costs more than it saves
# what a shard keeps: stamps, parsed files and registry entries (the format: how they are parsed)
PARSED = schema(Parsed, RegistryItems, format=5, made=True)
SHARDS = 16


@dataclass(frozen=True)
class Content:
    articles: tuple[Article, ...]
    registries: Registries
    problems: tuple[Problem, ...]     # errors and warnings, in file order
    unsaved: tuple[Problem, ...] = ()   # the parse cache could not be written (a warning of this run only)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _parse(tz: str, file: ArticleFile) -> Parsed:
    return parse_article(Path(file.path), file.rel, ZoneInfo(tz))


class ParseCache:
    """Parsed files from the last run, as plain data, reused while a file's stamp is unchanged.

    Kept in SHARDS files by a hash of the file's path, so that after an edit only one is written
    again. Not `trusted` (a clean build), nothing is read from the last run and every shard is
    written anew."""

    def __init__(self, folder: Path | None, name: str = "parsed", trusted: bool = True) -> None:
        self.folder, self.name = folder, name
        self.shards: list[dict[str, list[Any]]] = [{} for _ in range(SHARDS)]
        self.dirty: set[int] = set(range(SHARDS)) if not trusted else set()
        for n in range(SHARDS if folder is not None and trusted else 0):
            data = read_cache(self._path(n), PARSED.version)
            if isinstance(data, dict):
                self.shards[n] = data

    def _path(self, n: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{self.name}-{n:02d}.json"

    @staticmethod
    def _shard(rel: str) -> int:
        return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARDS

    def get(self, rel: str, stamp: Stamp) -> Any:
        """The data kept for `rel` with this stamp, else None."""
        entry = self.shards[self._shard(rel)].get(rel)
        return entry[1] if isinstance(entry, list) and len(entry) == 2 and entry[0] == list(stamp) else None

    def put(self, rel: str, stamp: Stamp, data: Any) -> None:
        n = self._shard(rel)
        self.shards[n][rel] = [list(stamp), data]
        self.dirty.add(n)

    def save(self, keep: set[str]) -> OSError | None:
        """Write the shards that changed atomically, dropping files that are gone; the error that
        stopped it, if any (the build goes on without the cache)."""
        if self.folder is None:
            return None
        mark_cache_folder(self.folder)
        try:
            for n, entries in enumerate(self.shards):
                gone = [rel for rel in entries if rel not in keep]
                for rel in gone:
                    del entries[rel]
                if gone or n in self.dirty:
                    write_cache(self._path(n), PARSED.version, entries)
        except OSError as error:
            return error
        self.dirty.clear()
        return None


Stamp = tuple[int, int, int, int]


def _stamp(path: Path) -> Stamp | None:
    try:
        return _stamp_of(path.stat())
    except OSError:
        return None


def _stamp_of(info: os.stat_result) -> Stamp:
    """What tells a file changed: its change time moves on any write or chmod, even one that
    keeps the size and puts the modification time back (`touch -r`)."""
    return info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino


def _readable(problems: tuple[Problem, ...] | list[Problem]) -> bool:
    """A file that could not be read is read again next time, never remembered as broken."""
    return not any(p.message.startswith(UNREADABLE) for p in problems)


def _parsed_from(data: Any) -> Parsed | None:
    try:
        article, problems = data
        return Parsed(article_from(article) if article is not None else None, tuple(map(problem_from, problems)))
    except DataError:
        return None


def _parsed_data(parsed: Parsed) -> list[Any]:
    return [article_data(parsed.article) if parsed.article else None, [problem_data(p) for p in parsed.problems]]


def parse_all(files: list[ArticleFile], tz: str, cache: ParseCache, jobs: int) -> list[Parsed]:
    """Parse every file not in the cache (by the stamp the walk saw: each file is looked at
    once), in parallel when there are many; reuse the rest."""
    stamps = [_stamp_of(file.info) for file in files]
    results: list[Parsed | None] = [_parsed_from(cache.get(file.rel, stamp)) for file, stamp in zip(files, stamps)]
    todo = [i for i, r in enumerate(results) if r is None]
    work = [files[i] for i in todo]
    jobs = jobs if len(work) >= PARALLEL_FROM else 1
    parsed = list(forked_map(_parse, work, jobs, tz, chunksize=max(1, len(work) // (jobs * 8))))
    for i, result in zip(todo, parsed):
        results[i] = result
        if stamps[i] == _stamp(Path(files[i].path)) and _readable(result.problems):   # unchanged while read
            cache.put(files[i].rel, stamps[i], _parsed_data(result))
    return [r for r in results if r is not None]


def _items_from(data: Any) -> RegistryItems | None:
    try:
        items, problems = data
        return [(dict(item), int(line)) for item, line in items], list(map(problem_from, problems))
    except DataError:
        return None


def _items_data(found: RegistryItems) -> list[Any] | None:
    """The entries as JSON, or None when JSON cannot hold them as they are (a YAML set, a NaN...)."""
    data = [[[item, line] for item, line in found[0]], [problem_data(p) for p in found[1]]]
    try:
        same = _items_from(orjson.loads(orjson.dumps(data))) == found
    except TypeError:
        return None
    return data if same else None


def _cached_items(cache: ParseCache) -> RegistryReader:
    """Registry files read through the cache: the YAML of 2,000 entities takes a tenth of a second."""
    def read(path: Path, rel: str, kind: str) -> RegistryItems:
        stamp = _stamp(path)
        found = _items_from(cache.get(rel, stamp)) if stamp else None
        if found is None:
            found = registry_items(path, rel, kind)
            data = _items_data(found) if _readable(found[1]) else None
            if stamp is not None and stamp == _stamp(path) and data is not None:
                cache.put(rel, stamp, data)
        return found
    return read


@dataclass(frozen=True)
class ArticleFiles:
    """The articles of the content folder as the build reads them, drafts included."""

    articles: tuple[Article, ...]       # those that parse
    names: frozenset[str]               # every article file's name without .md, parsed or not


def load_articles(site: Path, config: Config, jobs: int = 1) -> ArticleFiles:
    """Every article file below the content folder, through the build's walk (sub-folders and
    links inside the site followed), parsed without the cache; nothing is written."""
    content = site / config.paths.content
    if not content.is_dir():
        return ArticleFiles((), frozenset())
    files, _ = article_files(content, site)
    parsed = parse_all(files, config.timezone, ParseCache(None), jobs)
    return ArticleFiles(tuple(p.article for p in parsed if p.article is not None),
                        frozenset(Path(file.rel).stem for file in files))


def load_content(site: Path, config: Config, *, drafts: bool = False, jobs: int = 1,
                 cache: bool = True, trusted: bool = True, walk: Walk | None = None) -> Content:
    """Every article and registry under the content folder; drafts only when asked for. With
    `cache`, parsed files are kept for the next run; only when `trusted` are the last run's used.
    `walk`: the content folder as walked already (`core.walk.walk_inputs`), if it was."""
    with no_collection():
        return _load_content(site, config, drafts, jobs, cache, trusted, walk)


def _load_content(site: Path, config: Config, drafts: bool, jobs: int, cache: bool, trusted: bool,
                  walk: Walk | None) -> Content:
    content = site / config.paths.content
    problems: list[Problem] = []
    if not content.is_dir():
        problems.append(Problem(config.paths.content, None, "content folder not found",
                                "create it, or run 'site-builder init' to start a new site"))
        return Content((), Registries(), tuple(problems))
    files, found = article_files(content, site, walk)
    problems += found
    if cache:
        check_cache_folder(site, config)
    parse_cache = ParseCache(site / config.paths.cache if cache else None,
                             f"parsed-{config.timezone.replace('/', '_')}", trusted)
    try:
        parsed = parse_all(files, config.timezone, parse_cache, jobs)
    except WorkerDied as died:
        raise SiteError(died.located(config.paths.content)) from None
    articles = []
    for result in parsed:
        problems += result.problems
        if result.article is not None and (drafts or not result.article.draft):
            articles.append(result.article)
    registries, found = load_registries(content, site, _cached_items(parse_cache))
    articles, removed, taken = take_down(articles, registries.removed)
    registries = replace(registries, removed=removed)
    problems += taken
    registry_files = {(content / name).relative_to(site).as_posix() for name in REGISTRY_FILES}
    unsaved = parse_cache.save({file.rel for file in files} | registry_files)
    problems += found
    problems += duplicate_slugs(articles)
    return Content(tuple(articles), registries, tuple(problems),
                   (cache_problem(config.paths.cache, unsaved),) if unsaved else ())


def take_down(articles: list[Article], removals: tuple[Removal, ...]) -> tuple[list[Article], tuple[Removal, ...],
                                                                              list[Problem]]:
    """The articles less those `removals` name (by slug or url), with no related link to them; the
    removals with their old pages' addresses and their saved copies in the site; a warning for each that names no article and gives
    no address (no page can be kept at an address not known)."""
    if not removals:
        return articles, removals, []
    by_slug = {r.slug: r for r in removals if r.slug}
    by_url = {r.url: r for r in removals if r.url}
    address: dict[Removal, str] = {}
    capture: dict[Removal, str] = {}      # its own saved copy, published from static/
    kept = []
    gone = set(by_slug)
    for article in articles:
        removal = by_slug.get(article.slug) or (by_url.get(article.url) if article.url else None)
        if removal is None:
            kept.append(article)
        else:
            address.setdefault(removal, article.url_path)
            if article.archived and article.archived.startswith("/"):
                capture.setdefault(removal, article.archived[1:])
            gone.add(article.slug)
    kept = [replace(a, related=tuple(s for s in a.related if s not in gone)) if set(a.related) & gone else a
            for a in kept]
    problems = [Problem(r.path, r.line, f"no article has {'slug' if r.slug else 'url'} "
                                        f"'{r.slug or r.url}': no page is kept at its old address",
                        "keep its file in content/, or give the old page's 'address: articles/…/'", "warning")
                for r in removals if r not in address and not r.address]
    return kept, tuple(replace(r, address=r.address or address.get(r), capture=capture.get(r)) for r in removals), \
        problems
