"""Plain frozen data passed between pipeline stages; no I/O here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from .errors import Problem


@dataclass(frozen=True)
class Article:
    """One content file: one published copy of a piece of coverage."""

    path: str                      # relative to the site folder, POSIX separators
    slug: str
    title: str
    date: datetime                 # always time-zone aware
    source: str
    body: str                      # Markdown
    url: str | None = None
    wire: str | None = None
    dateline: str | None = None
    story: str | None = None
    entities: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    summary: str = ""
    draft: bool = False
    date_only: bool = False        # the front matter gave a date without a time
    lines: tuple[tuple[str, int], ...] = ()   # front-matter key -> line in the file
    digest: str = ""               # hash of the file's bytes
    names_found: bool = False      # no entities were written: `entities` are the names its text mentions
    archived: str | None = None    # where an archived capture of the original lives (a web archive's address)
    archived_at: datetime | None = None     # when that capture was taken
    imported_at: datetime | None = None     # when `import` wrote the file (review.imported_at): a citation's access date
    authors: tuple[str, ...] = ()  # the byline: who wrote it, in the order given
    updated: datetime | None = None    # when the outlet last changed it, if it says
    updated_date_only: bool = False
    correction: str = ""           # the outlet's note of what it corrected
    image: str | None = None       # the address of its picture (never fetched: pages link it)
    image_caption: str = ""
    language: str = ""             # BCP 47; empty: the site's

    def line(self, key: str) -> int | None:
        return dict(self.lines).get(key)

    @cached_property
    def url_path(self) -> str:
        """The article's page path below the base URL."""
        return f"articles/{month_key(self.date)}/{self.date.day:02d}/{self.slug}/"


def month_key(when: datetime) -> str:
    """'0999/06': the year always with four digits (strftime's %Y drops the zeros of early years)."""
    return f"{when.year:04d}/{when.month:02d}"


def month_title(when: datetime) -> str:
    """'June 0999'."""
    return f"{when:%B} {when.year:04d}"


@dataclass(frozen=True)
class StoryInfo:
    """A story registry entry."""

    id: str
    title: str
    summary: str = ""
    status: str = "developing"


@dataclass(frozen=True)
class Entity:
    """A person, organisation, place or other thing articles are about."""

    slug: str
    name: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    description: str = ""
    known: bool = True              # listed in the registry
    path: str = field(default="", compare=False, repr=False)           # the registry file, when listed
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Source:
    """An outlet that published copies."""

    slug: str
    name: str
    home: str | None = None
    country: str | None = None
    kind: str | None = None
    known: bool = True
    path: str = field(default="", compare=False, repr=False)
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Removal:
    """An article taken down (`content/removed.yaml`), by its slug or its url: the build publishes
    none of its text; a page at its old `address` (when known) says when it was removed, and why
    when the reason is `shown`."""

    slug: str | None
    url: str | None
    date: date
    reason: str
    shown: bool
    address: str | None = None      # the old page's path below the base URL ("articles/2025/06/23/x/")
    path: str = ""
    line: int = 0
    capture: str | None = None      # its saved copy in the site's static files ("assets/captures/x.html"): withheld


@dataclass(frozen=True)
class Registries:
    stories: tuple[StoryInfo, ...] = ()
    entities: tuple[Entity, ...] = ()
    sources: tuple[Source, ...] = ()
    removed: tuple[Removal, ...] = ()


@dataclass(frozen=True)
class Version:
    """One article of an event: a copy of one outlet's report, with the score that joined it to
    the report's first copy and the report's id (the slug of that first copy)."""

    slug: str
    score: float = 1.0
    report: str = ""

    @property
    def report_id(self) -> str:
        return self.report or self.slug


@dataclass(frozen=True)
class Tie:
    """Why a computed story holds an event: the earlier event of the story it matched best, how
    likely the two are one story, and the names and words they share."""

    event: str
    score: float
    entities: tuple[str, ...] = ()   # entity slugs
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One happening: every outlet's report of it, each with its copies (a wire story and its
    republications); `versions` are all of them, oldest first."""

    id: str
    date: datetime
    versions: tuple[Version, ...]
    tie: Tie | None = None           # None: the story's first event, or its `story:` key put it there

    @property
    def reports(self) -> tuple[tuple[Version, ...], ...]:
        """The event's reports in order of their first copy, each its copies oldest first."""
        found: dict[str, list[Version]] = {}
        for version in self.versions:
            found.setdefault(version.report_id, []).append(version)
        return tuple(tuple(copies) for copies in found.values())


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    summary: str
    explicit: bool
    events: tuple[Event, ...]
    status: str = "developing"


@dataclass(frozen=True)
class Relation:
    """Why an article is related to another, as facts (the site puts them in words)."""

    editor: bool = False            # listed in the article's `related:`
    shared: tuple[str, ...] = ()    # display names of the rarest entities both name, rarest first
    same_story: bool = False
    by_day: bool = False            # either is dated by day alone: compare `days`
    days: int = 0                   # the other's calendar day minus this one's
    seconds: float = 0.0            # the other's time minus this one's


@dataclass(frozen=True)
class RelatedLink:
    slug: str
    score: float
    why: Relation


@dataclass(frozen=True)
class Archive:
    """Everything computed over the whole archive, ready for routing and rendering."""

    articles: dict[str, Article]                 # by slug, sorted newest first
    stories: tuple[Story, ...]                   # newest activity first
    story_of: dict[str, str]                     # article slug -> story id
    event_of: dict[str, str]                     # article slug -> event id
    entities: dict[str, Entity]                  # by slug
    entity_of: dict[str, str]                    # any alias or name (casefolded) -> entity slug
    sources: dict[str, Source]                   # by slug
    source_of: dict[str, str]                    # source name (casefolded) -> source slug
    related: dict[str, tuple[RelatedLink, ...]]  # article slug -> related coverage
    problems: tuple[Problem, ...] = ()           # names that share a page or look alike
    removed: tuple[Removal, ...] = ()            # articles taken down (content/removed.yaml)
