"""What the last build of an output folder left, and whether this build has anything to do."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.code import installed_code, libraries_stamp
from ..core.config import Config
from ..core.walk import Walk, walk_inputs
from .fingerprint import input_fingerprint
from .installed import page_kind_modules
from .manifest import Manifest, folder_identity, load_manifest, manifest_path
from .spare import output_unchanged


@dataclass(frozen=True)
class LastBuild:
    """The last good build's manifest, where it is kept, and this build's input fingerprint.
    `fresh`: nothing of the last build may be trusted (`--clean`, no output, another folder).
    `content`: the content folder as the fingerprint walked it, for the loader to read (each
    file looked at once, and what is read is what is stamped); None when there is none."""

    manifest_file: Path
    manifest: Manifest
    inputs: str
    fresh: bool
    content: Walk | None = None

    def up_to_date(self, output: Path) -> bool:
        """The inputs are those of the last build and every file it wrote is still there: no folder
        of the output changed since the last commit (a look at each folder, a third as many as the
        files), or else each file looked for."""
        return self.manifest.inputs == self.inputs and (output_unchanged(output)
                                                        or _all_exist(output, self.manifest.outputs))

    def forgotten(self) -> LastBuild:
        """Nothing of the last build trusted: every page built again."""
        return LastBuild(self.manifest_file, Manifest(), self.inputs, True, self.content)


def last_build(site: Path, config: Config, output: Path, drafts: bool, trusted: bool) -> LastBuild:
    """The record of the last build into `output`; an empty one when `trusted` is false or it
    describes another folder than the one there now."""
    manifest_file = manifest_path(site / config.paths.cache, output)
    fresh = not trusted or not output.exists()
    manifest = Manifest() if fresh else load_manifest(manifest_file)
    if manifest.folder != folder_identity(output):     # not the output folder it describes
        fresh, manifest = True, Manifest()
    folder = site / config.paths.content
    content = walk_inputs(folder, site) if folder.is_dir() else None     # as the loader walks it
    modules = page_kind_modules(site / config.paths.cache, trusted)
    inputs = input_fingerprint(site, [folder, site / config.paths.templates, site / config.paths.static],
                               repr((drafts, output, config, modules, libraries_stamp())),
                               {folder: content} if content else None,
                               installed_code(modules))
    return LastBuild(manifest_file, manifest, inputs, fresh, content)


def _all_exist(output: Path, files: dict[str, str]) -> bool:
    """Every file of the last build is still there (plain strings: tens of thousands of checks)."""
    root = str(output) + os.sep
    return all(os.path.exists(root + relative) for relative in files)
