"""Walk an input folder (content/, templates/, static/) as the build reads it.

One walk for everything that lists inputs (the loader, the static files, the build's fingerprint),
so that what is read is what is stamped:
- symbolic links that stay inside the site are followed, files and folders alike; a link that
  leads outside the site, or back to a folder above it (a loop), is refused and not followed;
- FIFOs, sockets and devices are refused without being opened (opening a FIFO waits for a writer);
- folders are walked with a stack, never by recursion, and refused below MAX_DEPTH levels.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from .errors import Problem

MAX_DEPTH = 32          # folder levels below the walked one; an archive by year/month/day needs 3

OUTSIDE = "outside"     # kinds of refusal
LOOP = "loop"
SPECIAL = "special"
DEEP = "deep"

_NAME = attrgetter("name")
_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class Found(NamedTuple):
    """A regular file, as reached from the walked folder (a tuple: hundreds of thousands are made
    for every fingerprint)."""

    path: str          # the folder's path joined with the names on the way (through links)
    rel: str           # "/"-separated, from the walked folder
    linked: bool       # the file itself is a symbolic link
    info: os.stat_result   # of the file, or of what the link leads to: what tells it changed


@dataclass(frozen=True)
class Refused:
    """An entry that is not read: why (`kind`), whether it is a folder, and what it is."""

    rel: str
    kind: str
    folder: bool = False
    what: str = ""


@dataclass(frozen=True)
class Walk:
    files: list[Found] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def special_kind(mode: int) -> str | None:
    """What a file of this mode is when it is neither a regular file, a folder nor a link."""
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), None) \
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)) else None


def walk_inputs(root: Path, site: Path, skip: tuple[str, ...] = ()) -> Walk:
    """Every regular file below `root` in name order, following links that stay inside `site`,
    and the entries refused. Names in `skip` (a cache folder of Python's) are passed over."""
    walk = Walk()
    inside = os.path.realpath(site)
    top = str(root)
    start = os.path.realpath(top)
    # (path, rel, depth, its real path, real paths of it and the folders above it)
    stack: list[tuple[str, str, int, str, frozenset[str]]] = [(top, "", 0, start, frozenset({start}))]
    while stack:
        folder, rel, depth, here, above = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=_NAME)
        except OSError:       # removed while walking, or not readable: its files are missing
            continue
        folders = []
        for entry in entries:
            if entry.name in skip:
                continue
            path, name = entry.path, f"{rel}/{entry.name}" if rel else entry.name
            try:
                info = entry.stat(follow_symlinks=False)
                linked = stat.S_ISLNK(info.st_mode)
                if linked:
                    real = os.path.realpath(path)
                    if not (real == inside or real.startswith(inside + os.sep)):
                        walk.refused.append(Refused(name, OUTSIDE, os.path.isdir(path)))
                        continue
                    info = os.stat(path)
                    if stat.S_ISDIR(info.st_mode) and (real in above or start.startswith(real + os.sep)):
                        walk.refused.append(Refused(name, LOOP, True))
                        continue
            except OSError:   # a link that leads nowhere, or a file removed meanwhile
                continue
            mode = info.st_mode
            if stat.S_ISDIR(mode):
                if depth + 1 > MAX_DEPTH:
                    walk.refused.append(Refused(name, DEEP, True))
                else:
                    real = os.path.realpath(path) if linked else os.path.join(here, entry.name)
                    folders.append((path, name, depth + 1, real, above | {real}))
            elif stat.S_ISREG(mode):
                walk.files.append(Found(path, name, linked, info))
            else:
                walk.refused.append(Refused(name, SPECIAL, False, special_kind(mode) or "a special file"))
        stack.extend(reversed(folders))      # the first folder is walked next: name order throughout
    return walk


def refusal_problem(refused: Refused, base: str, folder_name: str) -> Problem:
    """The located message of a refused entry other than a link out of the site (`base`: the walked
    folder's name in the site, such as "content"; `folder_name`: how the message names it)."""
    rel = f"{base}/{refused.rel}" if base else refused.rel
    if refused.kind == LOOP:
        return Problem(rel, None, "symbolic link leads back to a folder that holds it: not followed",
                       "remove the link; what it leads to is read already", "warning")
    if refused.kind == DEEP:
        return Problem(rel, None, f"folder nested more than {MAX_DEPTH} deep below {folder_name}/: not read",
                       "move its files into a folder nearer the top")
    return Problem(rel, None, f"not a regular file but {refused.what}: not read",
                   "remove it; the site's folders hold plain files and folders")
