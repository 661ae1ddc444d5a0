"""TimelineJS3 JSON for a story (TimelineJS renders headline and text as HTML)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit

_SAFE_SCHEMES = ("http", "https", "")


@dataclass(frozen=True)
class TimelineEvent:
    """One slide; strings are untrusted plain text, `url` is the archive page."""

    date: datetime
    headline: str
    text: str
    group: str
    url: str
    date_only: bool = False     # a date without a time: the slide gets no hour or minute


def safe_href(url: str) -> str | None:
    """`url` if it is http(s) or relative (no javascript:, data: …), else None."""
    cleaned = "".join(ch for ch in url if ch.isprintable()).strip()
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    return cleaned if cleaned and scheme in _SAFE_SCHEMES else None


def _start_date(moment: datetime, date_only: bool) -> dict[str, str]:
    day = {"year": str(moment.year), "month": str(moment.month), "day": str(moment.day)}
    return day if date_only else dict(day, hour=str(moment.hour), minute=str(moment.minute))


def _text_html(text: str, url: str) -> str:
    paragraph = f"<p>{escape(text)}</p>" if text else ""
    href = safe_href(url)
    link = f'<p><a href="{escape(href, quote=True)}">Read the archived copy</a></p>' if href else ""
    return paragraph + link


def _unique_id(index: int, event: TimelineEvent) -> str:
    digest = hashlib.sha1(f"{event.date.isoformat()}|{event.url}".encode()).hexdigest()[:10]
    return f"event-{index}-{digest}"


def _slide(index: int, event: TimelineEvent) -> dict[str, Any]:
    return {"start_date": _start_date(event.date, event.date_only),
            "text": {"headline": escape(event.headline), "text": _text_html(event.text, event.url)},
            "group": escape(event.group),
            "unique_id": _unique_id(index, event)}


def timeline_json(*, title: str, summary: str, events: Sequence[TimelineEvent]) -> str:
    """A TimelineJS3 document, events in date order, every string HTML-escaped."""
    ordered = sorted(events, key=lambda event: event.date)
    data = {"title": {"text": {"headline": escape(title), "text": f"<p>{escape(summary)}</p>"}},
            "events": [_slide(index, event) for index, event in enumerate(ordered, start=1)]}
    return json.dumps(data, ensure_ascii=False, indent=1)
