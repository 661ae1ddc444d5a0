"""Alias suggestions: spellings in front matter that name one entity but resolve to two.

Only where a suggestion is likely right: two spellings the same but for case, accents,
punctuation and spaces (`U.S.` and `US`), or a name written in the articles that differs from a
registry name or alias by a letter in one word (`Abbas Araghchi` for `Abbas Araqchi`, `Hormoz` for
the alias `Hormuz`). Never a name inside a longer, different one (`United States`, `Visa policy of
the United States`), never names that differ in a number (`2024 US Open`) or in a short word
(`Men's singles`, `Women's singles`; `Iran`, `Iraq`). Each pair is said once. Names are looked up
by a key, never compared all with all: time is linear in the names.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ..core.model import Article, Entity

ONE_LETTER = 5      # a word this long may differ from a registry spelling by one letter
TWO_LETTERS = 8     # by two (a transliteration: 'Araghchi', 'Araqchi'), when it starts alike


@dataclass(frozen=True)
class Place:
    """Where a spelling was written: an article file and its `entities:` line."""

    path: str
    line: int | None


@dataclass(frozen=True)
class AliasSuggestion:
    """A spelling written in articles (`name`, at `places`, first first) that probably names the
    entity spelled `other`; `why` says how alike they are, `hint` what to add where."""

    name: str
    other: str
    why: str
    places: tuple[Place, ...]
    hint: str


def suggest_aliases(articles: Sequence[Article], registry_entities: Sequence[Entity],
                    canonical: Callable[[str], str]) -> list[AliasSuggestion]:
    """Spellings that resolve to different entities but are likely one, most written first."""
    places = _places(articles)
    registry = {spelling: e for e in registry_entities for spelling in (e.name, *e.aliases)}
    found: dict[tuple[str, str], str] = {}
    for name, other in _same_letters(list(places) + list(registry), canonical):
        if name in places and (other in registry or (len(places[name]), name) < (len(places[other]), other)):
            # the spelling written less often is the alias of the other
            found.setdefault((name, other), "the same but for case, accents or punctuation")
    for name, other, apart in _a_letter_apart([n for n in places if n not in registry], list(registry), canonical):
        found.setdefault((name, other), f"{apart} letter{'s' * (apart > 1)} apart")
    known = {e.slug: e.name for e in registry_entities}
    suggestions = [AliasSuggestion(name, other, why, tuple(places[name]), _hint(name, other, canonical, known))
                   for (name, other), why in found.items()]
    suggestions.sort(key=lambda s: (-len(s.places), s.name.casefold(), s.other.casefold()))
    return suggestions


def _places(articles: Sequence[Article]) -> dict[str, list[Place]]:
    places: dict[str, list[Place]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: a.path):
        for name in article.entities:
            places[name].append(Place(article.path, article.line("entities")))
    return dict(places)


def letters_key(name: str) -> str:
    """`name` casefolded without accents, punctuation or spaces: 'U.S.' and 'us', 'São Paulo' and 'saopaulo'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _same_letters(spellings: list[str], canonical: Callable[[str], str]) -> list[tuple[str, str]]:
    """Pairs of spellings with one `letters_key` that resolve to different entities (both ways)."""
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for spelling in spellings:
        if letters_key(spelling):
            groups[letters_key(spelling)].setdefault(canonical(spelling), spelling)
    return [(a, b) for group in groups.values() if len(group) > 1
            for a in group.values() for b in group.values() if a != b]


def _a_letter_apart(written: list[str], registry: list[str],
                    canonical: Callable[[str], str]) -> list[tuple[str, str, int]]:
    """Written names whose words are a registry spelling's but one, and that one a letter or two off.

    Registry spellings are indexed by their words with one left out, so a name meets only the
    spellings that share all its other words."""
    index: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for spelling in registry:
        words = spelling.casefold().split()
        for position, word in enumerate(words):
            index[(*words[:position], "", *words[position + 1:])].append((word, spelling))
    found = []
    for name in written:
        words = name.casefold().split()
        for position, word in enumerate(words):
            for other_word, spelling in index.get((*words[:position], "", *words[position + 1:]), ()):
                apart = _letters_apart(word, other_word)
                if apart and canonical(name) != canonical(spelling):
                    found.append((name, spelling, apart))
    return found


def _letters_apart(word: str, other: str) -> int:
    """How many letters two words differ by, when that is a slip or a transliteration (else 0)."""
    if word == other or any(ch.isdigit() for ch in word + other):
        return 0
    shorter = min(len(word), len(other))
    if shorter >= ONE_LETTER and Levenshtein.distance(word, other, score_cutoff=1) == 1:
        return 1
    if shorter >= TWO_LETTERS - 1 and abs(len(word) - len(other)) <= 1 and word[0] == other[0] \
            and max(len(word), len(other)) >= TWO_LETTERS and Levenshtein.distance(word, other, score_cutoff=2) == 2:
        return 2
    return 0


def _hint(name: str, other: str, canonical: Callable[[str], str], known: dict[str, str]) -> str:
    for spelling, alias in ((other, name), (name, other)):
        slug = canonical(spelling)
        if slug in known:
            return f"add '{alias}' to the aliases of '{known[slug]}' in entities.yaml"
    return f"add an entity to entities.yaml with '{other}' as its name and '{name}' among its aliases"
