"""Who covered what, when: each copy's lag behind its event's first report, a story's events ×
outlets matrix (a row per happening, every outlet that reported it) and an outlet's profile; pure
functions over the model, in numbers (`site.wording` puts them in words)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import median

from ..core.model import Article, Event, Story


@dataclass(frozen=True)
class Copy:
    """One version of an event as its outlet published it, against the event's first report."""

    slug: str
    source: str                 # source slug
    position: int               # 0 for the event's first report
    lag_seconds: int            # behind the first report; whole days when either date is a date alone
    by_day: bool                # the lag is counted in days (a date without a time on either side)
    headline_changed: bool      # its title differs from its report's first copy's
    wire: str | None            # the agency it copies, when not the outlet's own reporting
    report: str = ""            # the report it is a copy of (its first copy's slug)
    copy: int = 0               # 0 for the report's first copy, 1 for the next, …
    tied: bool = False          # another outlet's own report has the first report's day and a date
                                # alone: which came first is not known (set on both)


def event_copies(event: Event, articles: Mapping[str, Article], source_of: Mapping[str, str]) -> list[Copy]:
    """The versions of `event`, oldest first (the first is the first report)."""
    first = articles[event.versions[0].slug]
    copies = []
    seen: dict[str, int] = {}
    for position, version in enumerate(event.versions):
        article = articles[version.slug]
        source = source_of[article.source.casefold()]
        by_day = first.date_only or article.date_only
        lag = ((article.date.date() - first.date.date()).days * 86400 if by_day
               else int((article.date - first.date).total_seconds()))
        report = version.report_id
        copy = seen[report] = seen.get(report, -1) + 1
        original = articles[report] if report in articles else first
        copies.append(Copy(version.slug, source, position, max(lag, 0), by_day,
                           copy > 0 and _headline(article.title) != _headline(original.title),
                           wire_of(article, source), report, copy))
    # a copy of a report comes after it; another outlet's own report the same day may not
    tied = {c.slug for c in copies[1:]
            if c.copy == 0 and c.by_day and c.lag_seconds == 0 and c.source != copies[0].source}
    if tied:
        copies = [replace(c, tied=True) if c.position == 0 or c.slug in tied else c for c in copies]
    return copies


def known_first(event: Event, articles: Mapping[str, Article], source_of: Mapping[str, str]) -> str | None:
    """The outlet that reported `event` first, when another outlet covered it too and no other
    outlet's own report is tied with it (`Copy.tied`); as `event_copies` tells it, without them."""
    first = articles[event.versions[0].slug]
    source = source_of[first.source.casefold()]
    reports, others = {event.versions[0].report_id}, False
    for version in event.versions[1:]:
        article = articles[version.slug]
        other = source_of[article.source.casefold()] != source
        others = others or other
        if version.report_id in reports:
            continue                                   # a copy of a report: never before it
        reports.add(version.report_id)
        if other and (first.date_only or article.date_only) and article.date.date() <= first.date.date():
            return None
    return source if others else None


def wire_of(article: Article, source: str) -> str | None:
    """The agency a copy comes from, unless the outlet is that agency (its own reporting)."""
    wire = (article.wire or "").strip()
    return wire if wire and wire.casefold() not in (article.source.casefold(), source) else None


def _headline(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass(frozen=True)
class Matrix:
    """A story's events (rows, in time order) × the outlets that covered it (columns, by first
    appearance); rows[i][j] holds outlet j's copies of event i (usually none or one)."""

    sources: tuple[str, ...]
    rows: tuple[tuple[tuple[Copy, ...], ...], ...]


def coverage_matrix(story: Story, articles: Mapping[str, Article], source_of: Mapping[str, str]) -> Matrix:
    events = [event_copies(e, articles, source_of) for e in story.events]
    sources = tuple(dict.fromkeys(c.source for copies in events for c in copies))
    column = {s: n for n, s in enumerate(sources)}
    rows = []
    for copies in events:
        cells: list[list[Copy]] = [[] for _ in sources]
        for c in copies:
            cells[column[c.source]].append(c)
        rows.append(tuple(tuple(cell) for cell in cells))
    return Matrix(sources, tuple(rows))


@dataclass(frozen=True)
class Profile:
    """How an outlet covered the archive."""

    stories: tuple[tuple[str, int], ...]     # (story id, its copies in the story), most first
    first: tuple[str, ...]                   # events it reported first (known to), among those others covered too
    shared: int                              # events it covered that other outlets covered too
    median_lag: tuple[int, bool] | None      # over its copies of shared events that it did not report first
    copies: int
    wire: int                                # copies of an agency's story
    changed: int                             # later copies that changed their report's first headline
    later: int                               # later copies of a report (not its first copy)


def source_profile(source: str, slugs: Sequence[str], story_of: Mapping[str, str], event_of: Mapping[str, str],
                   events: Mapping[str, Event], articles: Mapping[str, Article],
                   source_of: Mapping[str, str]) -> Profile:
    """The profile of `source` from its article `slugs`."""
    stories: dict[str, int] = {}
    mine: list[Copy] = []
    first: list[str] = []
    shared_copies: list[Copy] = []
    for slug in slugs:
        stories[story_of[slug]] = stories.get(story_of[slug], 0) + 1
        event = events[event_of[slug]]
        copies = event_copies(event, articles, source_of)
        copy = next(c for c in copies if c.slug == slug)
        mine.append(copy)
        if len({c.source for c in copies}) > 1:
            shared_copies.append(copy)
            if copy.position == 0 and not copy.tied:
                first.append(event.id)
    lagging = [c for c in shared_copies if c.position > 0]
    later = [c for c in mine if c.copy > 0]     # its own report of an event is not a copy
    return Profile(tuple(sorted(stories.items(), key=lambda kv: (-kv[1], kv[0]))), tuple(dict.fromkeys(first)),
                   len({event_of[c.slug] for c in shared_copies}), _median_lag(lagging), len(mine), sum(c.wire is not None for c in mine),
                   sum(c.headline_changed for c in mine), len(later))


def _median_lag(copies: Sequence[Copy]) -> tuple[int, bool] | None:
    """The median lag, in days when any of the copies is dated by day alone."""
    if not copies:
        return None
    by_day = any(c.by_day for c in copies)
    lags = [c.lag_seconds // 86400 * 86400 if by_day else c.lag_seconds for c in copies]
    return int(median(lags)), by_day
