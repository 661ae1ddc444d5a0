"""Metadata of imported text: dateline, wire, source, dates and entities."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ..content.mentions import CALENDAR, TITLE_WORDS
from ..core.model import Entity, Source

_DATELINE = re.compile(
    r"^([A-Z][A-Z.'’ ]*[A-Z.](?:\s*/\s*[A-Z][A-Z.'’ ]*[A-Z.])*)"   # ISTANBUL/MOSCOW, NEW YORK
    r"(?:,\s*[A-Z][a-z]+\.? \d{1,2})?"                           # , June 23
    r"\s*(?:\(([A-Za-z ]+)\))?"                                   # (Reuters)
    r"\s*(?::|\s-|\s–|\s—)\s")
_WIRES = (("Reuters", r"Reuters"), ("AP", r"Associated Press|\(AP\)|AP News"), ("AFP", r"AFP|Agence France-Presse"),
          ("Bloomberg", r"Bloomberg"), ("dpa", r"\bdpa\b"), ("Xinhua", r"Xinhua"), ("ANI", r"\(ANI\)"),
          ("PTI", r"\(PTI\)"))
_WIRE_PHRASES = (r"told {w}", r"\({w}\)", r"{w} reported", r"according to {w}", r"{w} reporting",
                 r"reporting by .{{0,60}}{w}", r"\b{w}\s*-\s*[A-Z]", r"{w} news agency")
_LEADING = frozenset("the a an but while and in at on as if speaking however meanwhile inside after "
                     "before when since".split())
_NAME_WORD = r"[A-Z](?:[\w’'-]|\.(?=\w))*"
_CAPITALISED = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:of|the|al|bin|de|van|von)\s+)*{_NAME_WORD})*")
_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|i)$", re.I)


def dateline_of(text: str) -> tuple[str | None, str | None]:
    """(dateline, wire named in it) from the first paragraph, e.g. 'ISTANBUL/MOSCOW: ...'."""
    match = _DATELINE.match(text)
    if not match or len(match.group(1)) > 60:
        return None, None
    place = re.sub(r"\s*/\s*", "/", match.group(1).strip())
    return place, match.group(2).strip() if match.group(2) else None


def wire_of(text: str) -> str | None:
    """The news agency a copy comes from, from phrases such as 'told Reuters' or '(AFP)'."""
    for name, pattern in _WIRES:
        for phrase in _WIRE_PHRASES:
            if re.search(phrase.format(w=f"(?:{pattern})"), text):
                return name
    return None


def known_source(name: str | None, sources: tuple[Source, ...]) -> str | None:
    """The registry's spelling of an outlet name, or the name itself."""
    if not name:
        return None
    key = re.sub(r"\W+", "", name.casefold())
    for source in sources:
        if re.sub(r"\W+", "", source.name.casefold()) == key:
            return source.name
    return name.strip()


def when_ago(reference: datetime, age: timedelta | None, date_only: bool) -> datetime | date:
    """A relative time resolved against the page's date; a bare date stays a date."""
    if age is None:
        return reference.date() if date_only else reference
    if date_only:
        return reference.date() if age < timedelta(days=1) else (reference - age).date()
    return reference - age


def parse_page_date(text: str | None) -> tuple[datetime | None, bool]:
    """(date-time, date only?) from a date the page gave in ISO form."""
    if not text:
        return None, False
    value = text.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(value), bool(re.fullmatch(r"\d{4}-\d\d-\d\d", value))
    except ValueError:
        return None, False


def _alias_pattern(entities: tuple[Entity, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    canonical: dict[str, str] = {}
    for entity in entities:
        for name in (entity.name, *entity.aliases):
            canonical.setdefault(name, entity.name)
    if not canonical:
        return None, canonical
    names = sorted(canonical, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])"), canonical


def entities_in(text: str, entities: tuple[Entity, ...]) -> tuple[str, ...]:
    """Canonical names of registry entities whose name or alias occurs as whole words, first seen first."""
    pattern, canonical = _alias_pattern(entities)
    if pattern is None:
        return ()
    found = dict.fromkeys(canonical[m.group(1)] for m in pattern.finditer(text))
    return tuple(found)


def candidate_entities(text: str, entities: tuple[Entity, ...]) -> tuple[str, ...]:
    """Capitalised multi-word names the registry lacks, with titles such as 'Foreign Minister' stripped."""
    pattern, _ = _alias_pattern(entities)
    masked = pattern.sub("\x00", text) if pattern else text
    found: dict[str, str] = {}
    for match in _CAPITALISED.finditer(masked):
        name = _candidate(match.group(0))
        if name:
            found.setdefault(name.casefold(), name)
    return tuple(found.values())


def _candidate(phrase: str) -> str | None:
    words = re.sub(r"[’']s$", "", phrase.strip(" .")).split()
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    words = [w for w in words if w.lower() not in CALENDAR]
    if len(words) >= 2 and re.search(r"[’']s\b", " ".join(words[:-1])):
        return " ".join(words)                      # an institution: Prime Minister's Office
    titled = False
    while words and words[0].lower().strip(".") in TITLE_WORDS:
        words, titled = words[1:], True
    if not words or (len(words) < 2 and not titled) or words[0].lower() in ("of", "the"):
        return None
    if all(w.lower().strip(".") in TITLE_WORDS or _DEMONYM.search(w) for w in words) or not words[-1][:1].isupper():
        return None
    return " ".join(words)
