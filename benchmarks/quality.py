"""Quality and cost of the story intelligence on a generated archive.

    python benchmarks/quality.py OUTDIR [--jobs 2] [--no-related]

Prints pairwise and B-cubed F1 for stories, precision/recall for version grouping, and the
wall time, CPU time (this process and its workers) and peak memory of the story intelligence
as `graph.build_archive` runs it: analyse_archive, then compute_stories and related_coverage.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.config import RelatedWeights, StoryWeights  # noqa: E402
from site_builder.content import article_files, load_registries, parse_article  # noqa: E402
from site_builder.evaluate import read_labels, story_scores, version_scores  # noqa: E402
from site_builder.model import Article, Registries  # noqa: E402
from site_builder.related import related_coverage  # noqa: E402
from site_builder.slugs import slugify  # noqa: E402
from site_builder.stories import compute_stories  # noqa: E402
from site_builder.textsig import analyse_archive  # noqa: E402

UTC = ZoneInfo("UTC")


def _parse(item: tuple[Path, str]) -> Article | None:
    return parse_article(item[0], item[1], UTC).article


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-related", action="store_true")
    parser.add_argument("--threshold", type=float, help="story threshold (default: StoryWeights)")
    args = parser.parse_args()
    started = time.perf_counter()
    articles, registries = load(args.site, args.jobs)
    print(f"loaded {len(articles)} articles in {time.perf_counter() - started:.1f}s, peak {peak_mb():.0f} MB")
    canonical = canonical_of(registries)
    loaded_mb = peak_mb()
    before, cpu_before = time.perf_counter(), cpu_seconds()
    weights = StoryWeights() if args.threshold is None else StoryWeights(threshold=args.threshold)
    features = analyse_archive(articles, canonical)
    analysed = time.perf_counter()
    stories = compute_stories(articles, registries.stories, canonical, weights, features=features)
    middle = time.perf_counter()
    if not args.no_related:
        related_coverage(articles, stories, canonical, RelatedWeights(), features=features)
    after, cpu_after = time.perf_counter(), cpu_seconds()
    report(args.site, articles, stories)
    print(f"analyse_archive {analysed - before:.1f}s, compute_stories {middle - analysed:.1f}s, "
          f"related_coverage {after - middle:.1f}s")
    print(f"stories (with analysis) {middle - before:.1f}s, related {after - middle:.1f}s, total {after - before:.1f}s "
          f"wall, {cpu_after - cpu_before:.1f}s CPU; peak memory {peak_mb():.0f} MB ({loaded_mb:.0f} MB after loading)")


def report(site: Path, articles: list[Article], stories) -> None:
    path_of = {a.slug: a.path for a in articles}
    story_of, event_of = {}, {}
    for story in stories:
        for event in story.events:
            for version in event.versions:
                story_of[path_of[version.slug]] = story.id
                event_of[path_of[version.slug]] = event.id
    labels = site / "labels.csv"
    story_score = story_scores(story_of, read_labels(labels))
    version = version_scores(event_of, read_labels(labels, "event"))
    print(f"stories: {len(stories)} computed for {story_score.items} labelled articles")
    print(f"  pairwise P {story_score.pairwise_precision:.3f} R {story_score.pairwise_recall:.3f} "
          f"F1 {story_score.pairwise_f1:.3f}")
    print(f"  B-cubed  P {story_score.bcubed_precision:.3f} R {story_score.bcubed_recall:.3f} "
          f"F1 {story_score.bcubed_f1:.3f}")
    print(f"versions: pairwise P {version.precision:.3f} R {version.recall:.3f} F1 {version.f1:.3f}")


if __name__ == "__main__":
    main()
