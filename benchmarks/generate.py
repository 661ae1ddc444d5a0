"""A seeded synthetic story archive with ground truth, for quality and speed benchmarks.

    python benchmarks/generate.py OUTDIR --articles 10000 --seed 1

Writes OUTDIR/site.toml, OUTDIR/content/articles/*.md, entities.yaml, sources.yaml,
stories.yaml (the ~10% explicit stories) and OUTDIR/labels.csv (path, story, event, copy: each wire story
and its copies are one report, which is its own event).
"""
from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ARTICLES_PER_STORY = 25
SYLLABLES = ("ka", "lo", "mi", "ra", "ten", "vo", "shi", "dar", "no", "ul", "be", "zan", "tor", "el", "qua",
             "ri", "mon", "sa", "fe", "gu", "pol", "an", "ix", "or", "de", "ya", "hu", "sten", "wy", "co")
END = datetime(2025, 1, 1, tzinfo=UTC)   # archives end here: none is dated in the future
SPAN_DAYS = 3 * 365          # the span of 10,000 articles; larger archives span proportionally longer
BASE_ARTICLES = 10000


@dataclass(frozen=True)
class Pools:
    """Everything drawn once: words, entities, sources."""

    general: list[str]
    general_p: np.ndarray   # cumulative
    topical: list[str]
    entities: list[str]
    entity_p: np.ndarray    # cumulative
    aliases: dict[str, list[str]]
    sources: list[str]


@dataclass(frozen=True)
class Plan:
    """One story: its id, time span, core entities and topic words."""

    id: str
    start: datetime
    days: float
    core: tuple[str, ...]
    words: tuple[int, ...]
    explicit: bool


def _word(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high)))


def _unique_words(rng: random.Random, count: int, low: int, high: int, taken: set[str]) -> list[str]:
    words: list[str] = []
    while len(words) < count:
        word = _word(rng, low, high)
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def _zipf(count: int, exponent: float) -> np.ndarray:
    """Cumulative Zipf probabilities, for `np.searchsorted` sampling."""
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    return cdf


def make_pools(rng: random.Random) -> Pools:
    taken: set[str] = set()
    general = _unique_words(rng, 3000, 1, 3, taken)
    topical = _unique_words(rng, 30000, 3, 4, taken)
    names = [f"{a.title()} {b.title()}" for a, b in zip(_unique_words(rng, 2000, 2, 3, taken),
                                                       _unique_words(rng, 2000, 2, 4, taken))]
    aliases = {name: [name.split()[1]] for name in names[:: 97]}
    sources = [f"The {w.title()} {k}" for w, k in zip(_unique_words(rng, 40, 2, 3, taken),
                                                     ["Times", "Post", "Herald", "Wire", "News"] * 8)]
    return Pools(general, _zipf(len(general), 1.0), topical, names, _zipf(len(names), 1.1), aliases, sources)


def span_days(articles: int) -> float:
    """Days the archive covers: story density per day stays that of 10,000 articles over 3 years."""
    return max(SPAN_DAYS, articles / BASE_ARTICLES * SPAN_DAYS)


def plan_stories(rng: random.Random, pools: Pools, count: int, span: float = SPAN_DAYS) -> list[Plan]:
    plans = []
    for number in range(count):
        start = END - timedelta(days=span) + timedelta(days=rng.uniform(0, span))
        core = tuple(rng.sample(pools.entities[20:], rng.randint(2, 4)))
        if rng.random() < 0.4:  # some stories also centre on a popular entity
            core += (pools.entities[rng.randint(0, 19)],)
        base = rng.randrange(len(pools.topical) - 200)
        words = tuple(base + rng.randrange(200) for _ in range(40))  # neighbouring stories share topic words
        plans.append(Plan(f"story-{number:05d}", start, rng.uniform(2, 40), core, words, rng.random() < 0.1))
    return plans


def paragraph(rng: random.Random, nprng: np.random.Generator, pools: Pools, plan: Plan) -> str:
    size = rng.randint(45, 70)
    general = np.searchsorted(pools.general_p, nprng.random(size))
    words = [pools.general[i] for i in general]
    for position in rng.sample(range(size), size // 4):
        words[position] = pools.topical[rng.choice(plan.words)]
    if rng.random() < 0.5:
        words.insert(rng.randrange(size), rng.choice(plan.core))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def edited(rng: random.Random, nprng: np.random.Generator, pools: Pools, plan: Plan,
           paragraphs: list[str]) -> list[str]:
    """A syndicated copy: paragraphs dropped or added, a few words changed."""
    copy = list(paragraphs)
    for _ in range(rng.randint(0, 2)):
        if len(copy) > 6:
            copy.pop(rng.randrange(1, len(copy)))
    for _ in range(rng.randint(0, 2)):
        copy.insert(rng.randint(1, len(copy)), paragraph(rng, nprng, pools, plan))
    for _ in range(rng.randint(1, 4)):
        index = rng.randrange(len(copy))
        words = copy[index].split()
        words[rng.randrange(len(words))] = rng.choice(pools.general[:200])
        copy[index] = " ".join(words)
    return copy


def entities_for(rng: random.Random, nprng: np.random.Generator, pools: Pools, plan: Plan) -> list[str]:
    chosen = rng.sample(plan.core, min(len(plan.core), rng.randint(2, 4)))
    for index in np.searchsorted(pools.entity_p, nprng.random(rng.randint(1, 4))):
        chosen.append(pools.entities[index])
    names = list(dict.fromkeys(chosen))
    return [rng.choice(pools.aliases[n]) if n in pools.aliases and rng.random() < 0.3 else n for n in names]


def front_matter(title: str, date: datetime, source: str, wire: str | None, story: str | None,
                 entities: list[str], tags: list[str], summary: str) -> str:
    lines = ["---", f'title: "{title}"', f"date: {date.isoformat()}", f'source: "{source}"']
    if wire:
        lines.append(f"wire: {wire}")
    if story:
        lines.append(f"story: {story}")
    quoted = [f"[{', '.join(json.dumps(name) for name in names)}]" for names in (entities, tags)]
    lines += [f"entities: {quoted[0]}", f"tags: {quoted[1]}", f'summary: "{summary}"', "---"]
    return "\n".join(lines)


def headline(rng: random.Random, pools: Pools, plan: Plan, entities: list[str]) -> str:
    words = [pools.topical[rng.choice(plan.words)] for _ in range(rng.randint(3, 6))]
    return f"{entities[0]} {' '.join(words)}".capitalize()


def write_story(rng: random.Random, nprng: np.random.Generator, pools: Pools, plan: Plan, budget: int,
                articles: Path, labels: list[tuple[str, str, str, str]]) -> int:
    """Write up to `budget` articles of one story; returns how many were written."""
    written = 0
    event = 0
    while written < budget:
        when = plan.start + timedelta(days=rng.uniform(0, plan.days))
        paragraphs = [paragraph(rng, nprng, pools, plan) for _ in range(rng.randint(8, 12))]
        entities = entities_for(rng, nprng, pools, plan)
        title = headline(rng, pools, plan, entities)
        copies = rng.randint(2, 4) if rng.random() < 0.15 else 1
        wire = rng.choice(pools.sources[:4]) if copies > 1 else None
        event_id = f"{plan.id}-e{event:03d}"
        outlets = rng.sample(pools.sources, copies)     # an outlet runs a wire story once
        for copy in range(min(copies, budget - written)):
            body = paragraphs if copy == 0 else edited(rng, nprng, pools, plan, paragraphs)
            head = title if copy == 0 or rng.random() < 0.5 else headline(rng, pools, plan, entities)
            slug = f"{plan.id}-{event:03d}-{copy}"
            date = (when + timedelta(hours=rng.uniform(0, 12) * (copy > 0))).replace(microsecond=0)
            text = front_matter(head, date, outlets[copy], wire, plan.id if plan.explicit else None,
                                entities, [pools.general[rng.randrange(50)]], body[0][:120].replace('"', ""))
            (articles / f"{slug}.md").write_text(text + "\n" + "\n\n".join(body) + "\n", encoding="utf-8")
            labels.append((f"content/articles/{slug}.md", plan.id, event_id, event_id))
            written += 1
        event += 1
    return written


def write_registries(content: Path, pools: Pools, plans: list[Plan]) -> None:
    entities = []
    for name in pools.entities:
        entities.append(f"- name: {name}\n  kind: person")
        if name in pools.aliases:
            entities.append(f"  aliases: [{', '.join(pools.aliases[name])}]")
    (content / "entities.yaml").write_text("\n".join(entities) + "\n", encoding="utf-8")
    sources = "\n".join(f"- name: {s}\n  kind: newspaper" for s in pools.sources)
    (content / "sources.yaml").write_text(sources + "\n", encoding="utf-8")
    stories = "\n".join(f'- id: {p.id}\n  title: "Story {p.id}"' for p in plans if p.explicit)
    (content / "stories.yaml").write_text(stories + "\n", encoding="utf-8")


def generate(out: Path, articles: int, seed: int) -> None:
    """Write a synthetic archive of `articles` articles and its ground truth below `out`."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    pools = make_pools(rng)
    plans = plan_stories(rng, pools, max(1, articles // ARTICLES_PER_STORY), span_days(articles))
    folder = out / "content" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    (out / "site.toml").write_text('title = "Synthetic archive"\n', encoding="utf-8")
    labels: list[tuple[str, str, str, str]] = []
    remaining = articles
    for index, plan in enumerate(plans):
        share = remaining // (len(plans) - index)
        remaining -= write_story(rng, nprng, pools, plan, share, folder, labels)
    write_registries(out / "content", pools, plans)
    with (out / "labels.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "story", "event", "copy"])
        writer.writerows(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.articles, args.seed)


if __name__ == "__main__":
    main()
