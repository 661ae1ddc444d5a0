"""A saved page's address when it is a Wayback Machine capture: the original, the capture, its time."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# https://web.archive.org/web/20250623103000/https://example.com/a  (the timestamp may carry a flag: 20250623103000id_)
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/(\d{14})(?:[a-z]{2}_)?/(https?://.+)$", re.I)


@dataclass(frozen=True)
class Capture:
    """Where an archived copy lives and what it is a copy of."""

    original: str
    archived: str
    archived_at: datetime


def wayback_capture(url: str | None) -> Capture | None:
    """The capture a Wayback Machine address names, or None for any other address (or an impossible time)."""
    match = _WAYBACK.match(url or "")
    if not match:
        return None
    try:
        when = datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return Capture(match.group(2), url or "", when)
