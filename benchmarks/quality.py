"""Quality and cost of the story intelligence on labelled archives, beside two baselines.

    python benchmarks/quality.py SITE [SITE …] [--jobs 2] [--no-related] [--threshold T]

Each SITE holds `content/` and `labels.csv` with a `path` column and a `story` and/or an `event`
column: the real development sets in ../shared/fixtures/real/ (read in place, nothing is written
there) or a synthetic archive from generate.py. For each site and each labelled level it prints
pairwise and B-cubed precision, recall and F1 of what the build computes, and of two baselines
computed in the same run: every file alone, and files with identical texts grouped. Then the wall
time, CPU time (this process and its workers) and peak memory of the story intelligence as
`archive.build_archive` runs it: `segments.compute_stories` and `segments.related_coverage`.
"""
from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.build.memory import return_freed_arrays  # noqa: E402
from site_builder.content.articles import ArticleFile, article_files, load_registries, parse_article  # noqa: E402
from site_builder.core.config import RelatedWeights, StoryWeights  # noqa: E402
from site_builder.core.model import Article, Registries  # noqa: E402
from site_builder.core.slugs import slugify  # noqa: E402
from site_builder.intel.evaluate import read_labels, story_scores  # noqa: E402
from site_builder.intel.segments import compute_stories, related_coverage  # noqa: E402

UTC = ZoneInfo("UTC")
LEVELS = ("story", "event", "copy")


def _parse(item: ArticleFile) -> Article | None:
    return parse_article(Path(item.path), item.rel, UTC).article


def load(site: Path, jobs: int) -> tuple[list[Article], Registries]:
    files, _ = article_files(site / "content", site)
    with ProcessPoolExecutor(jobs) as pool:
        articles = [a for a in pool.map(_parse, files, chunksize=500) if a is not None]
    registries, _ = load_registries(site / "content", site)
    return articles, registries


def canonical_of(registries: Registries):
    names = {n.casefold(): e.slug for e in registries.entities for n in (e.name, *e.aliases)}
    return lambda name: names.get(name.casefold()) or slugify(name)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and of its finished workers."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def levels_of(labels: Path) -> list[str]:
    with labels.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    return [level for level in LEVELS if level in header]


def baselines(articles: list[Article]) -> dict[str, dict[str, str]]:
    """Every file alone, and files with identical (whitespace-normalised) bodies together."""
    return {"every file alone": {a.path: a.path for a in articles},
            "identical texts grouped": {a.path: " ".join(a.body.split()) for a in articles}}


def row(site: str, level: str, method: str, computed: Mapping[str, str], labels: Mapping[str, str]) -> str:
    s = story_scores(computed, labels)
    return (f"| {site} | {level} | {method} | {s.pairwise_precision:.3f} | {s.pairwise_recall:.3f} | "
            f"{s.pairwise_f1:.3f} | {s.bcubed_precision:.3f} | {s.bcubed_recall:.3f} | {s.bcubed_f1:.3f} |")


def measure(site: Path, jobs: int, related: bool, weights: StoryWeights) -> tuple[list[str], str]:
    """The table's rows for `site`, and a line on what its story intelligence cost."""
    articles, registries = load(site, jobs)
    canonical = canonical_of(registries)
    before, cpu_before = time.perf_counter(), cpu_seconds()
    stories = compute_stories(articles, registries.stories, canonical, weights, jobs)
    if related:
        related_coverage(articles, stories, canonical, RelatedWeights(), jobs=jobs)
    wall, cpu = time.perf_counter() - before, cpu_seconds() - cpu_before
    path_of = {a.slug: a.path for a in articles}
    computed = {"story": {path_of[v.slug]: s.id for s in stories for e in s.events for v in e.versions},
                "event": {path_of[v.slug]: e.id for s in stories for e in s.events for v in e.versions},
                "copy": {path_of[v.slug]: v.report_id for s in stories for e in s.events for v in e.versions}}
    lines = []
    for level in levels_of(site / "labels.csv"):
        labels = read_labels(site / "labels.csv", level)
        lines.append(row(site.name, {"story": "stories", "event": "events", "copy": "copies"}[level], "site_builder", computed[level], labels))
        lines += [row(site.name, {"story": "stories", "event": "events", "copy": "copies"}[level], name, grouping, labels) for name, grouping in baselines(articles).items()]
    cost = (f"- {site.name}: {len(articles)} articles, {len(stories)} stories; story intelligence "
            f"{wall:.1f} s wall, {cpu:.1f} s CPU{'' if related else ' (without related coverage)'}, "
            f"peak {peak_mb():.0f} MB")
    return lines, cost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sites", type=Path, nargs="+")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-related", action="store_true")
    parser.add_argument("--threshold", type=float, help="story threshold (default: StoryWeights)")
    args = parser.parse_args()
    return_freed_arrays()
    weights = StoryWeights() if args.threshold is None else StoryWeights(threshold=args.threshold)
    print("| set | level | method | pairwise P | pairwise R | pairwise F1 | B-cubed P | B-cubed R | B-cubed F1 |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    costs = []
    for site in args.sites:
        lines, cost = measure(site, args.jobs, not args.no_related, weights)
        print("\n".join(lines), flush=True)
        costs.append(cost)
    print()
    print("\n".join(costs))


if __name__ == "__main__":
    main()
