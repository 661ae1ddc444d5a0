"""Entity and source names to pages: which names share a page, and every collision said aloud.

Names that differ only by case (`IRAN`, `Iran`) are one name. Registry entries each keep their
own page: one whose address is taken gets a numbered one (`entities/sao-paulo-2/`). A name
written in an article that makes the address of another name (`C#` and `C++`, `São Paulo` and
`Sao Paulo`) shares its page, with a warning naming both names and where each is written. A
name that mixes look-alike letters of Latin, Cyrillic or Greek in one word (`Irаn` with a
Cyrillic а) and makes the address of another name is an error naming both places.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from ..core.errors import Problem
from ..core.model import Article, Entity, Source
from ..core.slugs import MAX_SLUG, slugify

Item = TypeVar("Item", Entity, Source)
_LOOK_ALIKE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}


@dataclass(frozen=True)
class Place:
    """Where a name is written: a file and a line."""

    path: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class NameIndex(Generic[Item]):
    """Entities (or sources) by slug, every name and alias (casefolded) to its slug, and the collisions."""

    items: dict[str, Item]
    slug_of: dict[str, str]
    problems: tuple[Problem, ...]


def entity_index(articles: Sequence[Article], registry: Sequence[Entity]) -> NameIndex[Entity]:
    names = _Names[Entity]("entity", "entities")
    for entity in registry:
        names.register(entity, (entity.name, *entity.aliases))
    for article in articles:
        new = [name for name in article.entities if not names.known(name)]     # most are: no place to make
        if new:
            place = Place(article.path, article.line("entities"))
            for name in new:
                names.write(name, place, lambda slug, name: Entity(slug, name, known=False))
    return names.index()


def source_index(articles: Sequence[Article], registry: Sequence[Source]) -> NameIndex[Source]:
    names = _Names[Source]("source", "sources")
    for source in registry:
        names.register(source, (source.name,))
    for article in articles:
        if not names.known(article.source):
            names.write(article.source, Place(article.path, article.line("source")),
                        lambda slug, name: Source(slug, name, known=False))
    return names.index()


class _Names(Generic[Item]):
    def __init__(self, kind: str, folder: str) -> None:
        self.kind, self.folder = kind, folder
        self.items: dict[str, Item] = {}
        self.slug_of: dict[str, str] = {}
        self.places: dict[str, Place] = {}      # slug -> where its name is first written
        self.problems: list[Problem] = []

    def index(self) -> NameIndex[Item]:
        return NameIndex(self.items, self.slug_of, tuple(self.problems))

    def register(self, item: Item, names: Sequence[str]) -> None:
        """A registry entry: its own page, under a numbered address when its own is taken."""
        place = Place(item.path, item.line)
        slug = item.slug
        if slug in self.items:
            slug = free_slug(slug, self.items.__contains__)
            if not self._look_alike(item.name, slug=item.slug, place=place):
                self._warn(place, f"{self.kind} '{item.name}' would have the address {self.folder}/{item.slug}/ "
                                  f"of '{self.items[item.slug].name}' ({self.places[item.slug]}); "
                                  f"it is at {self.folder}/{slug}/",
                           "rename one of them, or merge them into one entry with the other name among its aliases")
        self.items[slug] = replace(item, slug=slug)
        self.places[slug] = place
        for name in names:
            owner = self.slug_of.setdefault(name.casefold(), slug)
            if owner != slug:
                self._warn(place, f"'{name}' of {self.kind} '{item.name}' already names "
                                  f"'{self.items[owner].name}' ({self.places[owner]}), whose page it stays on",
                           "list each name and alias once")

    def known(self, name: str) -> bool:
        """Whether `name` is a registered name or alias or was written before."""
        return name.casefold() in self.slug_of

    def write(self, name: str, place: Place, make: Callable[[str, str], Item]) -> None:
        """A name written in an article: a registered name or alias, a new page, or a shared one."""
        key = name.casefold()
        if key in self.slug_of:
            return
        slug = self.slug_of[key] = slugify(name)
        if slug not in self.items:
            self.items[slug] = make(slug, name)
            self.places[slug] = place
        elif not self._look_alike(name, slug=slug, place=place):
            self._warn(place, f"{self.kind} '{name}' shares the page of '{self.items[slug].name}' "
                              f"({self.folder}/{slug}/), written in {self.places[slug]}",
                       f"write the name the same way everywhere; if they differ, list both in {self.folder}.yaml")

    def _look_alike(self, name: str, *, slug: str, place: Place) -> bool:
        """An error when `name` or the name at `slug` mixes scripts: a look-alike, not a spelling.

        It is located where the mixed name is written and names where the other one is."""
        other, other_place = self.items[slug].name, self.places[slug]
        if mixed_scripts(other) and not mixed_scripts(name):
            name, place, other, other_place = other, other_place, name, place
        elif not mixed_scripts(name):
            return False
        self.problems.append(Problem(
            place.path, place.line, f"{self.kind} '{name}' looks like '{other}' ({other_place}): "
                                    f"it mixes letters of {' and '.join(sorted(scripts_of(name)))}",
            "retype the name in one alphabet", kind="look-alike letters"))
        return True

    def _warn(self, place: Place, message: str, hint: str) -> None:
        self.problems.append(Problem(place.path, place.line, message, hint, "warning", kind="shared page"))


def scripts_of(name: str) -> set[str]:
    """The look-alike alphabets (Latin, Cyrillic, Greek) whose letters `name` uses, as words."""
    found = {unicodedata.name(ch, "").split(" ")[0] for ch in name if ch.isalpha()}
    return {s.capitalize() for s in found & _LOOK_ALIKE_SCRIPTS}


def mixed_scripts(name: str) -> bool:
    """Some word of `name` has letters of two look-alike alphabets (`Irаn`, with a Cyrillic а)."""
    return any(len(scripts_of(word)) > 1 for word in re.findall(r"\w+", name))


def free_slug(slug: str, taken: Callable[[str], bool]) -> str:
    """`slug-2`, `slug-3`, …: the first not taken, at most MAX_SLUG characters."""
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slug[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
        if not taken(candidate):
            return candidate
        number += 1
