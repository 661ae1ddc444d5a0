"""The previous site, kept beside the output as a spare, so that a commit costs what changed.

A commit builds the next site in a folder beside `output` and swaps the two in one step; the
folder swapped out holds the previous site. Kept as `<output>.staging-spare` with a record of
what it lacks (the files the last commit wrote and removed), the next commit brings it up to
date with a hard link or a removal per recorded file instead of linking the whole tree again.

The spare is trusted only when the record says exactly which folders both trees have, with the
inode and modification time of each: a file added, removed or replaced in either tree (by a user,
or by a build killed halfway) changes its folder's time, and the commit makes the spare the same
as the output entry by entry instead (`mirror`). The record is removed before the spare is
touched, so a spare half brought up to date is never trusted.
"""
from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.schema import schema
from ..core.store import DataError, read_cache, write_cache

SPARE = ".staging-spare"     # after `<output>`; `recover` leaves it alone (no process id in its name)

Folders = dict[str, tuple[int, int]]     # folder relative to the tree ("" for its root) -> (inode, mtime ns)


def spare_folder(output: Path) -> Path:
    return output.with_name(output.name + SPARE)


def record_file(output: Path) -> Path:
    return output.with_name(output.name + SPARE + ".json")


@dataclass
class WorkTree:
    """The next site being made in `root`: its folders' stats as last seen, and which folders
    this commit changed (to be looked at again once it is done)."""

    root: Path
    folders: Folders
    touched: set[str] = field(default_factory=set)

    def put(self, source: Path, place: str) -> None:
        """Move the staged file `source` to `place`, replacing what is there."""
        self._parent_made(place)
        os.replace(source, self.root / place)

    def link(self, source: Path, place: str) -> None:
        """A hard link to `source` at `place`, replacing what is there."""
        self._parent_made(place)
        target = self.root / place
        if os.path.lexists(target):
            os.unlink(target)
        _link(source, target)

    def remove(self, place: str) -> None:
        """Remove the file at `place` (if there) and the folders that leaves empty."""
        folder = _parent(place)
        if folder not in self.folders:         # gone already, with the files it held
            return
        target = self.root / place
        if os.path.lexists(target):
            os.unlink(target)
        self.touched.add(folder)
        while folder:
            try:
                os.rmdir(self.root / folder)
            except OSError:
                return
            self.folders.pop(folder, None)
            self.touched.discard(folder)
            folder = _parent(folder)
            self.touched.add(folder)

    def final(self) -> Folders:
        """The folders' stats once every change is made (a swap leaves them as they are)."""
        for folder in self.touched:
            info = os.lstat(os.path.join(self.root, folder))
            self.folders[folder] = (info.st_ino, info.st_mtime_ns)
        self.touched.clear()
        return self.folders

    def _parent_made(self, place: str) -> None:
        folder = _parent(place)
        self.touched.add(folder)
        missing = []
        while folder not in self.folders:
            missing.append(folder)
            folder = _parent(folder)
        for folder in reversed(missing):
            try:
                os.mkdir(self.root / folder)
            except FileExistsError:      # a file where the folder belongs
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(self.root / folder)) from None
            self.folders[folder] = (0, 0)
            self.touched.add(folder)
            self.touched.add(_parent(folder))


def _parent(place: str) -> str:
    return place.rpartition("/")[0]


def _link(source: Path | str, target: Path | str) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:                  # a file system without hard links
        shutil.copy2(source, target)


@dataclass(frozen=True)
class Record:
    """What the spare lacks to be the output: the places the last commit wrote and removed; and
    both trees' folders as they were left, so that any other change shows."""

    written: list[str]
    removed: list[str]
    output: Folders
    spare: Folders


SPARE_RECORD = schema(Record, format=2)


def take_spare(output: Path, work: Path, owned: Callable[[Path], bool]) -> tuple[WorkTree, Folders] | None:
    """The spare moved to `work` and brought up to date with `output`, with the output's folders;
    None when there is none to trust (then `mirror` makes what was moved to `work` the same as
    `output`). `owned` tells whether a folder is one site_builder wrote."""
    record = _read_record(record_file(output))
    record_file(output).unlink(missing_ok=True)       # from here on the spare is not to be trusted
    if not owned(spare_folder(output)):
        return None
    try:             # one build takes it (a killed one's is removed by `recover`); a doubtful one is removed
        os.rename(spare_folder(output), work)
    except OSError:
        return None
    if record is None or not (_unchanged(output, record.output) and _unchanged(work, record.spare)):
        return None
    tree = WorkTree(work, dict(record.spare))
    try:
        for place in record.written:
            tree.link(output / place, place)
        for place in record.removed:
            tree.remove(place)
    except OSError:
        return None
    return tree, record.output


def output_unchanged(output: Path) -> bool:
    """Whether no entry of `output` was added, removed or replaced since the last commit recorded it
    (every folder as it left it): then each file that commit left is still there."""
    record = _read_record(record_file(output))
    return record is not None and _unchanged(output, record.output)


def keep_spare(output: Path, work: Path, record: Record) -> None:
    """After the swap, keep `work` (the previous site) as the spare, with its record."""
    spare = spare_folder(output)
    try:
        os.rename(work, spare)
    except OSError:                  # another build's spare took the name meanwhile: keep that one
        return
    try:
        write_cache(record_file(output), SPARE_RECORD.version, {
            "written": record.written, "removed": record.removed,
            "output": _folders_data(record.output), "spare": _folders_data(record.spare)})
    except OSError:                  # a full disk: the site is in place; without its record the
        pass                         # spare is not trusted, and the next commit links the whole tree


def keep_unrecorded(output: Path, previous: Path, remove: Callable[[Path], None]) -> None:
    """Keep the previous site of a whole swap as a spare without a record: never trusted, but made
    the same as the output in place by the next commit (`mirror`), which costs less than removing it."""
    try:
        os.rename(previous, spare_folder(output))
    except OSError:
        remove(previous)


def drop_spare(output: Path, remove: Callable[[Path], None]) -> None:
    """Forget the spare (the output was replaced whole): its record first, then the folder."""
    record_file(output).unlink(missing_ok=True)
    remove(spare_folder(output))


def mirror(root: Path, work: Path, leave_out: set[str]) -> tuple[WorkTree, Folders]:
    """`work`: the folder tree of `root` with a hard link to each file (links as links), but for
    the files at `leave_out` (relative paths); and the folders of `root` with their stats.

    A tree already in `work` (a spare not to be trusted) is made so in place: an entry that is
    already the same file or link stays, others are replaced, and what `root` lacks is removed;
    far cheaper than removing a whole tree. Plain strings: tens of thousands of files."""
    if not os.path.isdir(work) or os.path.islink(work):
        shutil.rmtree(work, ignore_errors=True)
        os.mkdir(work)
    info = os.lstat(root)
    folders: Folders = {"": (info.st_ino, info.st_mtime_ns)}
    start = len(str(root)) + 1
    for folder, names, files in os.walk(root):
        inside = folder[start:]
        target = os.path.join(work, inside)
        with os.scandir(target) as entries:
            present = {entry.name: entry for entry in entries}
        for name in names:
            source = os.path.join(folder, name)
            info = os.lstat(source)
            folders[f"{inside}/{name}" if inside else name] = (info.st_ino, info.st_mtime_ns)
            _same_folder(source, present.pop(name, None), os.path.join(target, name))
        for name in files:
            entry = present.pop(name, None)
            if (f"{inside}/{name}" if inside else name) in leave_out:
                _remove_entry(entry)
            else:
                _same_file(os.path.join(folder, name), entry, os.path.join(target, name))
        for entry in present.values():           # what `root` does not have
            _remove_entry(entry)
    return WorkTree(work, dict.fromkeys(folders, (0, 0)), set(folders)), folders


def _same_folder(source: str, entry: os.DirEntry[str] | None, target: str) -> None:
    """At `target`, a folder (or a link to one, as `source` is) for `mirror` to fill."""
    if os.path.islink(source):
        if entry is None or not entry.is_symlink() or os.readlink(entry.path) != os.readlink(source):
            _remove_entry(entry)
            os.symlink(os.readlink(source), target)
    elif entry is None or entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
        _remove_entry(entry)
        os.mkdir(target)


def _same_file(source: str, entry: os.DirEntry[str] | None, target: str) -> None:
    """At `target`, a hard link to `source` (or a link as `source` is one)."""
    if entry is not None and not entry.is_dir(follow_symlinks=False):
        if os.path.islink(source):
            if entry.is_symlink() and os.readlink(entry.path) == os.readlink(source):
                return
        elif not entry.is_symlink() and entry.inode() == os.lstat(source).st_ino:
            return
    _remove_entry(entry)
    _link(source, target)


def _remove_entry(entry: os.DirEntry[str] | None) -> None:
    if entry is None:
        return
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def _unchanged(root: Path, folders: Folders) -> bool:
    """Whether every recorded folder is there with the same inode and modification time."""
    base = str(root) + os.sep
    try:
        for relative, seen in folders.items():
            info = os.lstat(base + relative)
            if (info.st_ino, info.st_mtime_ns) != seen:
                return False
    except OSError:
        return False
    return True


def _folders_data(folders: Folders) -> dict[str, list[Any]]:
    """Flat lists (few objects to make when read back: the build's heap is large)."""
    return {"names": list(folders), "stats": [n for stat in folders.values() for n in stat]}


def _folders(data: dict[str, list[Any]]) -> Folders:
    names, stats = data["names"], data["stats"]
    if len(stats) != 2 * len(names) or not all(isinstance(n, int) for n in stats):
        raise ValueError("a damaged record")
    return dict(zip(map(str, names), zip(stats[::2], stats[1::2])))


def _read_record(path: Path) -> Record | None:
    data = read_cache(path, SPARE_RECORD.version)
    try:
        return Record([str(p) for p in data["written"]], [str(p) for p in data["removed"]],
                      _folders(data["output"]), _folders(data["spare"]))
    except DataError:
        return None
