"""The lists of every story, entity, source and month."""
from __future__ import annotations

from datetime import datetime

from ...core.model import month_title
from ..context import Contexts
from ..kinds import Context, PageGroup, PageKind
from ..routes import Route, month_url, source_url


def _stories(ctx: Contexts, route: Route) -> Context:
    return {"stories": [ctx.story_ref(s) for s in ctx.archive.stories]}


def _entities(ctx: Contexts, route: Route) -> Context:
    items = sorted(ctx.index.by_entity.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {"entities": [dict(ctx.entity_ref(slug), count=len(slugs), kind=ctx.archive.entities[slug].kind)
                         for slug, slugs in items]}


def _sources(ctx: Contexts, route: Route) -> Context:
    items = sorted(ctx.index.by_source.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {"sources": [{"name": ctx.archive.sources[s].name, "url": ctx.url(source_url(s)),
                         "count": len(slugs), "kind": ctx.archive.sources[s].kind} for s, slugs in items]}


def _months(ctx: Contexts, route: Route) -> Context:
    months = sorted(ctx.index.by_month.items(), reverse=True)
    return {"months": [{"title": month_title(datetime(int(m[:4]), int(m[5:]), 1)),
                        "url": ctx.url(month_url(m)), "count": len(s)} for m, s in months]}


PAGES = PageGroup((
    PageKind("stories-index", _stories, template="stories-index.html", address="stories/"),
    PageKind("entities-index", _entities, template="entities-index.html", address="entities/"),
    PageKind("sources-index", _sources, template="sources-index.html", address="sources/"),
    PageKind("archive-index", _months, template="archive-index.html", address="archive/"),
), order=30)
