"""Page kinds are data (site.routes.PAGE_KINDS): every route the site makes is of a known kind,
every HTML kind has its template and its context, and every other kind is made by site.formats."""
from __future__ import annotations

from pathlib import Path

from site_builder.core.config import load_config
from site_builder.content.load import default_jobs
from site_builder.intel.archive import load_site
from site_builder.site.context import Contexts
from site_builder.site.render import PACKAGE_TEMPLATES
from site_builder.site.routes import DATA_KINDS, PAGE_KINDS, TEMPLATES, site_routes


def test_every_html_kind_has_a_template_and_a_context() -> None:
    for kind, template in TEMPLATES.items():
        assert (PACKAGE_TEMPLATES / template).is_file(), kind
        assert callable(getattr(Contexts, "ctx_" + kind.replace("-", "_"), None)), kind
    assert set(TEMPLATES) | set(DATA_KINDS) == set(PAGE_KINDS) and not set(TEMPLATES) & set(DATA_KINDS)


def test_every_route_is_of_a_known_kind(example_site: Path) -> None:
    config = load_config(example_site)
    archive = load_site(example_site, config, jobs=default_jobs()).checked()
    kinds = {route.kind for route in site_routes(archive, config.per_page, search=True)}
    assert kinds == set(PAGE_KINDS)
