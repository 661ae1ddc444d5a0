"""What a page kind declares: its routes, what its context reads, and how its bytes are made.

Each module of `site.pages` (and each module an installed package names under the entry point
group `site_builder.pages`) holds one `PAGES = PageGroup(...)`: the kinds it makes and their
routes. `site.pages.page_kinds()` gathers them into the one table the build asks.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .routes import Route, RouteInput

if TYPE_CHECKING:
    from .context import Contexts
    from .render import Renderer

ENTRY_POINTS = "site_builder.pages"     # the group under which other packages name modules of page kinds
Context = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """Where a kind that writes its own file writes it: `path` (new, in the staging folder, its
    folder made) and the last build's file (`published`). `write_data(name, data, path, published)`
    writes a file of data/ from the last build's where the build's records of them allow (the
    build layer keeps those records)."""

    path: Path
    published: Path
    write_data: Callable[[str, Any, Path, Path], None]


@dataclass(frozen=True)
class PageKind:
    """One kind of output. Its context is built through `Contexts`, whose reads of the archive are
    recorded (`site.depends`), and is hashed: a page is made again only when it changes. Exactly
    one of `template` (an HTML page), `make` (files from the context: a feed, JSON, a picture) or
    `write` (a file written into place by itself, from the last build's where it can) makes its bytes."""

    name: str
    context: Callable[[Contexts, Route], Context]
    template: str | None = None
    prepare: Callable[[Context, Renderer], Context] | None = None   # what the template gets beyond the context
    make: Callable[[Route, Context], dict[str, bytes]] | None = None   # output path -> bytes
    write: Callable[[Route, Contexts, Target], None] | None = None
    address: str | None = None       # the address of its one (or first) page: templates link it as urls.<name>
    alternate: Callable[[Contexts], dict[str, str]] | None = None   # the feed it offers pages naming none
    always_built: bool = False       # what it reads is not recorded (the sitemap lists every route)
    listed: bool = True              # an HTML page the sitemap lists
    about_article: bool = False      # its key is an article's slug: problems name the article's file
    article_page: bool = False       # an article's own page: indexed for search by its month, previewed by serve

    def makers(self) -> list[str]:
        """The ways of making bytes it declares (exactly one is right)."""
        return [name for name in ("template", "make", "write") if getattr(self, name) is not None]


@dataclass(frozen=True)
class PageGroup:
    """The page kinds of one module and their routes. `routes` defaults to one route per kind at its
    `address`; `order` places the group's routes among the site's (the sitemap lists them in it)."""

    kinds: tuple[PageKind, ...]
    routes: Callable[[RouteInput], Iterable[Route]] | None = None
    order: int = 1000

    def site_routes(self, site: RouteInput) -> Iterable[Route]:
        if self.routes is not None:
            return self.routes(site)
        return [Route(kind.name, "", kind.address) for kind in self.kinds if kind.address is not None]


def installed_modules() -> list[str]:
    """The modules of page kinds other installed packages name (`name = module` entry points)."""
    from importlib.metadata import entry_points  # its imports cost a build with nothing to do 20 ms
    return sorted(point.value for point in entry_points(group=ENTRY_POINTS))
