"""The page kinds other installed packages add are looked up again only when the import path changed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.build import installed
from site_builder.build.installed import page_kind_modules

LONG_AGO = 1_600_000_000


def _import_path_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path that has not changed for years (as site-packages between installs)."""
    folder = tmp_path / "site-packages"
    folder.mkdir()
    os.utime(folder, (LONG_AGO, LONG_AGO))
    monkeypatch.setattr("sys.path", [str(folder)])
    return folder


def _install(folder: Path, name: str) -> None:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[site_builder.pages]\n{name} = {name}_module\n", encoding="utf-8")


def test_a_package_installed_into_a_folder_of_the_import_path_is_seen_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _import_path_folder(tmp_path, monkeypatch)
    cache = tmp_path / "cache"
    assert page_kind_modules(cache) == []
    _install(folder, "more_pages")             # the folder's time moves on
    assert page_kind_modules(cache) == ["more_pages_module"]


def test_while_the_import_path_is_the_same_the_list_kept_is_used(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _import_path_folder(tmp_path, monkeypatch)
    _install(folder, "more_pages")
    os.utime(folder, (LONG_AGO, LONG_AGO))
    looked_up: list[str] = []

    def look_up() -> list[str]:
        looked_up.append("more_pages")
        return ["more_pages_module"]
    monkeypatch.setattr(installed, "installed_modules", look_up)
    cache = tmp_path / "cache"
    assert page_kind_modules(cache) == page_kind_modules(cache) == ["more_pages_module"]
    assert looked_up == ["more_pages"]
    assert page_kind_modules(cache, trusted=False) == ["more_pages_module"]    # build --clean looks again
    assert looked_up == ["more_pages", "more_pages"]


def test_a_folder_changed_a_moment_ago_is_not_trusted_to_show_the_next_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _import_path_folder(tmp_path, monkeypatch)
    os.utime(folder)                           # just now: a change in the same tick would not show
    cache = tmp_path / "cache"
    assert page_kind_modules(cache) == []
    assert not (cache / installed.KINDS_FILE).exists()
