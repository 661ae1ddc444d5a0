"""Alias suggestions: spellings in front matter that look like one entity but resolve to two.

Compares unique names only (far fewer than articles), blocked by first letter of each word so
that 10,000+ unique names never meet all others.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..core.model import Article, Entity

SIMILARITY = 85.0     # rapidfuzz ratio, 0-100
MIN_LENGTH = 4
LAST_WORD = 80.0     # 'Strait of Hormuz' and 'Hormoz'
CANDIDATE = 70.0     # WRatio cut for candidates, checked again by `_alike`


@dataclass(frozen=True)
class Place:
    """Where a spelling was written: an article file and its `entities:` line."""

    path: str
    line: int | None


@dataclass(frozen=True)
class AliasSuggestion:
    """Two spellings that probably name one entity; `places` say where each is written."""

    name: str
    other: str
    score: float
    name_places: tuple[Place, ...]
    other_places: tuple[Place, ...]
    hint: str


def suggest_aliases(articles: Sequence[Article], registry_entities: Sequence[Entity],
                    canonical: Callable[[str], str]) -> list[AliasSuggestion]:
    """Near-identical spellings that resolve to different entities, best first."""
    places = _places(articles)
    names = sorted(places, key=str.casefold)
    found = []
    for block in _blocks(names).values():
        found += _similar_in(block, canonical)
    known = {e.slug: e.name for e in registry_entities}
    suggestions = [AliasSuggestion(a, b, round(score, 1), tuple(places[a]), tuple(places[b]),
                                   _hint(a, b, canonical, known)) for a, b, score in sorted(set(found))]
    suggestions.sort(key=lambda s: (-s.score, s.name.casefold(), s.other.casefold()))
    return suggestions


def _places(articles: Sequence[Article]) -> dict[str, list[Place]]:
    places: dict[str, list[Place]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: a.path):
        for name in article.entities:
            places[name].append(Place(article.path, article.line("entities")))
    return places


def _blocks(names: list[str]) -> dict[str, list[str]]:
    """Names grouped by the initial of each word: a spelling slip rarely changes every initial."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for name in names:
        for initial in {w[0].casefold() for w in name.split() if w}:
            blocks[initial].append(name)
    return blocks


def _similar_in(block: list[str], canonical: Callable[[str], str]) -> list[tuple[str, str, float]]:
    """Pairs in one block that look alike yet resolve to different entities."""
    keys = [n.casefold() for n in block]
    found = []
    for start in range(0, len(block), 2000):
        scores = process.cdist(keys[start: start + 2000], keys, scorer=fuzz.WRatio, score_cutoff=CANDIDATE)
        for i, j in zip(*scores.nonzero()):
            a, b = block[start + int(i)], block[int(j)]
            if a.casefold() < b.casefold() and min(len(a), len(b)) >= MIN_LENGTH \
                    and canonical(a) != canonical(b) and _alike(a, b):
                found.append((a, b, float(scores[i, j])))
    return found


def _alike(a: str, b: str) -> bool:
    """A spelling variant, not a different name: whole strings or their last words nearly equal."""
    if fuzz.ratio(a.casefold(), b.casefold()) >= SIMILARITY:
        return True
    last_a, last_b = a.split()[-1].casefold(), b.split()[-1].casefold()
    return len(a.split()) != len(b.split()) and min(len(last_a), len(last_b)) >= 5 and \
        fuzz.ratio(last_a, last_b) >= LAST_WORD


def _hint(a: str, b: str, canonical: Callable[[str], str], known: dict[str, str]) -> str:
    for name, other in ((a, b), (b, a)):
        slug = canonical(name)
        if slug in known:
            return f"add '{other}' to the aliases of '{known[slug]}' in entities.yaml"
    return f"add an entity to entities.yaml with '{a}' as its name and '{b}' among its aliases"
