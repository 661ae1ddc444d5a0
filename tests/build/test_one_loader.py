"""One loader for build, check and stories: each runs the story intelligence once."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from site_builder.check.lint import check_site
from site_builder.core.errors import SiteError
from site_builder.intel import archive as archive_module
from site_builder.stories import story_listing
from tests.conftest import write_article


@pytest.fixture
def story_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the stories were computed (the costly part of the intelligence)."""
    runs: list[int] = []
    compute = archive_module.story_intelligence

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(archive_module, "story_intelligence", counted)
    return runs


def test_check_runs_the_story_intelligence_once(example_site: Path, story_runs: list[int]) -> None:
    report = check_site(example_site)
    assert report.pages > 0 and not report.errors
    assert len(story_runs) == 1


def test_stories_run_it_once(example_site: Path, story_runs: list[int]) -> None:
    assert story_listing(example_site)["stories"]
    assert len(story_runs) == 1


def test_content_errors_stop_before_the_intelligence(example_site: Path, story_runs: list[int]) -> None:
    write_article(example_site, "broken.md", "---\ntitle: [unclosed\n---\nbody\n")
    report = check_site(example_site)
    assert report.errors and report.pages == 0
    with pytest.raises(SiteError):
        story_listing(example_site)
    assert story_runs == []
