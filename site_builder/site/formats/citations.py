"""Citations of archived articles as CSL-JSON, BibTeX and RIS: plain values in, text out, each
format escaped exactly (BibTeX's braces and special characters, RIS one tag a line, JSON)."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ...core.model import Article
from ..routes import capture_url


@dataclass(frozen=True)
class Citation:
    """What a reference manager needs of one article."""

    key: str                  # the BibTeX key, also the CSL-JSON id: unique in the archive
    title: str
    outlet: str
    published: date
    url: str                  # the original's address, else the archive's page
    page: str                 # the archive's page of the article
    archived: str | None = None
    archived_at: date | None = None
    accessed: date | None = None
    authors: tuple[str, ...] = ()   # the byline, in its order


def citation_key(source_slug: str, year: int, slug: str) -> str:
    """'daily8-2025-harbour-strike': the outlet, the year and the article's slug (slugs are unique)."""
    return f"{source_slug}-{year:04d}-{slug}"


def article_citation(article: Article, source_slug: str, page: str) -> Citation:
    """The citation of an article whose page is at the absolute address `page`."""
    archived = capture_url(article.archived, page.removesuffix(article.url_path))
    return Citation(citation_key(source_slug, article.date.year, article.slug), article.title, article.source,
                    article.date.date(), article.url or page, page, archived,
                    article.archived_at.date() if article.archived_at else None,
                    article.imported_at.date() if article.imported_at else None,
                    article.authors)


def _parts(day: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_json(citations: Sequence[Citation]) -> str:
    """A CSL-JSON list (article-newspaper items), as citeproc processors and Zotero read it."""
    items = []
    for c in citations:
        item: dict[str, object] = {"id": c.key, "type": "article-newspaper", "title": c.title,
                                   "container-title": c.outlet, "issued": _parts(c.published), "URL": c.url}
        if c.authors:
            item["author"] = [{"literal": name} for name in c.authors]
        if c.accessed:
            item["accessed"] = _parts(c.accessed)
        if c.archived:
            item["archive_location"] = c.archived
            item["note"] = _archived_note(c)
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _archived_note(c: Citation) -> str:
    when = f" on {c.archived_at.isoformat()}" if c.archived_at else ""
    return f"Archived{when} at {c.archived}"


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
                   "$": r"\$", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_BIBTEX_RE = re.compile("|".join(map(re.escape, _BIBTEX_SPECIAL)))


def bibtex_text(text: str) -> str:
    """Text safe inside a braced BibTeX value: every special character escaped, so braces stay balanced."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], " ".join(text.split()))


def _bibtex_url(url: str) -> str:
    """An address as biblatex reads it (verbatim): only what would unbalance the value, percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def bibtex(citations: Sequence[Citation]) -> str:
    """BibTeX @article entries (the outlet as journal; biblatex's date, url and urldate too)."""
    entries = []
    for c in citations:
        names = " and ".join("{" + bibtex_text(name) + "}" for name in c.authors)    # braced: a name as written
        fields = [("author", names or None), ("title", bibtex_text(c.title)),
                  ("journal", bibtex_text(c.outlet)), ("year", str(c.published.year)),
                  ("month", str(c.published.month)), ("date", c.published.isoformat()),
                  ("url", _bibtex_url(c.url)), ("urldate", c.accessed.isoformat() if c.accessed else None),
                  ("note", bibtex_text(_archived_note(c)) if c.archived else None)]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@article{{{c.key},\n{body}\n}}\n")
    return "\n".join(entries)


def _ris_value(text: str) -> str:
    """One line: line breaks and other control characters become spaces."""
    return " ".join("".join(" " if ord(ch) < 32 or ch == "\x7f" else ch for ch in text).split())


def ris(citations: Sequence[Citation]) -> str:
    """RIS records (TY NEWS), one tag a line, each record ended by ER."""
    lines = []
    for c in citations:
        tags = [("TY", "NEWS"), ("ID", c.key), *(("AU", name) for name in c.authors), ("TI", c.title), ("T2", c.outlet),
                ("PY", str(c.published.year)), ("DA", f"{c.published:%Y/%m/%d}"), ("UR", c.url),
                ("UR", c.archived), ("Y2", f"{c.accessed:%Y/%m/%d}" if c.accessed else None),
                ("N1", _archived_note(c) if c.archived else None)]
        lines += [f"{tag}  - {_ris_value(value)}" for tag, value in tags if value]
        lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
