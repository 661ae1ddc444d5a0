"""What page contexts are built through: compact, JSON-able data, so it can be hashed to decide staleness."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from ..core.config import Config
from ..core.model import Archive, Article, Story, month_title
from .depends import WHOLE, Recorder, collections, watched
from .lookup import SiteIndex
from .routes import Route, entity_url, page_count, paged, source_url, story_url
from .tables import OpenData, open_data

T = TypeVar("T")


class Contexts:
    """What page kinds build their contexts through (`site.pages`): the archive and its index, seen
    through views that record what is read, and the pieces many pages share."""

    def __init__(self, archive: Archive, index: SiteIndex, config: Config, recorder: Recorder | None = None,
                 listed: Sequence[str] = (), data: OpenData | None = None) -> None:
        """With a `recorder`, every read of the archive and index is noted (see `depends`); `listed`
        are the addresses of the pages a sitemap lists; `data` the open data, when made already."""
        self.archive, self.index = watched(archive, index, recorder) if recorder else (archive, index)
        self._unwatched, self._unwatched_index, self._data = archive, index, data
        self.config, self.recorder = config, recorder
        self.base = config.base_path
        self.listed = listed
        # memos (value, reads): the same article appears on many pages
        self._memos: dict[str, dict[str, tuple[Any, set[str]]]] = defaultdict(dict)

    def once(self, memo: str, key: str, make: Callable[[], Any]) -> Any:
        """`make()` once per memo and key; a page that reuses the value also reads what making it read."""
        memo_of = self._memos[memo]
        hit = memo_of.get(key)
        if hit is None:
            if self.recorder is None:
                hit = memo_of[key] = (make(), set())
            else:
                with self.recorder.apart() as reads:
                    value = make()
                hit = memo_of[key] = (value, reads)
        elif self.recorder is not None:
            self.recorder.current |= hit[1]
        return hit[0]

    # -- small pieces -------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base + path

    def absolute(self, path: str) -> str:
        return (self.config.site_url or self.base) + path

    def when(self, article: Article) -> dict[str, str]:
        """The article's date as `moment` gives it."""
        return moment(article.date, article.date_only)

    def link(self, slug: str) -> dict[str, Any]:
        """An article as it appears in lists (shared: callers copy before changing it)."""
        return self.once("link", slug, lambda: self._link(slug))

    def _link(self, slug: str) -> dict[str, Any]:
        a = self.archive.articles[slug]
        story_id = self.archive.story_of[slug]
        story = self.index.stories[story_id]
        return {"title": a.title, "url": self.url(a.url_path), "source": a.source,
                "source_url": self.url(source_url(self.archive.source_of[a.source.casefold()])),
                "date": self.when(a), "summary": a.summary,
                "story": {"title": story.title, "url": self.url(story_url(story_id))}
                if len(story.events) > 1 or story.explicit else None}

    def entity_ref(self, slug: str) -> dict[str, str]:
        return {"name": self.archive.entities[slug].name, "url": self.url(entity_url(slug))}

    def story_ref(self, story: Story) -> dict[str, Any]:
        return self.once("story", story.id, lambda: self._story_ref(story))

    def _story_ref(self, story: Story) -> dict[str, Any]:
        return {"title": story.title, "url": self.url(story_url(story.id)), "summary": story.summary,
                "events": len(story.events), "articles": sum(len(e.versions) for e in story.events),
                "outlets": self.index.story_outlets[story.id],
                "days": max(1, (story.events[-1].date.date() - story.events[0].date.date()).days + 1),
                "first": human_day(story.events[0].date), "last": human_day(story.events[-1].date),
                "chart": self.url(story_url(story.id, "coverage.svg"))}

    def open_data(self) -> OpenData:
        """The archive's tables and stories listing, once per build: they read every collection whole."""
        if self.recorder is not None:     # as noted: the data files change with any of them
            for name in collections(self._unwatched):
                self.recorder.note(name, WHOLE)
        return self.once("open data", "", lambda: self._data or open_data(self._unwatched, self._unwatched_index))

    def pagination(self, route: Route, base: str, total: int) -> dict[str, Any]:
        pages = page_count(total, self.config.per_page)
        return {"page": route.page, "pages": pages,
                "prev": self.url(paged(base, route.page - 1)) if route.page > 1 else None,
                "next": self.url(paged(base, route.page + 1)) if route.page < pages else None}

    def page_slice(self, slugs: list[str], page: int) -> list[dict[str, Any]]:
        """The articles of one page of a list of article slugs, as links."""
        return [self.link(s) for s in self.page_of(slugs, page)]

    def page_of(self, items: Sequence[T], page: int) -> Sequence[T]:
        """The items of page `page` of a paged list."""
        size = self.config.per_page
        return items[(page - 1) * size: page * size]

def moment(when: datetime, date_only: bool) -> dict[str, str]:
    """A date for `<time datetime>` (a date alone stays one), the day and, when given, the time."""
    return {"iso": when.date().isoformat() if date_only else when.isoformat(), "day": human_day(when),
            "time": "" if date_only else f"{when:%H:%M} {utc_offset(when)}"}


def human_day(when: datetime) -> str:
    return f"{when.day} {month_title(when)}"


def utc_offset(when: datetime) -> str:
    offset = when.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
