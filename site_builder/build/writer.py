"""Write outputs safely: staged first, moved into place only when the whole build succeeded."""
from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import Problem, SiteError, fail
from ..core.store import TEMPORARY
from .spare import Record, drop_spare, keep_spare, keep_unrecorded, mirror, record_file, take_spare

MARKER = ".site-builder-output"     # in every folder site_builder writes: only those it replaces
MARKER_TEXT = b"site_builder wrote this folder; each build replaces what is in it.\n"
AT_FDCWD, RENAME_EXCHANGE = -100, 2      # from Linux's <fcntl.h> and <linux/fs.h>


def plain_target(root: Path, relative: str) -> Path:
    """The file `relative` inside `root`, refusing any path whose words would leave it (links
    inside `root` are the caller's to check)."""
    parts = relative.split("/")
    if relative.startswith("/") or "\0" in relative or "\\" in relative or any(p in ("", ".", "..") for p in parts):
        raise fail(relative, None, "output path leaves the output folder", "use a plain slug")
    return root.joinpath(*parts)


def write_file(root: Path, relative: str, data: bytes) -> None:
    """Write a new file into a staging folder (made by this build, so no link inside can lead out)."""
    target = plain_target(root, relative)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:   # a second write to one path is a bug: refuse it
            handle.write(data)
    except FileExistsError:
        raise fail(relative, None, "two pages write this output file", "report this as a bug") from None
    except OSError as error:
        raise cannot_write(relative, error) from error


def cannot_write(relative: str, error: OSError) -> SiteError:
    """A full disk or a read-only folder, as a located problem instead of a traceback."""
    return fail(relative, None, f"cannot write the output: {error.strerror or error}",
                "free disk space or fix the folder's permissions, then build again; "
                "the previous output was kept")


class _Targets:
    """Files inside the output folder, checked folder by folder: each folder on the way is looked
    at once (is it a link leading out?) instead of resolving every file's whole path."""

    def __init__(self, output: Path) -> None:
        self.root = output.resolve()
        self.known: dict[Path, Path] = {self.root: self.root}   # folder inside the root -> where it really is

    def __call__(self, relative: str) -> Path:
        target = plain_target(self.root, relative)
        self._check(target.parent, relative)
        return target

    def place(self, relative: str) -> str:
        """Where `relative` really is inside the root, through the links inside it that stay inside."""
        target = self(relative)
        return (self.known[target.parent] / target.name).relative_to(self.root).as_posix()

    def _check(self, start: Path, relative: str) -> None:
        missing: list[Path] = []
        folder = start
        while folder not in self.known:
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            real = self.known[folder.parent] / folder.name
            if folder.is_symlink():
                real = folder.resolve()
                if not real.is_relative_to(self.root):
                    raise SiteError(Problem(relative, None, "output path leaves the output folder",
                                            f"remove the link {folder.relative_to(self.root)} from the output folder"))
            self.known[folder] = real


def commit(staging: Path, output: Path, written: list[str], removed: list[str]) -> None:
    """Put the staged files in place of their previous versions in `output`, and delete orphans.

    Where the system can swap two folders in one step (Linux), the next site is made beside
    `output` (the staged files and hard links to every file kept) and swapped in at once: a
    reader, the server or a build killed at any moment sees the whole previous site or the
    whole new one, never a mixture. The folder swapped out is kept as a spare (see `spare`), so
    the next commit links only what changed. Elsewhere each file is moved in atomically, all or
    nothing.
    """
    if can_exchange(output):
        _commit_whole(staging, output, written, removed)
    else:
        _commit_files(staging, output, written, removed)


def _commit_whole(staging: Path, output: Path, written: list[str], removed: list[str]) -> None:
    targets = _Targets(output)
    following = staging.with_name(staging.name + ".next")
    try:
        marker = [MARKER] if (staging / MARKER).is_file() else []   # should the folder have lost it
        places = {relative: targets.place(relative) for relative in [*written, *marker]}
        gone = [targets.place(relative) for relative in removed]
        tree, before = take_spare(output, following, is_own_folder) \
            or mirror(targets.root, following, set(places.values()) | set(gone))
        for relative, place in places.items():
            tree.put(staging / relative, place)
        for place in gone:
            tree.remove(place)
        after = tree.final()
        exchange(following, output)          # `following` now holds the previous site
        keep_spare(output, following, Record(list(places.values()), gone, after, before))
    except OSError as error:
        raise cannot_write(_named_in(error.filename, following, output), error) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(following, ignore_errors=True)


def _named_in(filename: object, following: Path, output: Path) -> str:
    """The file an error names, as the place it stands for in `output`."""
    name = Path(os.fsdecode(filename)) if isinstance(filename, (str, bytes)) else output
    return str(output / name.relative_to(following)) if name.is_relative_to(following) else str(name)


@lru_cache(maxsize=None)
def _renameat2() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None


def exchange(first: Path, second: Path) -> None:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE)."""
    call = _renameat2()
    if call is None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS), str(second))
    if call(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(second))


@lru_cache(maxsize=None)
def can_exchange(output: Path) -> bool:
    """Whether two folders beside `output` can be swapped in one step (tried once per folder; a
    build killed meanwhile leaves a staging folder that `recover` removes)."""
    probe = output.with_name(f"{output.name}.staging-{os.getpid()}.probe")
    try:
        new_work_folder(probe)
        (probe / "a").mkdir()
        (probe / "b").mkdir()
        exchange(probe / "a", probe / "b")
        return True
    except OSError:
        return False
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def _commit_files(staging: Path, output: Path, written: list[str], removed: list[str]) -> None:
    """Move staged files into `output` (each move atomic), then delete orphans.

    All or nothing: the files replaced or deleted are kept aside until every move succeeded,
    and put back when one fails, so a failed commit leaves the previous output as it was.
    """
    aside = staging.with_name(staging.name + ".aside")
    targets = _Targets(output)
    made: set[Path] = set()
    done: list[tuple[Path, Path | None]] = []      # (target, where its previous version is kept)
    try:
        marker = [MARKER] if (staging / MARKER).is_file() else []   # should the folder have lost it
        for relative in [*written, *marker]:
            target = targets(relative)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            done.append((target, _set_aside(target, aside, len(done))))
            os.replace(staging / relative, target)
        for relative in removed:
            target = targets(relative)
            done.append((target, _set_aside(target, aside, len(done))))
    except OSError as error:
        _restore(done)
        raise cannot_write(str(error.filename or output), error) from error
    except BaseException:
        _restore(done)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(aside, ignore_errors=True)
    for relative in removed:
        _prune_empty_dirs(targets(relative).parent, output)


def _set_aside(target: Path, aside: Path, number: int) -> Path | None:
    """Move the previous version of `target` into the flat folder `aside`, under a number."""
    if not os.path.lexists(target):
        return None
    if not aside.exists():
        new_work_folder(aside)
    keep = aside / str(number)
    os.replace(target, keep)
    return keep


def _restore(done: list[tuple[Path, Path | None]]) -> None:
    for target, kept in reversed(done):
        if kept is None:
            target.unlink(missing_ok=True)
        elif kept.exists():
            os.replace(kept, target)


def swap_in(staging: Path, output: Path) -> None:
    """Replace the whole output folder by the staged one, keeping the old until the new is in place.

    The old folder is kept under the staging folder's name, never under a name a user may have
    chosen (such as `output.old`), and removed only when it is one site_builder wrote."""
    old = staging.with_name(staging.name + ".previous")
    had_output = output.exists()
    drop_spare(output, remove_own_folder)     # the previous site it held is replaced whole
    if had_output and can_exchange(output):
        try:
            exchange(staging, output)          # in one step; `staging` now holds the previous site
        except OSError as error:
            remove_own_folder(staging)
            raise cannot_write(str(output), error) from error
        if is_own_folder(staging):
            keep_unrecorded(output, staging, remove_own_folder)
        return
    try:
        if had_output:
            os.replace(output, old)
        os.replace(staging, output)
    except OSError as error:
        if had_output and old.exists() and not output.exists():
            os.replace(old, output)
        remove_own_folder(staging)
        raise cannot_write(str(output), error) from error
    remove_own_folder(old)


def recover(output: Path) -> None:
    """Tidy up after a build that was killed: put a set-aside output back, drop dead builds' work folders."""
    prefix = output.name + ".staging-"
    dead = [p for p in sorted(output.parent.glob(glob.escape(prefix) + "*"))
            if not _alive_build(p.name.removeprefix(prefix).split(".")[0])]
    previous = [p for p in dead if p.name.endswith(".previous") and is_own_folder(p)]
    if previous and not os.path.lexists(output):
        os.replace(max(previous, key=lambda p: p.stat().st_mtime), output)
    for leftover in dead:
        remove_own_folder(leftover)
    record = record_file(output)      # the spare's record, half written by a killed build
    for path in output.parent.glob(glob.escape(record.name + TEMPORARY) + "*"):
        if not _alive_build(path.name.removeprefix(record.name + TEMPORARY)):
            path.unlink(missing_ok=True)


def new_work_folder(folder: Path) -> Path:
    """An empty folder of this build's, holding the marker that lets a later build remove it."""
    remove_own_folder(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_bytes(MARKER_TEXT)
    return folder


def is_own_folder(folder: Path) -> bool:
    """A folder site_builder wrote (it holds the marker), or an empty one."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    marker = folder / MARKER
    return (marker.is_file() and not marker.is_symlink()) or not any(folder.iterdir())


def remove_own_folder(folder: Path) -> None:
    """Delete `folder` if site_builder wrote it; anything else is left alone."""
    if is_own_folder(folder):
        shutil.rmtree(folder, ignore_errors=True)


def check_output_owned(output: Path, setting: Problem, written_before: Callable[[], bool]) -> None:
    """Refuse to build into a folder that holds files site_builder did not write (without the
    marker, `written_before()` tells whether the last build wrote every file in it).

    `setting` locates where the folder was chosen (`--output` or `[paths] output`); its
    message is the start of the error's."""
    if not os.path.lexists(output) or is_own_folder(output) or written_before():
        return
    if not output.is_dir():
        found = "is a file, not a folder"
    else:
        names = sorted(p.name for p in output.iterdir())
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        found = f"holds files site_builder did not write ({shown})"
    raise output_refused(setting, f"the output folder {output} {found}",
                         f"choose a new or empty folder, or move those files away; site_builder only "
                         f"replaces a folder it wrote, marked by its {MARKER} file")


def output_refused(setting: Problem, message: str, hint: str) -> SiteError:
    """An error about the output folder, located where it was chosen (`setting`, whose message
    is the setting's text, or empty for a command-line option)."""
    start = f"{setting.message}: " if setting.message else ""
    return fail(setting.path, setting.line, start + message, hint)


def _alive_build(pid: str) -> bool:
    """Whether the build whose process id a work folder's name holds still runs (or the name holds none)."""
    return not pid.isdigit() or _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prune_empty_dirs(folder: Path, root: Path) -> None:
    root = root.resolve()
    folder = folder.resolve()
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
