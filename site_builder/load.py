"""Discover and parse the whole content folder, collecting every problem in one pass."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .config import Config
from .content import (REGISTRY_FILES, Parsed, RegistryItems, RegistryReader, article_files, duplicate_slugs, load_registries,
                      parse_article, registry_items)
from .errors import Problem
from .model import Article, Registries

PARALLEL_FROM = 400   # files; below this a process pool costs more than it saves
CACHE_VERSION = 2
SHARDS = 16


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


class ParseCache:
    """Parsed files from the last run, reused while a file's size and modification time are unchanged.

    Kept in SHARDS files by a hash of the file's path, so that after an edit only one is written again.
    """

    def __init__(self, folder: Path | None, name: str = "parsed") -> None:
        self.folder, self.name = folder, name
        self.shards: list[dict[str, tuple[int, int, Any]]] = [{} for _ in range(SHARDS)]
        self.dirty: set[int] = set()
        for n in range(SHARDS if folder is not None else 0):
            try:
                with open(self._path(n), "rb") as handle:
                    data = pickle.load(handle)
                if isinstance(data, dict) and data.get("version") == CACHE_VERSION:
                    self.shards[n] = data["entries"]
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError, TypeError):
                pass

    def _path(self, n: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{self.name}-{n:02d}.pickle"

    @staticmethod
    def _shard(rel: str) -> int:
        return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARDS

    def get(self, rel: str, stamp: tuple[int, int]) -> Any:
        entry = self.shards[self._shard(rel)].get(rel)
        return entry[2] if entry is not None and entry[:2] == stamp else None

    def put(self, rel: str, stamp: tuple[int, int], parsed: Any) -> None:
        n = self._shard(rel)
        self.shards[n][rel] = (*stamp, parsed)
        self.dirty.add(n)

    def save(self, keep: set[str]) -> None:
        """Write the shards that changed atomically, dropping files that are gone."""
        if self.folder is None:
            return
        (self.folder / f"{self.name}.pickle").unlink(missing_ok=True)     # one file, before the shards
        for n, entries in enumerate(self.shards):
            gone = [rel for rel in entries if rel not in keep]
            for rel in gone:
                del entries[rel]
            if not (gone or n in self.dirty):
                continue
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self._path(n).with_suffix(f".tmp{os.getpid()}")
            with open(tmp, "wb") as handle:
                pickle.dump({"version": CACHE_VERSION, "entries": entries}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(n))
        self.dirty.clear()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def parse_all(files: list[tuple[Path, str]], tz: str, cache: ParseCache, jobs: int) -> list[Parsed]:
    """Parse every file not in the cache (in parallel when there are many); reuse the rest."""
    stamps = [_stamp(path) for path, _ in files]
    results: list[Parsed | None] = [cache.get(rel, stamp) if stamp else None
                                    for (_, rel), stamp in zip(files, stamps)]
    todo = [i for i, r in enumerate(results) if r is None]
    work = [(files[i][0], files[i][1], tz) for i in todo]
    if jobs > 1 and len(work) >= PARALLEL_FROM:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parsed = pool.map(_parse, work, chunksize=max(1, len(work) // (jobs * 8)))
    else:
        parsed = [_parse(job) for job in work]
    for i, result in zip(todo, parsed):
        results[i] = result
        stamp = stamps[i]
        if stamp is not None and stamp == _stamp(files[i][0]):   # unchanged while we read it
            cache.put(files[i][1], stamp, result)
    return [r for r in results if r is not None]


def _cached_items(cache: ParseCache) -> RegistryReader:
    """Registry files read through the cache: the YAML of 2,000 entities takes a tenth of a second."""
    def read(path: Path, rel: str, kind: str) -> RegistryItems:
        stamp = _stamp(path)
        found = cache.get(rel, stamp) if stamp else None
        if found is None:
            found = registry_items(path, rel, kind)
            if stamp is not None and stamp == _stamp(path):
                cache.put(rel, stamp, found)
        return found
    return read


def load_content(site: Path, config: Config, *, drafts: bool = False, jobs: int = 1,
                 cache: bool = True) -> Content:
    """Every article and registry under the content folder; drafts only when asked for."""
    content = site / config.paths.content
    problems: list[Problem] = []
    if not content.is_dir():
        problems.append(Problem(config.paths.content, None, "content folder not found",
                                "create it, or run 'site-builder init' to start a new site"))
        return Content((), Registries(), tuple(problems))
    files, found = article_files(content, site)
    problems += found
    parse_cache = ParseCache(site / config.paths.cache if cache else None,
                             f"parsed-{config.timezone.replace('/', '_')}")
    parsed = parse_all(files, config.timezone, parse_cache, jobs)
    articles = []
    for result in parsed:
        problems += result.problems
        if result.article is not None and (drafts or not result.article.draft):
            articles.append(result.article)
    registries, found = load_registries(content, site, _cached_items(parse_cache))
    registry_files = {(content / name).relative_to(site).as_posix() for name in REGISTRY_FILES}
    parse_cache.save({rel for _, rel in files} | registry_files)
    problems += found
    problems += duplicate_slugs(articles)
    return Content(tuple(articles), registries, tuple(problems))
