"""Links leading outside the site are refused wherever the build reads: registries, templates, static files."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_builder.build import BuildOptions, build
from site_builder.check import check_site
from site_builder.errors import SiteError

REPO = Path(__file__).resolve().parent.parent
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
        (example_site / folder).mkdir()
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
