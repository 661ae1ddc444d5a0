"""Routes: two pages on one file, or a page outside output/, is an error naming where each comes from."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from site_builder.core.errors import SiteError
from site_builder.site.routes import Route, check_collisions

ARCHIVE: Any = SimpleNamespace(articles={"iran": SimpleNamespace(path="content/articles/iran.md"),
                                         "other": SimpleNamespace(path="content/articles/other.md")})


def problems(*routes: Route) -> list[str]:
    with pytest.raises(SiteError) as caught:
        check_collisions(list(routes), ARCHIVE, {"article", "changes"})
    return [str(p) for p in caught.value.problems]


def test_two_pages_on_one_file_name_both_origins() -> None:
    assert problems(Route("article", "iran", "articles/2025/06/23/iran/"),
                    Route("entity", "iran", "Articles/2025/06/23/IRAN/")) == [
        "entity 'iran': page 'Articles/2025/06/23/IRAN/index.html' would overwrite the page of "
        "content/articles/iran.md (give one of them a different slug or story id)"]
    assert problems(Route("story", "other", "x/"), Route("changes", "other", "x/")) == [
        "content/articles/other.md: page 'x/index.html' would overwrite the page of story 'other' "
        "(give one of them a different slug or story id)"]


def test_a_page_outside_the_output_is_named_by_its_article() -> None:
    assert problems(Route("article", "iran", "../../iran/"), Route("story", "iran", "../x/")) == [
        "content/articles/iran.md: page path '../../iran/index.html' leaves the output folder (use a plain slug)",
        "story 'iran': page path '../x/index.html' leaves the output folder (use a plain slug)"]


def test_distinct_pages_pass() -> None:
    check_collisions([Route("article", "iran", "a/"), Route("entity", "iran", "b/"), Route("feed", "", "feed.xml")],
                     ARCHIVE, {"article", "changes"})


def test_paths_that_normalise_to_one_file_collide() -> None:
    """Paths are normalised only when one might not be normal: each such form still meets the plain one."""
    for other in ("a/./index.html", "a//index.html", "b/../a/index.html", "./a/index.html"):
        assert len(problems(Route("feed", "", "a/index.html"), Route("changes", "other", other))) == 1, other
    assert problems(Route("feed", "", "a/b/.."), Route("changes", "other", "a")) != []
