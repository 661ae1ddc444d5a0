"""The story intelligence after one edit: time beside a clean computation, and the same result.

    python benchmarks/story_edits.py SITE [--edits 10] [--seed 1]

Loads SITE's content, computes its stories and related coverage as a build does (`build_archive`
with the analysis cache, in a temporary folder), then makes random edits in memory (a text, the
names, the date, a `story:` key, a deleted or an added article), and after each computes them
again incrementally (from the cache) and from nothing, prints both times and fails when the two
results differ. Figures exclude loading the content and everything after the story intelligence.
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from site_builder.content.load import load_content  # noqa: E402
from site_builder.core.config import load_config  # noqa: E402
from site_builder.core.model import Article  # noqa: E402
from site_builder.intel.archive import build_archive  # noqa: E402
from site_builder.intel.cache import ChunkStore  # noqa: E402

KINDS = ("text", "names", "date", "story", "deleted", "added")


def edited(rng: random.Random, articles: list[Article], kind: str) -> tuple[list[Article], str]:
    """`articles` after one edit of `kind` on a random article, and which article."""
    articles = list(articles)
    index = rng.randrange(len(articles))
    a = articles[index]
    if kind == "text":
        articles[index] = dataclasses.replace(a, body=a.body + f"\n\nA later line {rng.random():.6f}.")
    elif kind == "names":
        articles[index] = dataclasses.replace(a, entities=a.entities[1:])
    elif kind == "date":
        articles[index] = dataclasses.replace(a, date=a.date + timedelta(days=rng.uniform(-10, 10)))
    elif kind == "story":
        articles[index] = dataclasses.replace(a, story=f"edited-{rng.randint(0, 3)}")
    elif kind == "deleted":
        del articles[index]
    else:
        articles.append(dataclasses.replace(a, slug=a.slug + "-again", path=a.path + "-again.md",
                                            date=a.date + timedelta(hours=5), source="Another outlet"))
    return articles, a.slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = load_config(args.site, {})
    content = load_content(args.site, config, jobs=2, cache=False)
    articles, registries = list(content.articles), content.registries
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        kept, clean = Path(folder) / "kept", Path(folder) / "clean"
        started = time.perf_counter()
        build_archive(articles, registries, config, ChunkStore(kept))
        print(f"{len(articles)} articles; cold {time.perf_counter() - started:.2f} s", flush=True)
        print(f"{'edit':>8} {'article':>28} {'incremental s':>14} {'clean s':>8} same")
        for number in range(args.edits):
            articles, slug = edited(rng, articles, KINDS[number % len(KINDS)])
            started = time.perf_counter()
            ours = build_archive(articles, registries, config, ChunkStore(kept))
            incremental = time.perf_counter() - started
            started = time.perf_counter()
            theirs = build_archive(articles, registries, config, ChunkStore(clean, trusted=False))
            scratch = time.perf_counter() - started
            shutil.rmtree(clean, ignore_errors=True)
            same = ours.stories == theirs.stories and ours.related == theirs.related
            print(f"{KINDS[number % len(KINDS)]:>8} {slug[:28]:>28} {incremental:14.2f} {scratch:8.2f} {same}", flush=True)
            if not same:
                raise SystemExit("the incremental story intelligence differs from a clean one")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (this process)")


if __name__ == "__main__":
    main()
