"""A seeded archive at real size for the page tests: a few thousand short articles from many
outlets, with stories of 300 items from 60 outlets written as `story:` keys (as in a curated
archive), many small stories, and entity names registered and not."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = ("ceasefire talks envoy border vote court flood port grain drone tanker minister summit sanctions "
         "embassy strike oil market protest election budget rescue storm quake refinery pipeline harbour "
         "convoy parliament verdict treaty outbreak vaccine tariff shipment blockade airport").split()
START = datetime(2025, 3, 1, 6, tzinfo=UTC)


def write_big_archive(site: Path, *, articles: int = 3000, big_stories: int = 2, big_size: int = 300,
                      outlets: int = 80, seed: int = 5) -> None:
    """`site/content/` with about `articles` articles: `big_stories` stories of `big_size` items from
    60 outlets each (explicit; every tenth item syndicated by two other outlets), the rest in
    stories of one to a dozen items."""
    rng = random.Random(seed)
    folder = site / "content" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    sources = [f"Outlet {n:02d} News" for n in range(outlets)]
    places = [f"Place {chr(65 + n % 26)}{n // 26}" for n in range(400)]
    registry = "\n".join(f"- name: {p}\n  kind: place" for p in places[:150])
    (site / "content" / "entities.yaml").write_text(registry + "\n", encoding="utf-8")
    (site / "content" / "sources.yaml").write_text(
        "\n".join(f"- name: {s}\n  kind: {'wire' if n < 3 else 'newspaper'}" for n, s in enumerate(sources)) + "\n",
        encoding="utf-8")
    stories = "\n".join(f"- id: big-story-{n}\n  title: The long story number {n}\n  summary: Months of coverage."
                        for n in range(big_stories))
    (site / "content" / "stories.yaml").write_text(stories + "\n", encoding="utf-8")
    number = 0

    def article(story: str | None, when: datetime, source: str, names: list[str], copies: int = 0) -> None:
        """One article, and `copies` syndicated copies of it from other outlets an hour apart."""
        nonlocal number
        words = rng.sample(WORDS, 7)
        title = f"{' '.join(words[:5]).capitalize()} {number}"
        body = " ".join(f"The {w} was reported in {rng.choice(names)} on day {number}." for w in words)
        key = f"story: {story}\n" if story else ""
        for copy, outlet in enumerate([source, *rng.sample([s for s in sources if s != source], copies)]):
            headline = title if copy == 0 else f"{title}, {outlet} says"
            (folder / f"item-{number:05d}-{copy}.md").write_text(
                f"---\ntitle: {headline}\ndate: {(when + timedelta(hours=copy)).isoformat()}\nsource: {outlet}\n"
                f"{key}{'wire: ' + source + chr(10) if copy else ''}entities: [{', '.join(names)}]\n---\n{body}\n",
                encoding="utf-8")
        number += 1

    for story in range(big_stories):
        its_outlets = rng.sample(sources, 60)
        for item in range(big_size):
            when = START + timedelta(hours=item * 7 + story * 3, minutes=rng.randint(0, 59))
            article(f"big-story-{story}", when, its_outlets[item % 60], rng.sample(places, 3),
                    copies=2 if item % 10 == 0 else 0)
    while number < articles:
        names = rng.sample(places, 3)
        when = START + timedelta(days=rng.uniform(0, 120))
        for _ in range(min(rng.randint(1, 12), articles - number)):
            article(None, when + timedelta(hours=rng.uniform(0, 48)), rng.choice(sources), names)
