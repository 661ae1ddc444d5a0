"""`site-builder import`: raw scraped text or saved HTML into new content files, never overwriting."""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..content.articles import implausible_date, load_registries
from ..content.load import load_articles
from ..content.mentions import article_names
from ..core.config import Config, StoryWeights, load_config
from ..core.errors import Problem
from ..core.model import Article, Registries
from ..core.pool import WorkerDied, forked_map
from ..core.slugs import MAX_SLUG, slugify
from ..core.store import create_new
from ..intel.versions import CopyIndex
from .html import MissingModule, looks_like_html, parse_html
from .language import detect_language
from .meta import candidate_entities, dateline_of, entities_in, known_source, parse_page_date, when_ago, wire_of
from .text import Block, RawItem, RawPage, decode, parse_text
from .warc import Capture, archive_captures, capture_bytes, capture_time, is_web_archive
from .wayback import wayback_capture

UTC_ZONE = ZoneInfo("UTC")
ARTICLES = "articles"          # the folder of imported articles, in the site's content folder
UNKNOWN_SOURCE = "Unknown source"
TEXT_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xhtml", ""})
PARALLEL_FROM = 16            # inputs from which pages are read by several processes
CANDIDATES = 5                # an article's likeliest earlier copies tested as the build tests a version
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)     # libyaml's when built with it: the same text, faster
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'})
_ESCAPE_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_ESCAPE_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]\s))", re.M)


# ----------------------------------------------------------------- the report

@dataclass(frozen=True)
class Skipped:
    """An input or item that was not written, and why."""

    input: str
    item: str
    reason: str


@dataclass(frozen=True)
class NewVersion:
    """A written file that is a near-duplicate of an existing article."""

    path: str
    of: str
    score: float


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote (or would write, in a dry run), skipped and failed on."""

    written: tuple[str, ...] = ()            # site-relative paths
    skipped: tuple[Skipped, ...] = ()
    versions: tuple[NewVersion, ...] = ()
    failures: tuple[Problem, ...] = ()
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        return (f"import: {verb} {len(self.written)} file(s), {len(self.versions)} new version(s), "
                f"skipped {len(self.skipped)}, {len(self.failures)} failure(s)")

    def lines(self) -> tuple[str, ...]:
        """One line per file, skip and failure, then the summary."""
        version_of = {v.path: v.of for v in self.versions}
        verb = "would write" if self.dry_run else "wrote"
        out = [f"{verb} {p}" + (f" (new version of {version_of[p]})" if p in version_of else "")
               for p in self.written]
        out += [f"skipped {s.item!r} from {s.input}: {s.reason}" for s in self.skipped]
        out += [f"error: {p}" for p in self.failures]
        return (*out, self.summary())


# ----------------------------------------------------------------- drafts

@dataclass(frozen=True)
class Draft:
    """One content file to write, with everything that goes into its front matter."""

    input: str
    title: str
    when: datetime | date
    source: str
    blocks: tuple[Block, ...]
    url: str | None = None
    archived: str | None = None     # a Wayback Machine capture's address, and when it was taken
    archived_at: str = ""
    wire: str | None = None
    dateline: str | None = None
    entities: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    new_names: tuple[str, ...] = ()     # of `entities`, those the registry lacks (found in the text)
    teasers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    author: str | None = None
    image: str | None = None
    language: str | None = None         # detected, when not the site's
    slug: str = ""
    sha256: str = ""
    imported_at: str = ""
    captured: str = ""              # a web archive's capture: when (WARC-Date), the archive, its SHA-256, the record
    archive: str = ""
    archive_sha256: str = ""
    record: str = ""
    folder: str = f"content/{ARTICLES}"     # where it is written, relative to the site

    @property
    def body(self) -> str:
        return markdown_of(self.blocks)

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.slug}.md"


@dataclass(frozen=True)
class Options:
    """The import's arguments and the site's registries."""

    site: Path
    registries: Registries
    tz: ZoneInfo = ZoneInfo("UTC")      # the site's time zone
    source: str | None = None
    date: datetime | None = None
    dry_run: bool = False
    language: str = "en"                # the site's: an article in it says no language of its own


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as written: emphasis, links, HTML and line-start markers escaped."""
    return _ESCAPE_LINE_START.sub(r"\1\\\2", _ESCAPE_INLINE.sub(r"\\\1", text))


def markdown_of(blocks: tuple[Block, ...]) -> str:
    """The body as Markdown: paragraphs, '## ' headings, '- ' lists, '> ' quotations and tables."""
    parts: list[str] = []
    for n, block in enumerate(blocks):
        text = escape_markdown(block.text)
        if block.kind == "item":
            joined = n > 0 and blocks[n - 1].kind == "item"
            parts.append(("\n" if joined else "\n\n") + "- " + text)
        elif block.kind == "table" and block.rows:
            parts.append("\n\n" + _table(block.rows))
        else:
            prefix = "## " if block.heading else "> " if block.kind == "quote" else ""
            parts.append("\n\n" + prefix + text)
    return "".join(parts).lstrip("\n") + "\n"


def _table(rows: tuple[tuple[str, ...], ...]) -> str:
    """A Markdown table, the first row as its header, every row as wide as the widest."""
    width = max(len(row) for row in rows)
    lines = ["| " + " | ".join(escape_markdown(c) for c in (*row, *[""] * (width - len(row)))) + " |"
             for row in rows]
    return "\n".join([lines[0], "|" + " --- |" * width, *lines[1:]])


def _reference_date(page: RawPage, path: Path, options: Options) -> tuple[datetime, bool, tuple[str, ...]]:
    """The first plausible date of the page's, the date argument and the file's modification date.

    A date before 1900 or later than tomorrow is passed over and said in the notes, as is the
    fall-back to the file's date."""
    today = datetime.now(UTC).date()
    notes: list[str] = []
    for text in page.main.dates if page.main else ():
        when, date_only = parse_page_date(text)
        odd = implausible_date(when, today) if when is not None else None
        if when is not None and odd is None:
            return when, date_only, tuple(notes)
        if odd:
            notes.append(f"the page's date {text} {odd}; passed over")
    if options.date is not None:
        odd = implausible_date(options.date, today)
        if odd is None:
            bare = options.date.tzinfo is None and options.date.time() == time()
            return options.date, bare, tuple(notes)
        notes.append(f"the date argument {options.date.isoformat()} {odd}; passed over")
    modified = datetime.fromtimestamp(path.stat().st_mtime, options.tz)
    where = "no plausible date" if notes else "no date"
    return modified, True, (*notes, f"{where} in the page or arguments; the file's modification date was used")


def _main_source(page: RawPage, options: Options) -> tuple[str, tuple[str, ...]]:
    found = page.main.source if page.main and page.main.source else page.outlet
    if options.source:
        note = (f"the page names '{found}' but the source argument '{options.source}' was used",) \
            if found and known_source(found, ()) != options.source else ()
        return known_source(options.source, options.registries.sources) or options.source, note
    if found:
        return known_source(found, options.registries.sources) or found, ()
    return UNKNOWN_SOURCE, ("the page names no outlet; set 'source' to the outlet that published this copy",)


def _draft(item: RawItem, label: str, source: str, when: datetime | date, notes: tuple[str, ...],
           registries: Registries, site_language: str) -> Draft:
    text = "\n".join([item.title, *(b.text for b in item.blocks)])
    language = detect_language(text)
    dateline, dateline_wire = dateline_of(item.blocks[0].text)
    known, new = _names(item, text, registries)
    return _with_capture(Draft(label, item.title, when, source, item.blocks, url=item.url,
                 wire=dateline_wire or wire_of(text), dateline=dateline, entities=(*known, *new), new_names=new,
                 candidates=candidate_entities(text, registries.entities),
                 teasers=item.teasers, notes=(*item.notes, *notes), author=item.author,
                 image=item.image,
                 language=language if language and language != site_language.split("-")[0].lower() else None))


def _with_capture(draft: Draft) -> Draft:
    """A draft whose `url` is a Wayback Machine address: the original as `url`, the capture as
    `archived` and `archived_at`."""
    capture = wayback_capture(draft.url)
    if capture is None:
        return draft
    return replace(draft, url=capture.original, archived=capture.archived, archived_at=capture.archived_at.isoformat())


def _names(item: RawItem, text: str, registries: Registries) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The registry's names the text mentions (canonical, aliases resolved), and the other names
    it mentions (`content.mentions`), new to the registry."""
    canonical = {n.casefold(): e.name for e in registries.entities for n in (e.name, *e.aliases)}
    known = list(entities_in(text, registries.entities))
    new: list[str] = []
    taken = {n.casefold() for n in known}
    for name in article_names(item.title, "\n".join(b.text for b in item.blocks)):
        name = canonical.get(name.casefold(), name)
        if name.casefold() not in taken:
            taken.add(name.casefold())
            (known if name.casefold() in canonical else new).append(name)
    return tuple(known), tuple(new)


def drafts_of(page: RawPage, path: Path, label: str, options: Options) -> tuple[Draft, ...]:
    """The main article and each embedded related article as drafts, related first-class."""
    assert page.main is not None
    reference, date_only, date_notes = _reference_date(page, path, options)
    source, source_notes = _main_source(page, options)
    main = _draft(page.main, label, source, when_ago(reference, None, date_only),
                  (*page.notes, *date_notes, *source_notes), options.registries, options.language)
    related = tuple(_related_draft(item, label, reference, date_only, options) for item in page.related)
    return (main, *related)


def _related_draft(item: RawItem, label: str, reference: datetime, date_only: bool, options: Options) -> Draft:
    when = when_ago(reference, item.age, date_only)
    note = f"embedded as related coverage; date approximate ('{item.age_text}' before the page's date)" \
        if item.age else "embedded as related coverage; the page's date was used"
    source = known_source(item.source, options.registries.sources) or UNKNOWN_SOURCE
    return _draft(item, label, source, when, (note,), options.registries, options.language)


# ----------------------------------------------------------------- duplicates

def text_key(body: str) -> str:
    """Body text compared for sameness: Markdown escapes, quotes, case and whitespace normalised."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", body)
    text = re.sub(r"^#+\s*", "", text, flags=re.M).translate(_QUOTES)
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Known:
    """An article already in the archive (or written earlier in this import)."""

    path: str
    slug: str
    url: str | None
    key: str


class Corpus:
    """Existing articles, for duplicate checks, with intel's copy index for near-duplicates."""

    def __init__(self, articles: Sequence[Article] = (), folder: str = f"content/{ARTICLES}",
                 tz: ZoneInfo = UTC_ZONE, threshold: float = StoryWeights().version_threshold,
                 taken: Iterable[str] = ()) -> None:
        self.folder = folder            # where new articles go, relative to the site
        self.tz = tz                    # the site's time zone, for drafts dated without a time
        self.copies = CopyIndex(articles, threshold, CANDIDATES)
        self.slugs: set[str] = {name.casefold() for name in taken}
        self.by_path: dict[str, Known] = {}
        self.by_key: dict[str, Known] = {}
        self.by_url: dict[str, Known] = {}
        for article in articles:
            self._know(Known(article.path, article.slug, article.url, text_key(article.body)))

    def add(self, item: Known, article: Article) -> None:
        self.copies.add(article)
        self._know(item)

    def _know(self, item: Known) -> None:
        self.by_path[item.path] = item
        self.slugs.add(item.slug.casefold())
        self.by_key.setdefault(item.key, item)
        if item.url:
            self.by_url.setdefault(item.url, item)

    def duplicate(self, key: str, url: str | None) -> Known | None:
        """The first article with the same text, else the first with the same URL."""
        return self.by_key.get(key) or (self.by_url.get(url) if url else None)

    def version_of(self, article: Article) -> tuple[Known, float] | None:
        """The likeliest earlier article that `article` is a copy of, as the build decides it, and its score."""
        found = self.copies.copy_of(article)
        return (self.by_path[found[0].path], found[1]) if found else None


def existing_corpus(site: Path, config: Config, jobs: int = 1) -> Corpus:
    """Every article of the content folder as the build loads it (sub-folders and drafts
    included), and every article file's name taken."""
    existing = load_articles(site, config, jobs)
    return Corpus(existing.articles, f"{config.paths.content}/{ARTICLES}", ZoneInfo(config.timezone),
                  config.stories.version_threshold, existing.names)


def free_slug(title: str, taken: set[str]) -> str:
    """The title's slug, with -2, -3… when a file of that name exists."""
    base = slugify(title)
    slug, n = base, 1
    while slug.casefold() in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
    return slug


# ----------------------------------------------------------------- planning and writing

@dataclass(frozen=True)
class Plan:
    """What one input gives: drafts to write, links for the rest, skips and versions."""

    drafts: tuple[Draft, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    versions: tuple[NewVersion, ...] = ()
    slugs: tuple[str, ...] = field(default=())     # slug of each item, written or existing


def plan(drafts: tuple[Draft, ...], corpus: Corpus) -> Plan:
    """Decide each draft's fate against the archive, then link the main article and its related ones."""
    keep: list[Draft] = []
    skipped, versions, slugs = [], [], []
    for draft in drafts:
        key = text_key(draft.body)
        # a capture of a page captured before is a revision when its text differs: never its duplicate
        same = corpus.duplicate(key, None if draft.captured else draft.url)
        if same is not None:
            skipped.append(Skipped(draft.input, draft.title, f"duplicate of {same.path}"))
            slugs.append(same.slug)
            continue
        draft = replace(draft, slug=free_slug(draft.title, corpus.slugs), folder=corpus.folder)
        article = as_article(draft, corpus.tz)
        found = corpus.version_of(article)
        if found is not None:
            near, score = found
            versions.append(NewVersion(draft.path, near.path, round(score, 2)))
            draft = replace(draft, notes=(*draft.notes, f"new version of {near.path} (similarity {score:.2f})"))
            if draft.captured and draft.url and near.url == draft.url:     # a revision: dated when it was seen
                draft = replace(draft, when=capture_time(draft.captured))
                article = as_article(draft, corpus.tz)
        corpus.add(Known(draft.path, draft.slug, draft.url, key), article)
        keep.append(draft)
        slugs.append(draft.slug)
    return Plan(_linked(keep, slugs), tuple(skipped), tuple(versions), tuple(slugs))


def as_article(draft: Draft, tz: ZoneInfo) -> Article:
    """The draft as the build will read it, for the test of a version."""
    when = draft.when if isinstance(draft.when, datetime) else datetime.combine(draft.when, time(), tz)
    return Article(draft.path, draft.slug, draft.title, when if when.tzinfo else when.replace(tzinfo=tz),
                   draft.source, draft.body, url=draft.url, wire=draft.wire)


def _linked(drafts: list[Draft], slugs: list[str]) -> tuple[Draft, ...]:
    """The main article lists the related slugs; each related article lists the main one."""
    if len(slugs) < 2:
        return tuple(drafts)
    main, related = slugs[0], tuple(slugs[1:])
    return tuple(replace(d, related=related if d.slug == main else (main,)) for d in drafts)


def front_matter(draft: Draft) -> dict[str, object]:
    """The front matter as plain data, optional keys only when known."""
    meta: dict[str, object] = {"title": draft.title,
                               "date": draft.when.isoformat() if isinstance(draft.when, datetime) else draft.when,
                               "source": draft.source}
    optional = {"url": draft.url, "archived": draft.archived, "archived_at": draft.archived_at, "author": draft.author,
                "image": draft.image, "language": draft.language, "wire": draft.wire, "dateline": draft.dateline,
                "entities": list(draft.entities), "related": list(draft.related)}
    meta.update({k: v for k, v in optional.items() if v})
    review = {"imported_from": draft.input, "sha256": draft.sha256, "imported_at": draft.imported_at,
              "captured": draft.captured, "web_archive": draft.archive, "web_archive_sha256": draft.archive_sha256,
              "warc_record": draft.record,
              "new_entities": list(draft.new_names),
              "candidate_entities": list(draft.candidates),
              "teasers": list(draft.teasers), "notes": list(draft.notes)}
    meta["review"] = {k: v for k, v in review.items() if v}
    return meta


def render(draft: Draft) -> str:
    """The content file's text: YAML front matter written safely, then the Markdown body."""
    front = yaml.dump(front_matter(draft), Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n{draft.body}"


def write_new(site: Path, draft: Draft) -> Problem | None:
    """Create the file; never replace one that exists."""
    target = site / draft.path
    try:
        create_new(target, render(draft))
    except FileExistsError:
        return Problem(draft.path, None, "file already exists; not overwritten", "import again to pick a new name")
    except OSError as error:
        return Problem(draft.path, None, f"cannot write file: {error.strerror}",
                       "free disk space or fix the folder's permissions, then import again")
    return None


# ----------------------------------------------------------------- inputs

@dataclass(frozen=True)
class Input:
    """A file to import, or one page captured in a web archive: where it is, and the name its
    provenance gives (never a machine's path)."""

    path: Path
    label: str
    capture: Capture | None = None


def provenance_label(path: Path, given: Path, site: Path) -> str:
    """The file's path relative to the site when inside it, else its name (folders: from the folder named)."""
    resolved = path.resolve()
    if resolved.is_relative_to(site.resolve()):
        return resolved.relative_to(site.resolve()).as_posix()
    if path == given:
        return path.name
    return (Path(given.resolve().name) / path.relative_to(given)).as_posix()


def input_files(inputs: Sequence[Path], site: Path) -> tuple[list[Input], list[Skipped], list[Problem]]:
    """Files named, and the text, HTML and web archive files inside folders named (hidden files left
    out); a web archive is one input per page it captured."""
    files: list[Input] = []
    skipped: list[Skipped] = []
    problems: list[Problem] = []
    for given in inputs:
        if given.is_dir():
            for path in sorted(p for p in given.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in path.relative_to(given).parts):
                    continue
                if path.suffix.lower() in TEXT_SUFFIXES or is_web_archive(path):
                    files += _inputs_of(path, provenance_label(path, given, site), problems)
                else:
                    skipped.append(Skipped(str(path), path.name, "not a text, HTML or web archive file"))
        elif given.is_file():
            files += _inputs_of(given, provenance_label(given, given, site), problems)
        else:
            problems.append(Problem(str(given), None, "no such file or folder", "check the path"))
    return files, skipped, problems


def _inputs_of(path: Path, label: str, problems: list[Problem]) -> list[Input]:
    """The file, or each page a web archive captured (what cannot be read of it said in `problems`)."""
    if not is_web_archive(path):
        return [Input(path, label)]
    listing = archive_captures(path)
    problems += listing.problems
    return [Input(path, f"{label}#{capture.record_id}", capture) for capture in listing.captures]


@dataclass(frozen=True)
class Read:
    """A decoded, parsed input and the SHA-256 of its bytes."""

    page: RawPage
    sha256: str


def read_page(path: Path, capture: Capture | None = None) -> tuple[Read | None, Problem | None]:
    """The decoded, parsed page (the file, or the page `capture` holds), or a located problem saying why not."""
    label = str(path) if capture is None else f"{path}#{capture.record_id}"
    try:
        raw = path.read_bytes() if capture is None else capture_bytes(capture)
    except OSError as error:
        return None, Problem(label, None, f"cannot read file: {error.strerror}",
                             "check that the file exists and that you may read it")
    text, why = decode(raw)
    if text is None:
        return None, Problem(label, None, why, "import a saved web page or its text")
    try:
        page = parse_html(text) if looks_like_html(text) else parse_text(text)
    except MissingModule as error:
        return None, Problem(label, None, str(error), error.hint)
    if page.main is None:
        return None, Problem(label, None, "no article text found in the page",
                             "save the article page itself, not an index or an empty page")
    page = replace(page, notes=(*page.notes, why)) if why else page
    return Read(page, hashlib.sha256(raw).hexdigest()), None


def prepared(given: Input, options: Options, imported_at: str) -> tuple[tuple[Draft, ...], Problem | None]:
    """One input read and made into drafts (nothing here needs the archive); an unforeseen error is its
    located failure, not the end of the batch."""
    try:
        read, problem = read_page(given.path, given.capture)
        if read is None:
            return (), problem
        if given.capture is None:
            drafts = drafts_of(read.page, given.path, given.label, options)
            return tuple(replace(d, sha256=read.sha256, imported_at=imported_at) for d in drafts), None
        return _captured(read, given, given.capture, options, imported_at), None
    except Exception as error:  # noqa: BLE001 - reported, with the file, as its failure (RecursionError too)
        return (), _unforeseen(given.path, error)


def _captured(read: Read, given: Input, capture: Capture, options: Options, imported_at: str) -> tuple[Draft, ...]:
    """The drafts of a page captured in a web archive: dated, when the page gives no date, by the
    capture (its relative dates too), at the captured address, with the capture's provenance."""
    captured = capture_time(capture.captured) if capture.captured else None
    drafts = drafts_of(read.page, given.path, given.label, replace(options, date=options.date or captured))
    main = _with_capture(replace(drafts[0], url=capture.url or drafts[0].url, captured=capture.captured,
                                 archive=capture.archive.name, archive_sha256=capture.archive_sha256,
                                 record=capture.record_id))
    return tuple(replace(d, sha256=read.sha256, imported_at=imported_at) for d in (main, *drafts[1:]))


def _unforeseen(path: Path, error: BaseException) -> Problem:
    return Problem(str(path), None, f"could not import this file: {type(error).__name__}: {error}",
                   "the other files were imported; please report this one")


def prepare_all(files: list[Input], options: Options, imported_at: str,
                jobs: int) -> Iterator[tuple[tuple[Draft, ...], Problem | None]]:
    """Each input's drafts, in order; made by `jobs` processes when there are many inputs."""
    done = 0
    try:
        for result in forked_map(_prepared, files, jobs if len(files) >= PARALLEL_FROM else 1, (options, imported_at),
                                 chunksize=8):
            yield result
            done += 1
    except WorkerDied:                     # a worker died (out of memory, a crash in C): go on alone
        yield from (prepared(given, options, imported_at) for given in files[done:])


def _prepared(shared: tuple[Options, str], given: Input) -> tuple[tuple[Draft, ...], Problem | None]:
    return prepared(given, *shared)


def import_paths(inputs: Sequence[Path], site: Path, *, source: str | None = None, date: datetime | None = None,
                 dry_run: bool = False, jobs: int | None = None, allow_removed: bool = False) -> ImportReport:
    """Import text or HTML files (or folders of them) into the articles/ folder of `site`'s content
    folder, dated in the site's time zone.

    A file that cannot be imported is a failure of the report; the other files are imported."""
    config = load_config(site)
    tz = ZoneInfo(config.timezone)
    registries, problems = load_registries(site / config.paths.content, site)
    options = Options(site, registries, tz, source, date, dry_run, config.language)
    files, skipped, failures = input_files(inputs, site)
    failures = [*problems, *failures]
    jobs = jobs or os.cpu_count() or 1
    corpus = existing_corpus(site, config, jobs)
    written: list[str] = []
    versions: list[NewVersion] = []
    imported_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    removed = {} if allow_removed else {r.url: r for r in registries.removed if r.url}
    for given, (drafts, problem) in zip(files, prepare_all(files, options, imported_at, jobs)):
        refused = [(d, removed[d.url]) for d in drafts if d.url and d.url in removed]
        skipped += [Skipped(d.input, d.title, f"its url is listed as removed on {r.date} in {r.path}; "
                                              "import --allow-removed to import it anyway") for d, r in refused]
        drafts = tuple(d for d in drafts if not (d.url and d.url in removed))
        result, problem = _planned(given, drafts, corpus) if drafts else (None, problem)
        if problem is not None or result is None:
            failures += [problem] if problem else []
            continue
        skipped += result.skipped
        versions += result.versions
        for draft in result.drafts:
            error = None if dry_run else write_new(site, draft)
            failures += [error] if error else []
            written += [] if error else [draft.path]
    return ImportReport(tuple(written), tuple(skipped), tuple(versions), tuple(failures), dry_run)


def _planned(given: Input, drafts: tuple[Draft, ...], corpus: Corpus) -> tuple[Plan | None, Problem | None]:
    """One input's drafts planned against the archive; an unforeseen error is this file's failure."""
    try:
        return plan(drafts, corpus), None
    except Exception as error:  # noqa: BLE001 - reported, with the file, as its failure (RecursionError too)
        return None, _unforeseen(given.path, error)
