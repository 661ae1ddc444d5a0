"""After an upgrade of site_builder (or of a library that shapes its output) a build trusts nothing
that other code made: every page is made again and every file parsed and story part computed again,
so the site is what a clean build with the new code gives."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_builder.build import fingerprint
from site_builder.build.pipeline import BuildOptions, build
from site_builder.build.spare import record_file
from site_builder.content import load
from site_builder.core import code
from site_builder.core.code import package_digest
from site_builder.intel import segments
from site_builder.site.render import Renderer

OPTIONS = BuildOptions(search=False, jobs=1)
MARK = b"<!-- made by the new version -->"
LONG_AGO = 1_600_000_000


def _counted(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[object]:
    calls: list[object] = []
    original: Callable[..., Any] = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return original(*args, **kwargs)
    monkeypatch.setattr(owner, name, counting)
    return calls


def _mark_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The new version's pages carry MARK."""
    render = Renderer.render
    monkeypatch.setattr(Renderer, "render", lambda self, name, context: render(self, name, context) + MARK)


def _unmarked(output: Path) -> list[str]:
    return [rel for rel, page in _pages(output).items() if not page.endswith(MARK)]


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the installed package's files, as the input fingerprint sees them."""
    folder = tmp_path / "installed"
    folder.mkdir()
    (folder / "module.py").write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.setattr(fingerprint, "PACKAGE", folder)
    return folder


def _new_version(monkeypatch: pytest.MonkeyPatch, installed: Path, digest: str | None) -> tuple[list[object], list[object]]:
    """A new version installed: its files changed, its pages carry MARK, the parser and the stories
    of a part counted; and, unless `digest` is None, the code's digest that says so."""
    (installed / "module.py").write_text("VERSION = 2  # another size\n", encoding="utf-8")
    _mark_pages(monkeypatch)
    if digest is not None:
        monkeypatch.setattr(code, "code_digest", lambda: digest)
    return _counted(monkeypatch, load, "parse_article"), _counted(monkeypatch, segments, "part_stories")


def _pages(output: Path) -> dict[str, bytes]:
    """The pages made of templates (the static files copied aside)."""
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*.html")
            if not p.relative_to(output).as_posix().startswith("assets/")}


def test_after_an_upgrade_every_page_file_and_story_part_is_made_again(
        example_site: Path, installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(example_site, OPTIONS)
    (example_site / "content" / "articles" / "extra.md").write_text(
        "---\ntitle: Extra\ndate: 2025-06-01\nsource: Extra\n---\nA text.\n", encoding="utf-8")
    build(example_site, OPTIONS)
    assert record_file(example_site / "output").exists()      # an edit: the spare brought up to date
    parsed, parts = _new_version(monkeypatch, installed, "another version")
    build(example_site, OPTIONS)
    assert not record_file(example_site / "output").exists()  # a clean build's: the new site swapped in whole
    upgraded = _pages(example_site / "output")
    assert upgraded and _unmarked(example_site / "output") == []
    articles = len(list((example_site / "content" / "articles").rglob("*.md")))
    assert len(parsed) == articles and parts
    counted = len(parts)
    build(example_site, BuildOptions(search=False, jobs=1, clean=True))
    assert _pages(example_site / "output") == upgraded and len(parts) == 2 * counted


def test_after_an_upgrade_of_a_library_alone_every_page_is_made_again(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """site_builder's files as they were, a library's new version installed into a folder of the import path."""
    libraries = tmp_path / "site-packages"
    (libraries / "markdown_maker").mkdir(parents=True)
    (libraries / "markdown_maker" / "__init__.py").write_text("__version__ = '8.0'\n", encoding="utf-8")
    os.utime(libraries, (LONG_AGO, LONG_AGO))
    monkeypatch.setattr(code, "LIBRARIES", (*code.LIBRARIES, "markdown_maker"))
    monkeypatch.syspath_prepend(str(libraries))
    build(example_site, OPTIONS)
    (libraries / "markdown_maker-9.0.dist-info").mkdir()      # its new version installed
    _mark_pages(monkeypatch)
    monkeypatch.setattr(code, "code_digest", lambda: "markdown_maker 9.0")
    build(example_site, OPTIONS)
    assert _unmarked(example_site / "output") == []


def test_under_the_same_digest_what_the_last_build_made_is_kept(
        example_site: Path, installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the upgrade test sees comes from the code's digest: changed code under the same digest
    is not noticed (so the digest must cover all of the code)."""
    build(example_site, OPTIONS)
    parsed, parts = _new_version(monkeypatch, installed, None)
    build(example_site, OPTIONS)
    assert len(_unmarked(example_site / "output")) == len(_pages(example_site / "output"))
    assert parsed == [] and parts == []


def test_the_digest_covers_every_module_and_nothing_compiled(tmp_path: Path) -> None:
    package = tmp_path / "package"
    (package / "sub" / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n", encoding="utf-8")
    (package / "sub" / "b.py").write_text("B = 2\n", encoding="utf-8")
    first = package_digest(package)
    (package / "sub" / "__pycache__" / "b.cpython-311.pyc").write_bytes(b"compiled")
    (package / "notes.txt").write_text("not code\n", encoding="utf-8")
    assert package_digest(package) == first
    (package / "sub" / "b.py").write_text("B = 3\n", encoding="utf-8")
    assert package_digest(package) != first
    (package / "sub" / "b.py").write_text("B = 2\n", encoding="utf-8")
    assert package_digest(package) == first
    (package / "sub" / "b.py").rename(package / "b.py")
    assert package_digest(package) != first
    assert package_digest(package, ["jinja2"]) != package_digest(package)
    module = package / "a.py"
    alone = package_digest(module)
    module.write_text("A = 2\n", encoding="utf-8")
    assert package_digest(module) != alone


def test_the_digest_is_of_the_package_and_the_libraries_that_shape_the_output() -> None:
    assert code.PACKAGE == Path(load.__file__).resolve().parent.parent
    assert code.code_digest() == package_digest(code.PACKAGE, code.LIBRARIES)
    assert {"jinja2", "mistune", "numpy"} <= set(code.LIBRARIES)
