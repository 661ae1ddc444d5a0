"""Page kinds are modules of site.pages, in one table: every route the site makes is of a declared
kind, every kind makes its bytes one way, and an HTML kind's template exists."""
from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.config import load_config
from site_builder.core.errors import SiteError
from site_builder.core.model import Removal
from site_builder.core.pool import default_jobs
from site_builder.intel.archive import load_site
from site_builder.site.pages import page_kinds
from site_builder.site.render import PACKAGE_TEMPLATES


def test_every_kind_makes_its_bytes_one_way_and_its_template_exists() -> None:
    for name, kind in page_kinds().kinds.items():
        assert len(kind.makers()) == 1, name
        assert kind.template is None or (PACKAGE_TEMPLATES / kind.template).is_file(), name


def test_every_route_is_of_a_declared_kind(example_site: Path) -> None:
    config = load_config(example_site)
    archive = load_site(example_site, config, jobs=default_jobs()).checked()
    taken_down = Removal("gone", None, date(2025, 7, 1), "", False, "articles/2025/06/22/gone/")
    archive = dataclasses.replace(archive, removed=(taken_down,))     # the example has no takedown
    pages = page_kinds()
    kinds = {route.kind for route in pages.routes(archive, config.per_page, search=True)}
    long_lists = {"source-stories", "source-first", "article-entities", "entity-stories"}   # only past a length
    # (tests/site/test_lists.py)
    assert kinds == set(pages.kinds) - long_lists


# -- a page kind added from outside the package, through the `site_builder.pages` entry points ----------
SLUG = "iran-supreme-leader-asks-putin-to-do-more-after-us-strikes"
ARTICLE = f"content/articles/{SLUG}.md"
OTHER = "content/articles/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md"
HEADLINE = '''from site_builder.site.kinds import PageGroup, PageKind

BUILT = []     # the contexts built in this process


def headline(ctx, route):
    """Reads one article of the archive, and nothing else."""
    BUILT.append(route.url)
    return {"title": ctx.archive.articles[SLUG].title}


PAGES = PageGroup((PageKind("headline", headline, template="headline.html", address="headline/"),))
'''.replace("SLUG", repr(SLUG))
TEMPLATE = '{% extends "base.html" %}{% block content %}<h1>{{ title }}</h1>' \
           '<a href="{{ urls.headline }}">here</a>{% endblock %}\n'


def install_page_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> None:
    """A module of page kinds in a folder of its own on sys.path, named by an installed distribution's
    entry point, as a package that adds page kinds would be."""
    folder = tmp_path / "plugins"
    (folder / f"{name}-1.0.dist-info").mkdir(parents=True, exist_ok=True)
    (folder / f"{name}-1.0.dist-info" / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (folder / f"{name}-1.0.dist-info" / "entry_points.txt").write_text(f"[site_builder.pages]\n{name} = {name}\n")
    (folder / f"{name}.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, name, raising=False)


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_new_kind_is_one_module_and_its_template(example_site: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (example_site / "templates").mkdir()
    (example_site / "templates" / "headline.html").write_text(TEMPLATE, encoding="utf-8")
    build(example_site, BuildOptions(search=False, jobs=1))
    install_page_module(tmp_path, monkeypatch, "headline_pages", HEADLINE)
    build(example_site, BuildOptions(search=False, jobs=1))
    page = (example_site / "output" / "headline" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Iran&#39;s supreme leader asks Putin to do more after US strikes</h1>" in page
    assert '<a href="/headline/">here</a>' in page
    sitemap = (example_site / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>/headline/</loc>" in sitemap


def test_a_new_kind_is_rebuilt_when_what_it_reads_changes_and_only_then(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_page_module(tmp_path, monkeypatch, "headline_reads", HEADLINE)
    (example_site / "templates").mkdir()
    (example_site / "templates" / "headline.html").write_text(TEMPLATE, encoding="utf-8")
    build(example_site, BuildOptions(search=False, jobs=1))
    built = sys.modules["headline_reads"].BUILT
    assert built == ["headline/"]
    edit(example_site, OTHER, "title: \"'Extremely", "title: \"'Very")
    assert "headline/index.html" not in build(example_site, BuildOptions(search=False, jobs=1)).changed
    assert built == ["headline/"]
    edit(example_site, ARTICLE, "title: \"Iran's", "title: \"Tehran's")
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert "headline/index.html" in result.changed and built == ["headline/", "headline/"]
    page = (example_site / "output" / "headline" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Tehran&#39;s supreme leader asks Putin" in page


def test_a_new_version_of_a_kind_s_module_makes_its_pages_again(example_site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Its context reads what it read before, but its code is another: the page is made again."""
    install_page_module(tmp_path, monkeypatch, "headline_upgraded", HEADLINE)
    (example_site / "templates").mkdir()
    (example_site / "templates" / "headline.html").write_text(TEMPLATE, encoding="utf-8")
    build(example_site, BuildOptions(search=False, jobs=1))
    install_page_module(tmp_path, monkeypatch, "headline_upgraded",
                        HEADLINE.replace('"title": ctx', '"title": "New: " + ctx'))
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert "headline/index.html" in result.changed
    page = (example_site / "output" / "headline" / "index.html").read_text(encoding="utf-8")
    assert "<h1>New: Iran&#39;s supreme leader" in page


def build_fails(site: Path) -> list[str]:
    before = sorted(p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*"))
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(search=False, jobs=1))
    assert sorted(p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*")) == before
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("declared, said", [
    ("", "its bytes cannot be made: it declares nothing (give it exactly one of template, make or write)"),
    ("template='a.html', make=lambda route, context: {}",
     "its bytes cannot be made: it declares template and make (give it exactly one of template, make or write)")])
def test_a_kind_that_declares_no_one_way_to_make_its_bytes_is_an_error(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declared: str, said: str) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    install_page_module(tmp_path, monkeypatch, "broken_pages", "from site_builder.site.kinds import PageGroup, PageKind\n"
                        f"PAGES = PageGroup((PageKind('broken', lambda ctx, route: {{}}, address='b/', {declared}),))\n")
    assert build_fails(example_site) == [f"page kind 'broken' (broken_pages): {said}"]


def test_a_kind_whose_template_is_missing_is_an_error(example_site: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    install_page_module(tmp_path, monkeypatch, "ghost_pages", "from site_builder.site.kinds import PageGroup, PageKind\n"
                        "PAGES = PageGroup((PageKind('ghost', lambda ctx, route: {}, template='ghost.html', "
                        "address='ghost/'),))\n")
    assert build_fails(example_site) == [
        "ghost.html: the template of page kind 'ghost' is not found (add ghost.html to the site's templates/ folder)"]


def test_a_route_of_an_unknown_kind_is_an_error_never_a_file(example_site: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    install_page_module(tmp_path, monkeypatch, "stray_pages", "from site_builder.site.kinds import PageGroup, PageKind\n"
                        "from site_builder.site.routes import Route\n"
                        "PAGES = PageGroup((), routes=lambda site: [Route('nowhere', '', 'nowhere.txt')])\n")
    assert build_fails(example_site) == [
        "page kind 'nowhere': no module of page kinds declares this kind "
        "(declare it in a module of site_builder/site/pages/ (see CONTRIBUTING.md))"]
    assert not (example_site / "output" / "nowhere.txt").exists()
