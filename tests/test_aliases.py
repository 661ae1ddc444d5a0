from __future__ import annotations

from datetime import datetime, timezone

from site_builder.intel.aliases import suggest_aliases
from site_builder.core.model import Article, Entity
from site_builder.core.slugs import slugify

WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)


def article(path: str, entities: list[str]) -> Article:
    return Article(path=path, slug=path[:-3], title="t", date=WHEN, source="s", body="",
                   entities=tuple(entities), lines=(("entities", 6),))


def canonical_from(entities: list[Entity]):
    names = {n.casefold(): e.slug for e in entities for n in (e.name, *e.aliases)}
    return lambda name: names.get(name.casefold()) or slugify(name)


def test_spelling_variants_suggested_with_places():
    registry = [Entity("abbas-araqchi", "Abbas Araqchi", "person"), Entity("strait-of-hormuz", "Strait of Hormuz")]
    articles = [article("a.md", ["Abbas Araqchi", "Strait of Hormuz", "Iran"]),
                article("b.md", ["Abbas Araghchi", "Hormoz", "Iraq"])]
    found = {(s.name, s.other): s for s in suggest_aliases(articles, registry, canonical_from(registry))}
    assert ("Abbas Araghchi", "Abbas Araqchi") in found
    assert ("Hormoz", "Strait of Hormuz") in found
    assert not any("Iraq" in pair for pair in found)
    suggestion = found[("Abbas Araghchi", "Abbas Araqchi")]
    assert suggestion.name_places[0].path == "b.md" and suggestion.name_places[0].line == 6
    assert "Abbas Araqchi" in suggestion.hint


def test_known_aliases_not_suggested():
    registry = [Entity("abbas-araqchi", "Abbas Araqchi", aliases=("Abbas Araghchi", "Araghchi", "Araqchi"))]
    articles = [article("a.md", ["Abbas Araqchi", "Araqchi"]), article("b.md", ["Abbas Araghchi", "Araghchi"])]
    assert suggest_aliases(articles, registry, canonical_from(registry)) == []
