"""The words the pages give to what the story intelligence found as numbers and facts: why an
article is related to another, how late a copy followed its event's first report."""
from __future__ import annotations

from ..core.model import Relation

EDITOR = "linked by the editor"


def reasons(why: Relation) -> tuple[str, ...]:
    """'linked by the editor', or 'shares A, B', 'same story' and when the other was published."""
    if why.editor:
        return (EDITOR,)
    found = ("shares " + ", ".join(why.shared),) if why.shared else ()
    return (*found, "same story", relative_time(why)) if why.same_story else (*found, relative_time(why))


def relative_time(why: Relation) -> str:
    """'same day', 'within the hour', '3 hours later', '2 days earlier': the other's time against this one's."""
    if why.by_day:
        return "same day" if why.days == 0 else _ago(abs(why.days), "day", why.days > 0)
    hours = abs(why.seconds) / 3600
    if hours < 1:
        return "within the hour"
    if hours < 24:
        return _ago(round(hours), "hour", why.seconds > 0)
    return _ago(round(hours / 24), "day", why.seconds > 0)


def _ago(amount: int, unit: str, later: bool) -> str:
    return f"{amount} {unit}{'s' if amount != 1 else ''} {'later' if later else 'earlier'}"


def lag_text(seconds: int, by_day: bool) -> str:
    """'same day', '+2 days', '+45 min', '+3 h 05 min', '+2 d 4 h': a copy's lag behind the first report."""
    if by_day:
        days = seconds // 86400
        return "same day" if days == 0 else f"+{days} day{'s' if days != 1 else ''}"
    minutes = seconds // 60
    if minutes < 60:
        return f"+{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"+{hours} h {minutes:02d} min"
    days, hours = divmod(hours + (minutes >= 30), 24)      # to the nearest hour: 24 h 54 min is '+1 d 1 h'
    return f"+{days} d {hours} h"


def byline(authors: tuple[str, ...]) -> str:
    """'By A', 'By A and B', 'By A, B and C'; empty when no one is named."""
    if not authors:
        return ""
    names = authors[0] if len(authors) == 1 else f"{', '.join(authors[:-1])} and {authors[-1]}"
    return f"By {names}"


# Languages written right to left (BCP 47 primary subtags), and the scripts that are.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "pnb", "ps", "sd",
                           "syr", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"})


def direction(language: str) -> str:
    """'rtl' for a BCP 47 tag of a right-to-left language or script ('ar', 'fa-IR', 'az-Arab'), else 'ltr'."""
    parts = language.casefold().split("-")
    if any(part in RTL_SCRIPTS for part in parts[1:]):
        return "rtl"
    latin = any(len(part) == 4 and part.isalpha() for part in parts[1:])     # 'ur-Latn': a script given
    return "rtl" if parts[0] in RTL_LANGUAGES and not latin else "ltr"
