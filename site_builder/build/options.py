"""What a build is asked to do, and what it reports."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import Problem
from ..core.pool import default_jobs

if TYPE_CHECKING:
    from ..site.preview import PageMaker


@dataclass(frozen=True)
class BuildOptions:
    base_url: str | None = None
    drafts: bool = False
    jobs: int = field(default_factory=default_jobs)
    clean: bool = False
    output: Path | None = None
    search: bool | None = None
    remember: bool = True        # keep a manifest for the next, incremental build
    index_search: bool = True    # build the search index with the pages (serve refreshes it in the background)
    progress: Callable[[int, int], None] | None = None   # called with (done, total) while rendering
    keep_pages: bool = False     # return what pages were made from, for previews in serve
    publishing: AbstractContextManager[Any] | None = None   # held while output/ changes (serve waits on it)
    lock_timeout: float | None = None    # seconds to wait for another build of the site or output; None: until it ends
    waiting: Callable[[str], None] | None = None   # told, once, when this build waits for another


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int                              # every file of the output (pages, feeds, data, citations…)
    written: int
    removed: int
    seconds: float
    warnings: tuple[Problem, ...]
    search_seconds: float = 0.0
    pages_from: PageMaker | None = None      # with BuildOptions.keep_pages, when the build ran
    changed: frozenset[str] = frozenset()    # the files written or removed (serve indexes their search periods)
    stages: dict[str, float] = field(default_factory=dict)   # seconds per stage of `clock.STAGES`
    html: int = 0                            # the HTML pages among them


def html_pages(outputs: Iterable[str]) -> int:
    """How many of the output's files are HTML pages."""
    return sum(1 for path in outputs if path.endswith(".html"))
