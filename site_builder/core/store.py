"""The one cache format: JSON data under its store's version (`core.schema`), written atomically.

A cache can be shared (a CI cache, a synced folder), so it holds data only: what is read back is
JSON, turned into the model's dataclasses field by field. A crafted cache file can at worst make
a build redo work (a file that does not decode is ignored), never run code.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import orjson

from .cachefolder import own_files
from .errors import Problem
from .model import Article, Event, Story, Tie, Version

TEMPORARY = ".tmp"       # `name.tmp<pid>`: a file being written by the process <pid>
_TEMPORARY = re.compile(r"\.tmp(\d+)$")
DataError = (ValueError, TypeError, KeyError, IndexError, AttributeError)    # what a damaged file can raise


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A handle to write `path` through: the file appears whole or not at all, and a write that
    fails (a full disk) leaves no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}{TEMPORARY}{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_new(path: Path, text: str) -> None:
    """Write a new text file, its folders made as needed; FileExistsError rather than replace one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_cache(path: Path, version: str, data: Any) -> None:
    """Save JSON-able `data` under its store's version (`core.schema`), atomically."""
    with atomic_file(path) as handle:
        handle.write(orjson.dumps({"version": version, "data": data}, option=orjson.OPT_SERIALIZE_NUMPY))


def read_cache(path: Path, version: str) -> Any:
    """The data saved with this version; None when missing, damaged or of another version."""
    try:
        saved = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return saved.get("data") if isinstance(saved, dict) and saved.get("version") == version else None


def remove_dead_temporaries(folder: Path) -> None:
    """Delete the temporary files of writes that never finished (a build killed while saving):
    only those of the cache's own names, whatever else the folder holds."""
    for path in own_files(folder):
        match = _TEMPORARY.search(path.name)
        if match and not _alive(int(match.group(1))):
            with suppress(OSError):      # a read-only cache: reported when the build tries to write it
                path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**22
    return True


def writable(folder: Path) -> OSError | None:
    """None when files can be written into `folder` (made if missing); else why not."""
    try:
        with atomic_file(folder / ".write-probe") as handle:
            handle.write(b"")
        (folder / ".write-probe").unlink()
    except OSError as error:
        return error
    return None


def cache_problem(folder: str, error: OSError) -> Problem:
    """A cache that cannot be written: a warning, the build goes on without it."""
    return Problem(folder, None, f"cannot write the cache: {error.strerror or error}",
                   "free disk space or fix the folder's permissions; this build ran without the cache",
                   "warning")


# -- the model as plain JSON values and back ------------------------------------------------------
def date_data(when: datetime) -> list[Any]:
    """An aware datetime with its zone: the zone's name when it has one, so it formats the same."""
    return [when.isoformat(), when.tzinfo.key if isinstance(when.tzinfo, ZoneInfo) else None]


def date_from(data: list[Any]) -> datetime:
    when = datetime.fromisoformat(data[0])
    if when.tzinfo is None:
        raise ValueError("a date without a time zone")
    return when.astimezone(ZoneInfo(data[1])) if data[1] else when


def problem_data(problem: Problem) -> list[Any]:
    return [problem.path, problem.line, problem.message, problem.hint, problem.severity, problem.kind,
            list(problem.also)]


def problem_from(data: list[Any]) -> Problem:
    path, line, message, hint, severity, kind, also = data
    if not (isinstance(path, str) and isinstance(message, str) and isinstance(hint, str) and isinstance(kind, str)
            and (line is None or isinstance(line, int)) and severity in ("error", "warning")):
        raise ValueError("not a problem")
    return Problem(path, line, message, hint, severity, kind, tuple(map(str, also)))


def article_data(a: Article) -> list[Any]:
    return [a.path, a.slug, a.title, date_data(a.date), a.source, a.body, a.url, a.wire, a.dateline, a.story,
            a.entities, a.tags, a.related, a.summary, a.draft, a.date_only, a.lines, a.digest, a.names_found,
            a.archived, _date_data(a.archived_at), _date_data(a.imported_at),
            a.authors, date_data(a.updated) if a.updated else None, a.updated_date_only, a.correction,
            a.image, a.image_caption, a.language]


def article_from(data: list[Any]) -> Article:
    """The article back from `article_data` (its text fields checked: names and lines are cheap to coerce)."""
    (path, slug, title, when, source, body, url, wire, dateline, story, entities, tags, related, summary, draft,
     date_only, lines, digest, names_found, archived, archived_at, imported_at, authors, updated, updated_date_only,
     correction, image, image_caption, language) = data
    if not all(type(text) is str for text in (path, slug, title, source, body, summary, digest, correction,
                                                        image_caption, language)):
        raise ValueError("not an article")
    return Article(path, slug, title, date_from(when), source, body, _text(url), _text(wire), _text(dateline),
                   _text(story), tuple(map(str, entities)), tuple(map(str, tags)), tuple(map(str, related)), summary,
                   draft is True, date_only is True, tuple(map(tuple, lines)), digest, names_found is True,
                   _text(archived), _date_from(archived_at), _date_from(imported_at),
                   tuple(map(str, authors)), date_from(updated) if updated else None, updated_date_only is True,
                   correction, _text(image), image_caption, language)


def _date_data(when: datetime | None) -> list[Any] | None:
    return None if when is None else date_data(when)


def _date_from(data: list[Any] | None) -> datetime | None:
    return None if data is None else date_from(data)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def stories_data(stories: tuple[Story, ...]) -> list[Any]:
    return [[s.id, s.title, s.summary, s.explicit, s.status,
             [[e.id, date_data(e.date), [[v.slug, v.score, v.report] for v in e.versions], _tie_data(e.tie)]
              for e in s.events]]
            for s in stories]


def _tie_data(tie: Tie | None) -> list[Any] | None:
    return None if tie is None else [tie.event, tie.score, list(tie.entities), list(tie.terms)]


def _tie_from(data: list[Any] | None) -> Tie | None:
    if data is None:
        return None
    event, score, entities, terms = data
    return Tie(str(event), float(score), tuple(map(str, entities)), tuple(map(str, terms)))


def stories_from(data: list[Any]) -> tuple[Story, ...]:
    return tuple(Story(str(id_), str(title), str(summary), explicit is True,
                       tuple(Event(str(eid), date_from(when), tuple(Version(str(slug), float(score), str(report))
                                                                    for slug, score, report in versions), _tie_from(tie))
                             for eid, when, versions, tie in events), str(status))
                 for id_, title, summary, explicit, status, events in data)
