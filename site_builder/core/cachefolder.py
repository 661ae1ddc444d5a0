"""The cache folder belongs to site_builder, as the output folder does: it is used only when new,
empty, marked as the cache (MARKER) or holding only files of the cache's own names (the cache of
an earlier version, marked when first used), and what a build removes from it is of those names.

`[paths] cache = "../sharedcache"` once removed other programs' files (`embeddings.pickle`,
`other-app/state.json.tmp3999123`); such a folder is now refused, never emptied.
"""
from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path

from .config import CONFIG_NAME, Config, config_line
from .errors import Problem, SiteError
from .walk import walk_inputs

MARKER = ".site-builder-cache.json"
_HEX16, _HEX32 = "[0-9a-f]{16}", "[0-9a-f]{32}"
ANALYSIS_NAME = re.compile(rf"(?:(?:stories|related)-)?{_HEX32}\.(?:npz|json)")   # intel.cache's files
# Every file a build, `check` or `explore` writes in the cache, and the names of earlier versions'
# files (pickles), each possibly as `name.tmp<pid>` (core.store.atomic_file) while written.
_OWN = re.compile(rf"""(?x)
    (?: {re.escape(MARKER)} | \.write-probe | build\.lock | page-kinds\.json
      | parsed-[\w+\-]+(?:\.json|\.pickle)?
      | (?:manifest|depends)-{_HEX16}(?:\.json|\.pickle)?
      | depends-{_HEX16}/{_HEX32}\.(?:json|npz)
      | manifest-{_HEX16}-opendata/[\w.\-]+\.json
      | analysis/(?:(?:stories|related)-)?{_HEX32}(?:\.npz|\.json)?
      | analysis/results(?:\.pickle)?
      | explore/archive\.sqlite(?:-journal|-wal|-shm)?
    ) (?:\.tmp\d+)?""")
OLD_PICKLE = re.compile(rf"(?:parsed-[\w+\-]+|(?:manifest|depends)-{_HEX16})\.pickle")   # at the cache's top


def own_file(rel: str) -> bool:
    """Whether `rel` (from the cache folder, "/"-separated) is a name the cache's files have."""
    return _OWN.fullmatch(rel) is not None


def check_cache_folder(site: Path, config: Config, output: Path | None = None) -> Path:
    """The cache folder, refused (a SiteError naming the site.toml line) when it is, holds or sits
    inside the content, templates, static or output folder, or holds files site_builder did not
    write and no marker."""
    folder = (site / config.paths.cache).resolve()
    line, setting = _setting(site, config)
    folders = {name: site / getattr(config.paths, name) for name in ("content", "templates", "static", "output")}
    if output is not None:
        folders["output"] = output
    for name, other in folders.items():
        other = other.resolve()
        if folder == other or folder.is_relative_to(other) or other.is_relative_to(folder):
            relation = "is" if folder == other else "is inside" if folder.is_relative_to(other) else "contains"
            raise SiteError(Problem(CONFIG_NAME, line,
                                    f"{setting}: the cache folder {folder} {relation} the {name} folder {other}",
                                    "choose a separate folder such as .site-builder-cache"))
    foreign = _foreign_file(folder)
    if foreign is not None:
        raise SiteError(Problem(CONFIG_NAME, line,
                                f"{setting}: the cache folder {folder} holds {foreign}, a file site_builder did not write",
                                "choose a folder of the cache's own, such as .site-builder-cache, "
                                "or move the other files out of it"))
    return folder


def _setting(site: Path, config: Config) -> tuple[int | None, str]:
    """The line of site.toml that chose the cache folder, and the setting as written there."""
    line = config_line(site, "cache")
    return line, f'paths.cache = "{config.paths.cache}"' + ("" if line else " (the default)")


def _foreign_file(folder: Path) -> str | None:
    """The first file in `folder` that is not of the cache's names, when it has no marker (a file
    in the place of the folder is a cache that cannot be written: a warning of the build)."""
    if not folder.is_dir():
        return None
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return None
    walk = walk_inputs(folder, folder)
    return next((f.rel for f in walk.files if not own_file(f.rel)), None) or \
        next((r.rel for r in walk.refused), None)


def mark_cache_folder(folder: Path) -> None:
    """Make the folder (when missing) and mark it as the cache; a folder that cannot be written
    is reported by the caller (core.store.writable)."""
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / MARKER).is_file():
            (folder / MARKER).write_bytes(b'{"written_by": "site_builder", "what": "its cache"}\n')


def own_files(folder: Path) -> list[Path]:
    """The files in the cache folder of the cache's own names: the only ones a build may remove."""
    return [Path(f.path) for f in walk_inputs(folder, folder).files if own_file(f.rel)] if folder.is_dir() else []
