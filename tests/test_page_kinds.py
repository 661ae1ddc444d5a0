"""Page kinds are modules of site.pages, in one table: every route the site makes is of a declared
kind, every kind makes its bytes one way, and an HTML kind's template exists."""
from __future__ import annotations

from pathlib import Path

from site_builder.core.config import load_config
from site_builder.content.load import default_jobs
from site_builder.intel.archive import load_archive
from site_builder.site.pages import page_kinds
from site_builder.site.render import PACKAGE_TEMPLATES


def test_every_kind_makes_its_bytes_one_way_and_its_template_exists() -> None:
    for name, kind in page_kinds().kinds.items():
        assert len(kind.makers()) == 1, name
        assert kind.template is None or (PACKAGE_TEMPLATES / kind.template).is_file(), name


def test_every_route_is_of_a_declared_kind(example_site: Path) -> None:
    config = load_config(example_site)
    archive = load_archive(example_site, config, jobs=default_jobs()).checked()
    pages = page_kinds()
    kinds = {route.kind for route in pages.routes(archive, config.per_page, search=True)}
    assert kinds == set(pages.kinds)
