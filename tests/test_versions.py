from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from site_builder.model import Article
from site_builder.versions import group_versions

WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)


def body(rng: random.Random, paragraphs: int = 8) -> list[str]:
    return [" ".join(rng.choice("abcdefghijklmnopqrstuvwxyz") * rng.randint(1, 4) + str(rng.randint(0, 99))
                     for _ in range(40)) for _ in range(paragraphs)]


def article(slug: str, paragraphs: list[str], hours: int = 0) -> Article:
    return Article(path=f"{slug}.md", slug=slug, title=slug, date=WHEN + timedelta(hours=hours), source="S",
                   body="\n\n".join(paragraphs))


def test_copies_with_edits_grouped_others_not():
    rng = random.Random(3)
    original = body(rng)
    edited = original[:3] + original[4:] + body(rng, 1)
    edited[0] = edited[0].replace(edited[0].split()[5], "changed")
    articles = [article("copy", edited, 2), article("original", original), article("other", body(rng))]
    groups = group_versions(articles, 0.6)
    together = [g for g in groups if len(g.members) > 1]
    assert len(together) == 1 and [articles[i].slug for i in together[0].members] == ["original", "copy"]
    assert together[0].scores[0] == 1.0 and 0.6 <= together[0].scores[1] < 1.0
    assert sorted(i for g in groups for i in g.members) == [0, 1, 2]


def test_short_bodies_never_joined():
    articles = [article("a", ["Breaking news."]), article("b", ["Breaking news."])]
    assert all(len(g.members) == 1 for g in group_versions(articles, 0.6))
