"""An article's page: its versions, its story's previous and next events, the event's other
reports, related coverage, its entities and its JSON-LD."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ...core.model import Article
from ...intel.coverage import event_copies
from ..context import Contexts, moment
from ..formats.jsonld import news_article_jsonld
from ..kinds import Context, PageGroup, PageKind
from ..lookup import LISTED_ENTITIES
from ..render import Renderer
from ..routes import Route, RouteInput, capture_url, paged
from ..wording import byline, direction, lag_text, reasons
from .cite import CITE_FILES, citation_data, cite_file

ENTITIES = "entities/"      # beside an article's page: all its entities, when it has too many to list


def _article(ctx: Contexts, route: Route) -> Context:
    a = ctx.archive.articles[route.key]
    event_id = ctx.archive.event_of[a.slug]
    story_id, position = ctx.index.event_pos[event_id]
    story = ctx.index.stories[story_id]
    event = ctx.index.events[event_id]
    neighbour = {name: ctx.link(story.events[i].versions[0].slug) if 0 <= i < len(story.events) else None
                 for name, i in (("previous", position - 1), ("next", position + 1))}
    reports = event.reports
    mine = next(copies for copies in reports if any(v.slug == a.slug for v in copies))
    versions = [dict(ctx.link(v.slug), current=v.slug == a.slug, score=round(v.score, 2),
                     changes=ctx.url(ctx.archive.articles[v.slug].url_path + "changes/") if i else None)
                for i, v in enumerate(mine)]
    lags = {c.slug: c for c in event_copies(event, ctx.archive.articles, ctx.archive.source_of)}
    others = [dict(ctx.link(copies[0].slug), copies=len(copies) - 1,
                   lag="first report" if lags[copies[0].slug].position == 0
                   else lag_text(lags[copies[0].slug].lag_seconds, lags[copies[0].slug].by_day))
              for copies in reports if copies is not mine]
    related = [dict(ctx.link(r.slug), reasons=list(reasons(r.why))) for r in ctx.archive.related.get(a.slug, ())]
    source_slug = ctx.archive.source_of[a.source.casefold()]
    slugs = ctx.index.entity_slugs(ctx.archive, a)
    entities = [ctx.entity_ref(e) for e in slugs[:LISTED_ENTITIES]]
    language = a.language or ctx.config.language
    jsonld = news_article_jsonld(
        headline=a.title, url=ctx.absolute(a.url_path), date_published=a.date, date_modified=a.updated,
        dateline=a.dateline, authors=a.authors, publisher=a.source, based_on=a.url or a.wire,
        about=[e["name"] for e in entities], description=a.summary, in_language=language, image=a.image,
        image_caption=a.image_caption, archived_at=capture_url(a.archived, ctx.absolute("")))
    return {"jsonld": jsonld, "article": dict(ctx.link(a.slug), wire=a.wire, dateline=a.dateline, original=a.url,
                                             archived=_archived(capture_url(a.archived, ctx.url("")), a.archived_at),
                                             byline=byline(a.authors), tags=list(a.tags),
                                             updated=moment(a.updated, a.updated_date_only) if a.updated else None,
                                             correction=a.correction, image=a.image,
                                             image_caption=a.image_caption, body=a.body, digest=a.digest,
                                             entities=entities, entities_more=len(slugs) - len(entities),
                                             entities_all=ctx.url(a.url_path + ENTITIES),
                                             source_home=ctx.archive.sources[source_slug].home,
                                             absolute=ctx.absolute(a.url_path)),
            "story": dict(ctx.story_ref(story), position=position + 1), "neighbours": neighbour,
            "versions": versions if len(versions) > 1 else [], "reports": others, "related": related,
            "language": language, "direction": direction(language), "cite": _cite(ctx, a)}


def _cite(ctx: Contexts, a: Article) -> dict[str, Any]:
    """The Cite block and the citation meta tags: the citation's fields and its files."""
    cite = citation_data(ctx, a.slug)
    return dict(cite, names=byline(a.authors).removeprefix("By "), date=ctx.when(a), highwire_date=f"{a.date:%Y/%m/%d}",
                accessed_text=f"{a.imported_at:%-d %B %Y}" if a.imported_at else "",
                files=[{"name": name, "url": ctx.url(a.url_path + cite_file(ext))} for ext, name in CITE_FILES])


def _archived(url: str | None, when: datetime | None) -> dict[str, str] | None:
    """The archived capture's address and, when known, its time (in UTC) as text and ISO 8601."""
    if url is None:
        return None
    moment = when.astimezone(UTC) if when else None
    return {"url": url, "iso": moment.isoformat() if moment else "",
            "text": f"{moment:%-d %B %Y, %H:%M} UTC" if moment else ""}


def _with_body(context: Context, renderer: Renderer) -> Context:
    """The body as HTML (not hashed: the context holds its Markdown)."""
    return dict(context, body=renderer.markdown(context["article"]["body"]))


def _entities(ctx: Contexts, route: Route) -> Context:
    """Every entity of an article whose page lists only the first LISTED_ENTITIES."""
    a = ctx.archive.articles[route.key]
    slugs = ctx.index.entity_slugs(ctx.archive, a)
    return {"heading": f"People, places and organisations in “{a.title}”",
            "back": {"title": a.title, "url": ctx.url(a.url_path)}, "total": len(slugs),
            "items": [{"title": e["name"], "url": e["url"], "note": ""}
                      for e in map(ctx.entity_ref, ctx.page_of(slugs, route.page))],
            "pagination": ctx.pagination(route, a.url_path + ENTITIES, len(slugs))}


def _routes(site: RouteInput) -> Iterable[Route]:
    named = site.sizes.by_article
    for slug, article in site.archive.articles.items():
        yield Route("article", slug, article.url_path)
        count = named[slug]
        if count > LISTED_ENTITIES:
            yield from (Route("article-entities", slug, paged(article.url_path + ENTITIES, n), n)
                        for n in site.pages(count))


PAGES = PageGroup((PageKind("article", _article, template="article.html", prepare=_with_body,
                            about_article=True, article_page=True),
                   PageKind("article-entities", _entities, template="full-list.html", about_article=True)),
                  routes=_routes, order=80)
