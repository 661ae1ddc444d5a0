"""Write outputs safely: staged first, moved into place only when the whole build succeeded."""
from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
from collections.abc import Callable
from functools import cache
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


def write_file(root: Path, relative: str, data: bytes, made: set[Path] | None = None) -> None:
    """Write a new file into a staging folder (made by this build, so no link inside can lead out);
    `made` holds the folders of it known to exist, so that each is made (or looked at) once."""
    target = plain_target(root, relative)
    try:
        if made is None or target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            if made is not None:
                made.add(target.parent)
        with open(target, "xb") as handle:   # a second write to one path is a bug: refuse it
            handle.write(data)
    except FileExistsError:
        raise fail(relative, None, "two pages write this output file", "report this as a bug") from None
    except OSError as error:
        raise cannot_write(relative, error) from error


def mount_hint(output: Path) -> str:
    return (f"build into a folder inside it, such as --output {output}/site, and serve that folder "
            "(a build replaces the whole output folder, all at once)")


def unmovable(output: Path, error: OSError) -> SiteError:
    """The output folder cannot be renamed: a mount point (a container volume), or in use."""
    return fail(str(output), None, "the output folder cannot be replaced by another: it is a mount point or "
                f"in use ({error.strerror or error})", mount_hint(output))


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


def work_folder(output: Path) -> Path:
    """This build's work folder beside `output`. It holds the marker from the moment it exists (or
    is empty), and every folder the build makes is inside it (`STAGED`, `NEXT`, `PREVIOUS`), so
    whatever a killed build leaves is one folder the next build recognises and removes."""
    return output.with_name(f"{output.name}.staging-{os.getpid()}")


STAGED, NEXT, PREVIOUS = "site", "next", "previous"      # inside the work folder


def commit(staging: Path, output: Path, written: list[str], removed: list[str]) -> None:
    """Put the staged files in place of their previous versions in `output`, and delete orphans.

    The next site is made beside `output`, in the work folder that holds `staging` (the staged
    files and hard links to every file kept), and put in place of `output` whole: a reader, the
    server or a build killed at any moment sees the whole previous site or the whole new one,
    never a mixture. Where the system can swap two folders in one step (Linux's `renameat2`) it
    is one step; elsewhere two renames (`output` into the work folder, the next site in its
    place), and a build killed between them leaves no `output` but the previous site in the work
    folder, which `recover` puts back. The folder swapped out is kept as a spare (see `spare`), so
    the next commit links only what changed.
    """
    targets = _Targets(output)
    work = staging.parent
    following, previous = work / NEXT, work / PREVIOUS
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
        swapped_out = replace_folder(following, output, previous)     # now holds the previous site
        keep_spare(output, swapped_out, Record(list(places.values()), gone, after, before))
    except OSError as error:
        raise cannot_write(_named_in(error.filename, following, output), error) from error
    finally:
        for folder in (staging, following, previous):
            shutil.rmtree(folder, ignore_errors=True)


def replace_folder(new: Path, output: Path, previous: Path) -> Path:
    """Put the folder `new` in place of `output`; where the previous site now is (`new` after a
    swap in one step, else `previous`). A failure leaves `output` as it was."""
    try:
        if can_exchange(output):
            exchange(new, output)
            return new
        os.replace(output, previous)
    except OSError as error:
        if error.errno in (errno.EBUSY, errno.EXDEV):
            raise unmovable(output, error) from error
        raise
    try:
        os.replace(new, output)
    except BaseException:
        os.replace(previous, output)
        raise
    return previous


def _named_in(filename: object, following: Path, output: Path) -> str:
    """The file an error names, as the place it stands for in `output`."""
    name = Path(os.fsdecode(filename)) if isinstance(filename, (str, bytes)) else output
    return str(output / name.relative_to(following)) if name.is_relative_to(following) else str(name)


@cache
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


@cache
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


def swap_in(staging: Path, output: Path) -> None:
    """Replace the whole output folder by the staged one (see `commit`), keeping the previous
    site as a spare without a record."""
    drop_spare(output, remove_own_folder)     # the previous site it held is replaced whole
    try:
        if os.path.lexists(output):
            previous = replace_folder(staging, output, staging.parent / PREVIOUS)
            keep_unrecorded(output, previous, remove_own_folder)
        else:
            os.replace(staging, output)
    except OSError as error:
        raise cannot_write(str(output), error) from error
    finally:
        remove_own_folder(staging)


def recover(output: Path) -> None:
    """Tidy up after a build that was killed: put the previous site back where the build had
    moved it aside and left no output (see `commit`), drop dead builds' work folders."""
    prefix = output.name + ".staging-"
    dead = [p for p in sorted(output.parent.glob(glob.escape(prefix) + "*"))
            if not _alive_build(p.name.removeprefix(prefix).split(".")[0])]
    previous = [p for p in dead if p.name.endswith(".previous") and is_own_folder(p)]   # an earlier version's
    previous += [p / PREVIOUS for p in dead if is_own_folder(p) and _a_site(p / PREVIOUS)]
    if previous and not os.path.lexists(output):
        os.replace(max(previous, key=lambda p: p.stat().st_mtime), output)
    for leftover in dead:
        remove_own_folder(leftover)
    record = record_file(output)      # the spare's record, half written by a killed build
    for path in output.parent.glob(glob.escape(record.name + TEMPORARY) + "*"):
        if not _alive_build(path.name.removeprefix(record.name + TEMPORARY)):
            path.unlink(missing_ok=True)


def _a_site(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and any(folder.iterdir())


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
    marker, `written_before()` tells whether the last build wrote every file in it), or into a
    mount point, which cannot be replaced by another folder.

    `setting` locates where the folder was chosen (`--output` or `[paths] output`); its
    message is the start of the error's."""
    if os.path.ismount(output):
        raise output_refused(setting, f"the output folder {output} is a mount point, which a build cannot replace",
                             mount_hint(output))
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
