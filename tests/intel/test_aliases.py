"""Alias suggestions: only where likely right, each pair once, never names that are distinct."""
from __future__ import annotations

from datetime import UTC, datetime

from site_builder.core.model import Article, Entity
from site_builder.core.slugs import slugify
from site_builder.intel.aliases import AliasSuggestion, letters_key, suggest_aliases
from tests.factories import article

WHEN = datetime(2025, 1, 1, tzinfo=UTC)


def written(path: str, entities: list[str]) -> Article:
    """An article naming `entities` on line 6 of `path`."""
    return article(path[:-3], "", 0, "s", "t", when=WHEN, path=path, entities=entities, lines=(("entities", 6),))


def canonical_from(entities: list[Entity]):
    names = {n.casefold(): e.slug for e in entities for n in (e.name, *e.aliases)}
    return lambda name: names.get(name.casefold()) or slugify(name)


def suggested(articles: list[Article], registry: list[Entity]) -> dict[tuple[str, str], AliasSuggestion]:
    return {(s.name, s.other): s for s in suggest_aliases(articles, registry, canonical_from(registry))}


def test_a_registry_spelling_a_letter_or_a_transliteration_off_is_suggested_where_first_written() -> None:
    registry = [Entity("abbas-araqchi", "Abbas Araqchi", "person"),
                Entity("strait-of-hormuz", "Strait of Hormuz", aliases=("Hormuz",))]
    articles = [written("a.md", ["Abbas Araqchi", "Strait of Hormuz", "Iran"]),
                written("b.md", ["Abbas Araghchi", "Hormoz", "Iraq"]),
                written("c.md", ["Abbas Araghchi", "Strait of Hormoz"])]
    found = suggested(articles, registry)
    assert set(found) == {("Abbas Araghchi", "Abbas Araqchi"), ("Hormoz", "Hormuz"),
                          ("Strait of Hormoz", "Strait of Hormuz")}
    araghchi = found[("Abbas Araghchi", "Abbas Araqchi")]
    assert [(p.path, p.line) for p in araghchi.places] == [("b.md", 6), ("c.md", 6)]
    assert araghchi.hint == "add 'Abbas Araghchi' to the aliases of 'Abbas Araqchi' in entities.yaml"
    assert found[("Hormoz", "Hormuz")].hint == "add 'Hormoz' to the aliases of 'Strait of Hormuz' in entities.yaml"


def test_spellings_the_same_but_for_punctuation_are_one_suggestion_the_rarer_as_the_alias() -> None:
    articles = [written("a.md", ["U.S. president"]), written("b.md", ["US president"]),
                written("c.md", ["US president"])]
    found = suggested(articles, [])
    assert list(found) == [("U.S. president", "US president")]
    assert letters_key("São Paulo") == letters_key("sao-paulo") == "saopaulo"


def test_distinct_names_are_never_suggested() -> None:
    """Names inside longer names, names that differ by a number, a short word or a first letter."""
    registry = [Entity("united-states", "United States"), Entity("2025-us-open", "2025 US Open"),
                Entity("men-s-singles", "Men's singles"), Entity("iran", "Iran"),
                Entity("president-of-south-korea", "President of South Korea"),
                Entity("northern-ireland", "Northern Ireland"), Entity("sudan", "Sudan"),
                Entity("austria", "Austrian Airlines")]
    articles = [written("a.md", ["Visa policy of the United States", "2024 US Open", "Women's singles", "Iraq",
                                 "Visa policy of South Korea", "Southern Ireland", "South Sudan",
                                 "Australian Airlines", "United State of Mind"])]
    assert suggested(articles, registry) == {}


def test_known_aliases_not_suggested() -> None:
    registry = [Entity("abbas-araqchi", "Abbas Araqchi", aliases=("Abbas Araghchi", "Araghchi", "Araqchi"))]
    articles = [written("a.md", ["Abbas Araqchi", "Araqchi"]), written("b.md", ["Abbas Araghchi", "Araghchi"])]
    assert suggest_aliases(articles, registry, canonical_from(registry)) == []
