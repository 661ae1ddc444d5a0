"""Lists of names in A–Z order, paged, with a letter bar linking to the page where each letter starts."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any, TypeVar

from .routes import paged

OTHER = "#"                 # names that do not start with a letter of A–Z
LETTERS = (OTHER, *(chr(c) for c in range(ord("A"), ord("Z") + 1)))
T = TypeVar("T")


def filed(name: str) -> str:
    """The name as it is filed: without a leading English article, as libraries and record shops
    file them ("The Guardian" under G, "The Hague" under H). Articles of other languages stay:
    they start place names filed under them ("Los Angeles", "La Paz", "El Paso")."""
    text = name.strip()
    head, space, rest = text.partition(" ")
    return rest.lstrip() if space and head.casefold() == "the" and rest.strip() else text


def letter_of(name: str) -> str:
    """'A'–'Z' for a name filed under that letter (accents dropped: 'Élysée' is 'E'), else '#'."""
    first = unicodedata.normalize("NFKD", filed(name)[:1])[:1].upper()[:1]     # "ß" is "SS": its "S"
    return first if "A" <= first <= "Z" else OTHER


def name_order(name: str) -> tuple[int, str, str]:
    """Where a name goes in A–Z order: by its letter of the bar ('#' first), then as filed, case and
    accents aside."""
    plain = unicodedata.normalize("NFKD", filed(name)).encode("ascii", "ignore").decode().casefold()
    return LETTERS.index(letter_of(name)), plain, name


def alphabetical(items: Sequence[T], name: Callable[[T], str]) -> list[T]:
    """`items` in A–Z order of their names (`name_order`)."""
    return sorted(items, key=lambda item: name_order(name(item)))


def letter_bar(names: Sequence[str], per_page: int, base: str, url: Callable[[str], str]) -> list[dict[str, Any]]:
    """Every letter of the bar, with the address of the page and heading where its names start
    (None for a letter no name starts with); `names` are in `alphabetical` order."""
    starts: dict[str, int] = {}
    for position, name in enumerate(names):
        starts.setdefault(letter_of(name), position)
    return [{"letter": letter, "url": url(paged(base, starts[letter] // per_page + 1)) + "#" + anchor(letter)
             if letter in starts else None} for letter in LETTERS]


def by_letter(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One page's items grouped under their letters (the items have a `name`)."""
    return [{"letter": letter, "anchor": anchor(letter), "items": list(group)}
            for letter, group in groupby(items, key=lambda item: letter_of(item["name"]))]


def anchor(letter: str) -> str:
    return "letter-other" if letter == OTHER else f"letter-{letter}"
