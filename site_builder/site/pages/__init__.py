"""Every page kind of the site, in one table: each module of this package, and each module other
installed packages name under the `site_builder.pages` entry point group, declares its kinds and
their routes as `PAGES` (a `site.kinds.PageGroup`). The build asks this table, never a kind's name."""
from __future__ import annotations

import pkgutil
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType
from typing import Any

from ...core.errors import Problem, SiteError, fail
from ...core.model import Archive
from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind, installed_modules
from ..render import Renderer
from ..routes import Route, RouteInput, check_collisions


def page_kinds() -> Pages:
    """The page kinds of this package's modules and of the installed packages' modules."""
    names = [f"{__name__}.{info.name}" for info in pkgutil.iter_modules(__path__)] + installed_modules()
    problems: list[Problem] = []
    modules = []
    for name in names:
        try:
            modules.append(import_module(name))
        except ImportError as error:
            problems.append(Problem(name, None, f"the module of page kinds cannot be imported: {error}",
                                    "install it, or remove the entry point that names it"))
    if problems:
        raise SiteError(problems)
    return Pages([(module.__name__, _group(module)) for module in modules])


def _group(module: ModuleType) -> PageGroup:
    group = getattr(module, "PAGES", None)
    if not isinstance(group, PageGroup):
        raise fail(module.__file__ or module.__name__, None, "a module of page kinds declares no PAGES",
                   "give it PAGES = PageGroup(kinds=(...)) (see CONTRIBUTING.md)")
    return group


class Pages:
    """The page kinds by name, and their groups in the order their routes come."""

    def __init__(self, groups: list[tuple[str, PageGroup]]) -> None:
        ordered = sorted(groups, key=lambda named: (named[1].order, named[0]))
        self.modules = sorted(module for module, _ in groups)
        self.groups = [group for _, group in ordered]
        self.kinds: dict[str, PageKind] = {}
        problems = []
        for module, group in ordered:
            for kind in group.kinds:
                problems += _kind_problems(module, kind, self.kinds.get(kind.name))
                self.kinds.setdefault(kind.name, kind)
        if problems:
            raise SiteError(problems)

    def __getitem__(self, name: str) -> PageKind:
        kind = self.kinds.get(name)
        if kind is None:
            raise fail(f"page kind '{name}'", None, "no module of page kinds declares this kind",
                       "declare it in a module of site_builder/site/pages/ (see CONTRIBUTING.md)")
        return kind

    def routes(self, archive: Archive, per_page: int, search: bool) -> list[Route]:
        """All routes of the site, each of a declared kind, checked for collisions."""
        site = RouteInput(archive, per_page, search)
        routes = [route for group in self.groups for route in group.site_routes(site)]
        for kind in dict.fromkeys(route.kind for route in routes):
            self[kind]
        check_collisions(routes, archive, {name for name, kind in self.kinds.items() if kind.about_article})
        return routes

    def templates(self) -> dict[str, str]:
        """Page kind -> the template its pages are rendered from."""
        return {name: kind.template for name, kind in self.kinds.items() if kind.template is not None}

    def urls(self, base: str) -> dict[str, str]:
        """The addresses templates link to (`urls.stories_index`), by kind."""
        return {name.replace("-", "_"): base + kind.address for name, kind in self.kinds.items()
                if kind.address is not None}

    def listed(self, routes: Sequence[Route]) -> list[str]:
        """The addresses of the HTML pages a sitemap lists, in the order of the routes."""
        return [route.url for route in routes if self.kinds[route.kind].template and self.kinds[route.kind].listed]

    def context(self, ctx: Contexts, route: Route) -> Context:
        """The context of one route; an HTML page's with the values every page shares."""
        kind = self[route.kind]
        context = kind.context(ctx, route)
        if kind.template is not None:
            context.setdefault("feeds", [k.alternate(ctx) for k in self.kinds.values() if k.alternate])
            context["page_url"] = ctx.url(route.url)
            context["canonical"] = ctx.absolute(route.url)
        return context

    def files(self, route: Route, context: Context, renderer: Renderer) -> dict[str, bytes]:
        """The bytes of a route whose kind has a template or a `make`, by output path."""
        kind = self[route.kind]
        if kind.make is not None:
            return kind.make(route, context)
        if kind.template is None:
            raise fail(route.output, None, f"page kind '{kind.name}' writes its file itself", "report this as a bug")
        made: dict[str, Any] = kind.prepare(context, renderer) if kind.prepare else context
        return {route.output: renderer.render(kind.template, made)}

    def article_pages(self, routes: Sequence[Route]) -> list[Route]:
        """The routes of articles' own pages."""
        return [route for route in routes if self.kinds[route.kind].article_page]


def _kind_problems(module: str, kind: PageKind, other: PageKind | None) -> list[Problem]:
    where = f"page kind '{kind.name}' ({module})"
    problems = []
    if other is not None:
        problems.append(Problem(where, None, "another module declares a page kind of this name",
                                "give one of them another name"))
    makers = kind.makers()
    if len(makers) != 1:
        said = " and ".join(makers) if makers else "nothing"
        problems.append(Problem(where, None, f"its bytes cannot be made: it declares {said}",
                                "give it exactly one of template, make or write"))
    return problems
