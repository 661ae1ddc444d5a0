"""Slugs that are safe as one path segment on every file system."""
from __future__ import annotations

import re

from slugify import slugify as _slugify

MAX_SLUG = 80
_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(text: str) -> str:
    """A lowercase ASCII slug; never empty, never a reserved device name."""
    slug = _slugify(text, max_length=MAX_SLUG, word_boundary=True) or "untitled"
    return f"{slug}-x" if slug in _RESERVED else slug


def is_safe_slug(slug: str) -> bool:
    return bool(_SAFE.match(slug)) and len(slug) <= MAX_SLUG and slug not in _RESERVED
