"""Read content files: front matter and field checks into frozen Articles and registries."""
from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from ..core.errors import Problem
from ..core.model import Article, Entity, Registries, Removal, Source, StoryInfo
from ..core.slugs import is_safe_slug, slugify
from ..core.walk import OUTSIDE, SPECIAL, Refused, Walk, refusal_problem, special_kind, walk_inputs
from ..core.yamlload import describe, error_line, load_yaml
from .mentions import article_names

ARTICLE_SUFFIX = ".md"
REGISTRY_FILES = ("stories.yaml", "entities.yaml", "sources.yaml", "removed.yaml")
MAX_BYTES = 20 * 1024 * 1024
UNREADABLE = "cannot read file"
# a file the site publishes: /name/name.ext, each part letters, digits, '.', '_' or '-' and none '.' or '..'
SITE_PATH = re.compile(r"(/(?!\.\.?(?:/|$))[\w.\-]+)+")
EARLIEST_YEAR = 1900           # a publication date before it is a placeholder (0001-01-01) or a typo


@dataclass(frozen=True)
class Key:
    """One front-matter key: what it holds (`check.jsonschemas` makes the JSON Schema from this table)."""

    kind: str           # "text", "names", "date", "bool", "url", "capture", "slug" or "mapping"
    about: str
    required: bool = False


FRONT_MATTER: dict[str, Key] = {
    "title": Key("text", "The headline as the outlet published it.", required=True),
    "date": Key("date", "When it was published: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+HH:MM.", required=True),
    "source": Key("text", "The outlet that published it (a name in sources.yaml).", required=True),
    "url": Key("url", "The original address (http:// or https://)."),
    "archived": Key("capture", "Where an archived capture of the original lives: an address (http:// or https://), "
                               "e.g. the Wayback Machine's, or a path of the site itself: '/assets/captures/x.html' "
                               "for a saved copy kept in static/captures/."),
    "archived_at": Key("date", "When that capture was taken: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+HH:MM."),
    "wire": Key("text", "The wire service the text came from, when the outlet republished it."),
    "author": Key("names", "Who wrote it: one name, or a list of several ([A, B])."),
    "dateline": Key("text", "Where it was filed from ('ISLAMABAD')."),
    "story": Key("slug", "The story it belongs to (an id of stories.yaml, or a new one)."),
    "entities": Key("names", "The people, places and organisations it is about."),
    "tags": Key("names", "Free tags."),
    "related": Key("names", "Slugs of articles to list as related coverage."),
    "updated": Key("date", "When the outlet last changed it: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+HH:MM."),
    "correction": Key("text", "The outlet's note of what it corrected ('An earlier version misspelt ...')."),
    "image": Key("url", "The address of its picture (http:// or https://); linked, never fetched."),
    "image_caption": Key("text", "The picture's caption, also its alternative text."),
    "language": Key("text", "Its language as a BCP 47 tag ('en', 'ar', 'pt-BR'; default: the site's)."),
    "summary": Key("text", "A one-sentence summary."),
    "draft": Key("bool", "true: left out of builds unless --drafts."),
    "slug": Key("slug", "The page's address (default: the file name)."),
    "review": Key("mapping", "What `import` could not decide, for a person to check."),
}
KNOWN_KEYS = frozenset(FRONT_MATTER)
_FRONT = re.compile(r"\A(---[ \t]*\r?\n)(.*?)(^---[ \t]*$)", re.S | re.M)


def closest_key(key: str) -> str | None:
    """The known front-matter key `key` is probably a typo of ('sorce' -> 'source'), if any."""
    found = difflib.get_close_matches(key.casefold(), sorted(KNOWN_KEYS), n=1, cutoff=0.75)
    return found[0] if found else None


class _StrictHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        data = load_yaml(fm)
        bad = [key for key in data if not isinstance(key, str)] if isinstance(data, dict) else []
        if bad:     # python-frontmatter passes the keys as keyword arguments: text only
            raise yaml.YAMLError(f"a key must be text, not {bad[0]!r}")
        return data


@dataclass(frozen=True)
class Parsed:
    """What one file gave: an article, or the problems that stop it."""

    article: Article | None
    problems: tuple[Problem, ...]


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or a located problem: not UTF-8, NUL bytes, too large, a link outside."""
    try:
        info = path.stat()      # before reading: a huge file is refused without loading it, a FIFO unopened
        kind = special_kind(info.st_mode)
        raw = path.read_bytes() if info.st_size <= MAX_BYTES and kind is None else b""
    except OSError as error:
        return None, [Problem(rel, None, f"{UNREADABLE}: {error.strerror}",
                               "check that the file exists and that you may read it")]
    size = info.st_size
    if kind is not None:
        return None, [refusal_problem(Refused(rel, SPECIAL, what=kind), "", "")]
    if size > MAX_BYTES or len(raw) > MAX_BYTES:
        return None, [Problem(rel, 1, f"file is {max(size, len(raw)) // 2**20} MB, over the {MAX_BYTES // 2**20} MB limit",
                              "split it or remove embedded data")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(rel, line, f"file is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
                              "re-save the file as UTF-8")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(rel, line, "file contains a NUL byte", "remove it; content files are plain text")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def key_lines(front: str, offset: int) -> dict[str, int]:
    """Line in the file of each top-level front-matter key."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front.splitlines(), start=offset + 1):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def implausible_date(when: datetime | date, today: date) -> str | None:
    """Why a publication date cannot be right (before 1900, or later than tomorrow), else None."""
    day = when.date() if isinstance(when, datetime) else when
    if day.year < EARLIEST_YEAR:
        return f"is before {EARLIEST_YEAR}"
    if day > today + timedelta(days=1):
        return "is later than tomorrow"
    return None


def parse_date(value: Any, tz: ZoneInfo, key: str = "date") -> tuple[datetime | None, bool, str]:
    """An aware datetime from the front-matter value of `key`; (None, _, why) when impossible."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)), False, ""
    if isinstance(value, date):
        return datetime.combine(value, time(), tz), True, ""
    if not isinstance(value, str):
        return None, False, f"'{key}' must be a date, not a {type(value).__name__}"
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(date.fromisoformat(text), time(), tz), True, ""
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text)
    except ValueError as error:
        return None, False, f"'{key}' is not a real date: '{text}' ({error})"
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)), False, ""


class _Fields:
    """Typed access to front-matter values that records a located problem for each bad one."""

    def __init__(self, meta: dict[str, Any], rel: str, lines: dict[str, int]) -> None:
        self.meta, self.rel, self.lines = meta, rel, lines
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.rel, self.lines.get(key, 1), message, hint))

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.meta.get(key)
        if value is None or value == "":
            if required:
                self.missing(key)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            kind = "list" if isinstance(value, list) else type(value).__name__
            self.problem(key, f"'{key}' must be text, not a {kind}", f"write one value: {key}: ...")
            return None
        return str(value).strip()

    def address(self, key: str) -> str | None:
        """An http(s) address, or None with a problem."""
        url = self.text(key)
        if url and not re.match(r"^https?://", url, re.I):
            self.problem(key, f"'{key}' must start with http:// or https://, not '{url[:40]}'", "give the full address")
            return None
        return url

    def capture(self, key: str) -> str | None:
        """An http(s) address or a path of the site's own ('/assets/captures/x.html'), or None with a problem."""
        where = self.text(key)
        if not where or re.match(r"^https?://", where, re.I):
            return where
        if not SITE_PATH.fullmatch(where):
            self.problem(key, f"'{key}' must be an http:// or https:// address or a path of the site such as "
                              f"'/assets/captures/page.html', not '{where[:40]}'",
                         "give the full address, or the saved copy's path in the site: '/assets/' and its path below static/")
            return None
        return where

    def when(self, key: str, tz: ZoneInfo) -> datetime | None:
        """An optional date or date and time, or None with a problem."""
        if self.meta.get(key) in (None, ""):
            return None
        when, _, why = parse_date(self.meta[key], tz)
        if when is None:
            self.problem(key, why.replace("'date'", f"'{key}'"), "use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM")
        return when

    def missing(self, key: str, hint: str = "") -> None:
        """A required `key` is missing: located at the unknown key that is probably it, if any."""
        typo = next((str(k) for k in self.meta if str(k) not in KNOWN_KEYS and closest_key(str(k)) == key), None)
        if typo:
            self.problems.append(Problem(self.rel, self.lines.get(typo, 1), f"missing required '{key}'",
                                         f"did you mean '{key}'? rename '{typo}:' to '{key}:'"))
        else:
            self.problem(key, f"missing required '{key}'", hint or f"add a line '{key}: ...' to the front matter")

    def names(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            if "," in value:
                self.problems.append(Problem(
                    self.rel, self.lines.get(key, 1), f"'{key}' is one name, '{value.strip()}'",
                    f"did you mean a list? write {key}: [{value.strip()}]; to keep one name with a comma, "
                    f'quote it in a list: {key}: ["{value.strip()}"]', "warning"))
            value = [value]
        if isinstance(value, list) and any(isinstance(v, bool) for v in value):
            self.problem(key, f"'{key}' holds a yes/no value: YAML reads no, yes, on and off as true/false",
                         f'quote the name: {key}: ["no"]')
            return ()
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.problem(key, f"'{key}' must be a list of names", f"write {key}: [First, Second]")
            return ()
        seen: dict[str, str] = {}
        for v in value:
            name = " ".join(str(v).split())
            if name:
                seen.setdefault(name.casefold(), name)
        return tuple(seen.values())


def parse_article(path: Path, rel: str, tz: ZoneInfo, text: str | None = None) -> Parsed:
    """Parse and check one article file; every problem located at its line."""
    problems: list[Problem] = []
    if text is None:
        text, problems = read_text(path, rel)
        if text is None:
            return Parsed(None, tuple(problems))
    if not text.strip():
        return Parsed(None, (Problem(rel, 1, "file is empty", "add front matter with title, date and source"),))
    match = _FRONT.match(text)
    if not match:
        hint = "the front matter must end with a line '---'" if text.startswith("---") else \
            "start the file with '---', the title, date and source, then '---'"
        return Parsed(None, (Problem(rel, 1, "no front matter found", hint),))
    front = match.group(2)
    if "\t" in front.split("\n", 1)[0] or re.search(r"^\t", front, re.M):
        tab_line = 2 + front[: front.index("\t")].count("\n")
        return Parsed(None, (Problem(rel, tab_line, "front matter is indented with a tab",
                                     "YAML allows spaces only; replace the tab with spaces"),))
    try:
        # parse, not loads: a Post takes the keys as arguments, and 'content:' or 'handler:' clash
        meta, body = frontmatter.parse(text, handler=_StrictHandler())
    except yaml.YAMLError as error:
        line = error_line(error)
        return Parsed(None, (Problem(rel, line or 2, f"front matter YAML does not parse: {describe(error)}",
                                     "check indentation, colons and quotes on that line"),))
    if not isinstance(meta, dict) or not meta:
        return Parsed(None, (Problem(rel, 2, "front matter is not a mapping of keys to values",
                                     "write one 'key: value' per line"),))
    return _article_from(meta, body, rel, key_lines(front, 1), tz, text)


def _article_from(meta: dict[str, Any], body: str, rel: str, lines: dict[str, int],
                  tz: ZoneInfo, text: str) -> Parsed:
    fields = _Fields(meta, rel, lines)
    for key in meta:
        if str(key) not in KNOWN_KEYS:
            guess = closest_key(str(key))
            fields.problems.append(Problem(rel, lines.get(str(key), 1), f"unknown front-matter key '{key}'",
                                           f"did you mean '{guess}'?" if guess else
                                           f"known keys: {', '.join(sorted(KNOWN_KEYS))}", "warning"))
    title = fields.text("title", required=True)
    source = fields.text("source", required=True)
    when, date_only = None, False
    if meta.get("date") in (None, ""):
        fields.missing("date", "add a line 'date: 2025-06-23' or 'date: 2025-06-23T10:30:00+03:00'")
    else:
        when, date_only, why = parse_date(meta["date"], tz)
        if when is None:
            fields.problem("date", why, "use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM")
        elif odd := implausible_date(when, date.today()):
            fields.problems.append(Problem(rel, lines.get("date", 1), f"date {meta['date']} {odd}",
                                           "check it against the original; a site's placeholder is no date",
                                           "warning"))
    updated, updated_date_only = None, False
    if meta.get("updated") not in (None, ""):
        updated, updated_date_only, why = parse_date(meta["updated"], tz, "updated")
        if updated is None:
            fields.problem("updated", why, "use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM")
        elif when is not None and (updated.date() < when.date() if updated_date_only or date_only else updated < when):
            fields.problems.append(Problem(rel, lines.get("updated", 1), f"updated {meta['updated']} is before "
                                           f"the date it was published, {meta['date']}",
                                           "check both against the original", "warning"))
    slug = fields.text("slug") or slugify(Path(rel).stem)
    if not is_safe_slug(slug):
        fields.problem("slug", f"slug '{slug}' is not safe in a URL",
                       "use lowercase letters, digits and single hyphens, at most 80 characters")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        fields.problem("draft", "'draft' must be true or false", "write draft: true or draft: false, without quotes")
    url, archived = fields.address("url"), fields.capture("archived")
    archived_at = fields.when("archived_at", tz)
    review = meta.get("review")
    imported_at = parse_date(review.get("imported_at"), tz)[0] if isinstance(review, dict) \
        and review.get("imported_at") else None
    image = fields.text("image")
    if image and not re.match(r"^https?://", image, re.I):
        fields.problem("image", f"'image' must start with http:// or https://, not '{image[:40]}'",
                       "give the full address of the picture")
        image = None
    language = fields.text("language") or ""
    if language and not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", language):
        fields.problem("language", f"'language' '{language[:40]}' is not a BCP 47 language tag",
                       "write the language's code: language: en, language: ar, language: pt-BR")
        language = ""
    entities = fields.names("entities")
    found = not entities
    if found:
        entities = article_names(title or "", body)
    article = Article(
        path=rel, slug=slug, title=title or "", date=when or datetime.min, source=source or "",
        body=body, url=url, wire=fields.text("wire"), dateline=fields.text("dateline"),
        story=fields.text("story"), entities=entities, names_found=found, tags=fields.names("tags"),
        related=fields.names("related"), summary=fields.text("summary") or "", draft=draft is True,
        date_only=date_only, lines=tuple(sorted(lines.items())),
        digest=hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest(),
        archived=archived, archived_at=archived_at, imported_at=imported_at,
        authors=fields.names("author"), updated=updated, updated_date_only=updated_date_only,
        correction=fields.text("correction") or "", image=image, image_caption=fields.text("image_caption") or "",
        language=language,
    )
    if article.story is not None and not is_safe_slug(article.story):
        fields.problem("story", f"story id '{article.story}' is not safe in a URL",
                       "use lowercase letters, digits and single hyphens")
    errors = [p for p in fields.problems if p.severity == "error"]
    return Parsed(None if errors else article, tuple(fields.problems))


class ArticleFile(NamedTuple):
    """An article file as the walk found it."""

    path: str               # the content folder's path joined with the names on the way
    rel: str                # "/"-separated, from the site folder
    info: os.stat_result    # as the walk saw it (of what a link leads to): what tells it changed


def article_files(content: Path, site: Path, walk: Walk | None = None) -> tuple[list[ArticleFile], list[Problem]]:
    """Every article file below content/ (as `walk` found them, else walked now), sorted, and the
    problems of what is not read: links that lead outside the site or loop, special files,
    folders nested too deep. Links that stay inside the site are followed (`core.walk`)."""
    found: list[ArticleFile] = []
    problems: list[Problem] = []
    base = content.relative_to(site).as_posix()
    walk = walk if walk is not None else walk_inputs(content, site)
    for file in walk.files:
        if not file.rel.endswith(ARTICLE_SUFFIX):
            continue
        rel = f"{base}/{file.rel}"
        if not utf8_name(rel):
            problems.append(Problem(rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
                                    None, "file name is not UTF-8",
                                    "rename it in UTF-8, e.g. convmv -f latin1 -t utf8 --notest FILE"))
        else:
            found.append(ArticleFile(file.path, rel, file.info))
    for refused in walk.refused:
        rel = f"{base}/{refused.rel}"
        if refused.kind == OUTSIDE and refused.folder:
            problems.append(Problem(rel, None, "symbolic link to a folder outside the site folder",
                                    "copy the files into content/ instead of linking them"))
        elif refused.kind == OUTSIDE:
            if refused.rel.endswith(ARTICLE_SUFFIX):      # other files are not read: nothing leaks
                problems.append(Problem(rel, None, "symbolic link points outside the site folder",
                                        "copy the file into content/ instead of linking it"))
        elif refused.rel not in REGISTRY_FILES:          # a registry's problems: see load_registries
            problems.append(refusal_problem(refused, base, base))
    found.sort(key=lambda item: item.rel.split("/"))
    problems.sort(key=lambda p: p.path.split("/"))
    return found, problems


def utf8_name(name: str) -> bool:
    """False for a name read from bytes that are not UTF-8 (they stand in it as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def duplicate_slugs(articles: list[Article]) -> list[Problem]:
    """Two files with the same slug (case-insensitive) would write the same page."""
    first: dict[str, Article] = {}
    problems = []
    for article in articles:
        key = article.slug.casefold()
        if key in first:
            other = first[key]
            problems.append(Problem(article.path, article.line("slug") or 1,
                                    f"duplicate slug '{article.slug}', also used by {other.path}",
                                    "rename one of the files or give it a different 'slug:'"))
        else:
            first[key] = article
    return problems


RegistryItems = tuple[list[tuple[dict[str, Any], int]], list[Problem]]
RegistryReader = Callable[[Path, str, str], RegistryItems]


def registry_items(path: Path, rel: str, key: str) -> RegistryItems:
    """The entries of one registry file with their lines, or the problem that stops reading it."""
    text, problems = read_text(path, rel)
    if text is None:
        return [], problems
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        return [], [Problem(rel, error_line(error), f"YAML does not parse: {describe(error)}",
                            "check indentation, colons and quotes on that line")]
    if data is None:
        return [], []
    if isinstance(data, dict) and key in data:
        data = data[key]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return [], [Problem(rel, 1, f"expected a list of {key}", f"write one '- name: ...' entry per {key[:-1]}")]
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if re.match(r"^\s*-\s", line)]
    return [(item, starts[i] if i < len(starts) else 1) for i, item in enumerate(data)], []


def _str_field(item: dict[str, Any], key: str, rel: str, line: int, problems: list[Problem],
               required: bool = False) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            problems.append(Problem(rel, line, f"entry has no '{key}'", f"add '{key}: ...'"))
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problems.append(Problem(rel, line, f"'{key}' must be text", f"write one value: {key}: ..."))
        return None
    return str(value).strip()


def load_registries(content: Path, site: Path, read: RegistryReader = registry_items
                    ) -> tuple[Registries, list[Problem]]:
    """The optional stories, entities and sources registries beside the articles, and the list of
    articles taken down (removed.yaml)."""
    problems: list[Problem] = []
    stories, entities, sources, removed = [], [], [], []
    story_lines: dict[str, int] = {}
    for name in REGISTRY_FILES:
        path = content / name
        if not path.exists():
            continue
        rel = path.relative_to(site).as_posix()
        if path.is_symlink() and not path.resolve().is_relative_to(site.resolve()):
            problems.append(Problem(rel, None, "symbolic link points outside the site folder",
                                    "copy the file into content/ instead of linking it"))
            continue
        kind = special_kind(path.stat().st_mode)
        if kind is not None:        # a FIFO would be waited on forever
            problems.append(refusal_problem(Refused(rel, SPECIAL, what=kind), "", ""))
            continue
        kind = name.split(".")[0]
        items, found = read(path, rel, kind)
        problems += found
        for item, line in items:
            if kind == "stories":
                story_id = _str_field(item, "id", rel, line, problems, required=True)
                title = _str_field(item, "title", rel, line, problems, required=True)
                if story_id and not is_safe_slug(story_id):
                    problems.append(Problem(rel, line, f"story id '{story_id}' is not safe in a URL",
                                            "use lowercase letters, digits and single hyphens"))
                elif story_id in story_lines:
                    problems.append(Problem(rel, line, f"duplicate story id '{story_id}', also at line "
                                            f"{story_lines[story_id]}", "give each story its own id, or merge the two"))
                elif story_id and title:
                    story_lines[story_id] = line
                    stories.append(StoryInfo(story_id, title, _str_field(item, "summary", rel, line, problems) or "",
                                             _str_field(item, "status", rel, line, problems) or "developing"))
            elif kind == "entities":
                entity = _entity(item, rel, line, problems)
                if entity:
                    entities.append(entity)
            elif kind == "removed":
                removal = _removal(item, rel, line, problems)
                if removal:
                    removed.append(removal)
            else:
                source_name = _str_field(item, "name", rel, line, problems, required=True)
                home = _str_field(item, "home", rel, line, problems)
                if home and not re.match(r"^https?://", home, re.I):
                    problems.append(Problem(rel, line, f"'home' must start with http:// or https://, not '{home[:40]}'",
                                            "give the full address of the outlet's home page"))
                    home = None
                if source_name:
                    sources.append(Source(slugify(source_name), source_name, home,
                                          _str_field(item, "country", rel, line, problems),
                                          _str_field(item, "kind", rel, line, problems), path=rel, line=line))
    return Registries(tuple(stories), tuple(entities), tuple(sources), tuple(removed)), problems


def _removal(item: dict[str, Any], rel: str, line: int, problems: list[Problem]) -> Removal | None:
    """One entry of removed.yaml: `slug:` or `url:`, `date:` (when it was taken down), `reason:`,
    `show_reason:` (false unless said) and, for an article whose file is gone, `address:`."""
    slug, url = _str_field(item, "slug", rel, line, problems), _str_field(item, "url", rel, line, problems)
    reason = _str_field(item, "reason", rel, line, problems) or ""
    address = _str_field(item, "address", rel, line, problems)
    shown = item.get("show_reason", False)
    when = item.get("date")
    fine = True
    if not slug and not url:
        problems.append(Problem(rel, line, "entry names no article", "give the article's 'slug: ...' or 'url: ...'"))
        fine = False
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when.strip())
        except ValueError:
            when = None
    if isinstance(when, datetime):
        when = when.date()
    if not isinstance(when, date):
        problems.append(Problem(rel, line, "entry has no date it was removed on, or not one",
                                "add 'date: 2025-06-23' (YYYY-MM-DD)"))
        fine = False
    if not isinstance(shown, bool):
        problems.append(Problem(rel, line, "'show_reason' must be true or false", "write show_reason: true"))
        fine = False
    if address is not None and not re.fullmatch(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*/)+", address.strip("/") + "/"):
        problems.append(Problem(rel, line, f"'address' '{address}' is not a page's path in the site",
                                "give the old page's path, e.g. address: articles/2025/06/23/its-slug/"))
        fine = False
    if not fine or not isinstance(when, date):
        return None
    return Removal(slug, url, when, reason, shown, address.strip("/") + "/" if address else None, rel, line)


def _entity(item: dict[str, Any], rel: str, line: int, problems: list[Problem]) -> Entity | None:
    name = _str_field(item, "name", rel, line, problems, required=True)
    if not name:
        return None
    aliases = item.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problems.append(Problem(rel, line, f"aliases of '{name}' must be a list of names",
                                "write aliases: [First, Second]"))
        aliases = []
    kind = _str_field(item, "kind", rel, line, problems) or "other"
    if kind not in ("person", "organisation", "place", "other"):
        problems.append(Problem(rel, line, f"unknown entity kind '{kind}'",
                                "use person, organisation, place or other"))
    return Entity(slugify(name), name, kind, tuple(a.strip() for a in aliases if a.strip()),
                  _str_field(item, "description", rel, line, problems) or "", path=rel, line=line)
