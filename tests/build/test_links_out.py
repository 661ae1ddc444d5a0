"""Links leading outside the site are refused wherever the build reads: registries, templates, static files."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.check.lint import check_site
from site_builder.core.errors import SiteError

REPO = Path(__file__).resolve().parents[2]
SECRET = "SECRET-FROM-OUTSIDE"


def failed_build(site: Path) -> list[str]:
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(search=False, jobs=1))
    return [str(p) for p in caught.value.problems]


def outside_copy(tmp_path: Path, site: Path, rel: str) -> Path:
    """The site's file `rel` moved outside the site with a secret in it; the site links to it."""
    outside = tmp_path / "outside" / Path(rel).name
    outside.parent.mkdir(exist_ok=True)
    text = (site / rel).read_text(encoding="utf-8")
    outside.write_text(text.replace("title: ", f"title: {SECRET} ", 1).replace("name: ", f"name: {SECRET} ", 1),
                       encoding="utf-8")
    (site / rel).unlink()
    os.symlink(outside, site / rel)
    return outside


@pytest.mark.parametrize("name", ["stories.yaml", "entities.yaml", "sources.yaml"])
def test_a_registry_linked_outside_the_site_is_refused(example_site: Path, tmp_path: Path, name: str) -> None:
    outside_copy(tmp_path, example_site, f"content/{name}")
    assert failed_build(example_site) == [f"content/{name}: symbolic link points outside the site folder "
                                          "(copy the file into content/ instead of linking it)"]
    report = check_site(example_site)
    assert f"content/{name}" in [p.path for p in report.errors]
    assert not (example_site / "output").exists()


def test_a_registry_linked_inside_the_site_is_read(example_site: Path) -> None:
    (example_site / "shared").mkdir()
    shutil.move(example_site / "content/entities.yaml", example_site / "shared/entities.yaml")
    os.symlink(example_site / "shared/entities.yaml", example_site / "content/entities.yaml")
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    assert (output / "entities").is_dir()


def test_templates_and_static_files_linked_outside_the_site_are_refused(example_site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "partials").mkdir(parents=True)
    (outside / "base.html").write_text(SECRET, encoding="utf-8")
    (outside / "partials" / "x.html").write_text(SECRET, encoding="utf-8")
    (outside / "style.css").write_text(f"/* {SECRET} */", encoding="utf-8")
    for folder in ("templates", "static"):
        (example_site / folder).mkdir(exist_ok=True)
    os.symlink(outside / "base.html", example_site / "templates/base.html")
    os.symlink(outside / "partials", example_site / "templates/partials")
    os.symlink(outside / "style.css", example_site / "static/style.css")
    os.symlink(outside, example_site / "static/more")
    fix = "instead of linking it)"
    assert failed_build(example_site) == [
        f"templates/base.html: symbolic link points outside the site folder (copy what it links to into templates/ {fix}",
        f"templates/partials: symbolic link points outside the site folder (copy what it links to into templates/ {fix}",
        f"static/more: symbolic link points outside the site folder (copy what it links to into static/ {fix}",
        f"static/style.css: symbolic link points outside the site folder (copy what it links to into static/ {fix}"]
    assert not (example_site / "output").exists()


# -- links that stay inside the site are followed, and what they lead to is stamped ---------------
def _build(site: Path):
    return build(site, BuildOptions(search=False, jobs=1))


def _moved_and_linked(site: Path, rel: str, into: str) -> Path:
    """The site's file (or folder) `rel` moved to `into` inside the site, linked from where it was
    by a relative link (content/articles/x.md -> ../../shared/x.md)."""
    target = site / into
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(site / rel, target)
    os.symlink(os.path.relpath(target, (site / rel).parent), site / rel)
    return target


def test_an_edit_behind_a_linked_article_is_published(example_site: Path) -> None:
    articles = sorted((example_site / "content/articles").glob("*.md"))
    rel = articles[0].relative_to(example_site).as_posix()
    target = _moved_and_linked(example_site, rel, "shared/" + articles[0].name)
    output = _build(example_site).output
    target.write_text(target.read_text(encoding="utf-8").replace("title: ", "title: Linked edit ", 1)
                      .replace("title: Linked edit \"", "title: \"Linked edit ", 1), encoding="utf-8")
    result = _build(example_site)
    assert result.written > 0
    assert any("Linked edit" in p.read_text(encoding="utf-8") for p in (output / "articles").rglob("index.html"))


def test_a_linked_folder_inside_the_site_is_read_and_its_edits_published(example_site: Path) -> None:
    folder = example_site / "shared/more"
    folder.mkdir(parents=True)
    article = folder / "linked-folder-article.md"
    article.write_text("---\ntitle: Behind a folder link\ndate: 2025-06-23\nsource: Daily8\n---\nFirst text.\n",
                       encoding="utf-8")
    os.symlink("../../shared/more", example_site / "content/articles/more")
    output = _build(example_site).output
    page = output / "articles/2025/06/23/linked-folder-article/index.html"
    assert "First text." in page.read_text(encoding="utf-8")
    article.write_text(article.read_text(encoding="utf-8").replace("First text.", "Second text."), encoding="utf-8")
    assert _build(example_site).written > 0
    assert "Second text." in page.read_text(encoding="utf-8")


def test_a_folder_link_to_a_folder_above_it_is_a_warning_not_a_loop(example_site: Path) -> None:
    os.symlink("..", example_site / "content/articles/loop")
    os.symlink("../../content", example_site / "content/articles/up")
    result = _build(example_site)
    assert sorted(str(p) for p in result.warnings if "loop" in p.path or "up" in p.path.split("/")) == [
        "content/articles/loop: symbolic link leads back to a folder that holds it: not followed "
        "(remove the link; what it leads to is read already)",
        "content/articles/up: symbolic link leads back to a folder that holds it: not followed "
        "(remove the link; what it leads to is read already)"]


def test_edits_behind_linked_templates_and_static_files_are_published(example_site: Path) -> None:
    shared = example_site / "shared"
    (shared / "partials").mkdir(parents=True)
    (shared / "style.css").write_text("/* one */", encoding="utf-8")
    (shared / "partials" / "extra.css").write_text("/* extra one */", encoding="utf-8")
    (shared / "404.html").write_text('{% extends "base.html" %}{% block content %}<p>Gone one</p>{% endblock %}',
                                     encoding="utf-8")
    for folder in ("templates", "static"):
        (example_site / folder).mkdir(exist_ok=True)
    os.symlink("../shared/style.css", example_site / "static/style.css")
    os.symlink("../shared/partials", example_site / "static/partials")
    os.symlink("../shared/404.html", example_site / "templates/404.html")
    output = _build(example_site).output
    assert (output / "assets/style.css").read_text(encoding="utf-8") == "/* one */"
    assert (output / "assets/partials/extra.css").read_text(encoding="utf-8") == "/* extra one */"
    assert "Gone one" in (output / "404.html").read_text(encoding="utf-8")
    (shared / "style.css").write_text("/* two */", encoding="utf-8")
    (shared / "partials" / "extra.css").write_text("/* extra two */", encoding="utf-8")
    (shared / "404.html").write_text('{% extends "base.html" %}{% block content %}<p>Gone two</p>{% endblock %}',
                                     encoding="utf-8")
    assert _build(example_site).written == 3
    assert (output / "assets/style.css").read_text(encoding="utf-8") == "/* two */"
    assert (output / "assets/partials/extra.css").read_text(encoding="utf-8") == "/* extra two */"
    assert "Gone two" in (output / "404.html").read_text(encoding="utf-8")
