"""Fit the story model's coefficients (`site_builder/intel/storymodel.py`) on labelled archives.

    python benchmarks/train_stories.py SITE[:WEIGHT] [SITE[:WEIGHT] …] [--holdout]

Each SITE has `labels.csv` (path,story). Pairs of candidate events, as the build finds them, are
labelled "one story" when their first versions share a label; each site's pairs weigh WEIGHT
(default 1) in all in the fit (an L2-regularised logistic regression). The likelihood fit does not know that a story is
judged by B-cubed scores, so the coefficient of "short" (pairs of short texts) is then moved to
where the sites' mean B-cubed F1 at the default threshold is best. Prints the coefficients to paste into storymodel.py
and the B-cubed scores the build then reaches on each site at several thresholds. `--holdout`
fits on the older half of every site and scores the newer half, to see how the fit generalises.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quality import canonical_of, load  # noqa: E402

from site_builder.core.config import StoryWeights  # noqa: E402
from site_builder.core.model import Article, Registries  # noqa: E402
from site_builder.intel import (
    stories,  # noqa: E402
    storymodel,  # noqa: E402
)
from site_builder.intel.evaluate import read_labels, story_scores  # noqa: E402
from site_builder.intel.segments import compute_stories  # noqa: E402
from site_builder.intel.similarity import PairEvidence  # noqa: E402
from site_builder.intel.stories import cluster  # noqa: E402
from site_builder.intel.storymodel import (  # noqa: E402
    FEATURES,
    pair_features,
    same_story,  # noqa: E402
)


@dataclass
class Site:
    name: str
    articles: list[Article]
    registries: Registries
    labels: dict[str, str]
    features: np.ndarray     # candidate pairs x FEATURES
    same: np.ndarray         # 1.0 where the pair is one story
    newer: np.ndarray        # True where both events are in the newer half
    weight: float = 1.0


def prepare(path: Path, weights: StoryWeights) -> Site:
    """The candidate pairs of events exactly as the build finds them (events are happenings,
    grouped from reports part by part), each labelled by its first articles' stories."""
    articles, registries = load(path, 2)
    labels = read_labels(path / "labels.csv")
    path_of = {a.slug: a.path for a in articles}
    found: list[tuple[PairEvidence, list[str], list[float]]] = []
    pairs_of_part: list[PairEvidence] = []

    def recording_same_story(pairs, weights):
        pairs_of_part.append(pairs)
        return same_story(pairs, weights)

    def recording_cluster(similar, days, keys, *rest, **named):
        found.append((pairs_of_part[-1], list(keys), list(days)))
        return cluster(similar, days, keys, *rest, **named)

    with patch.object(stories, "same_story", recording_same_story), patch.object(stories, "cluster", recording_cluster):
        compute_stories(articles, registries.stories, canonical_of(registries), weights)
    rows, same, days_of = [], [], []
    for pairs, keys, days in found:
        label = np.array([labels.get(path_of.get(k, ""), f"?{k}") for k in keys])
        rows.append(pair_features(pairs, weights))
        same.append((label[pairs.rows] == label[pairs.cols]).astype(np.float64))
        day = np.array(days)
        days_of.append(np.stack([day[pairs.rows], day[pairs.cols]], axis=1))
    both = np.concatenate(days_of)
    middle = np.median([a.date.timestamp() / 86400 for a in articles])
    newer = (both[:, 0] >= middle) & (both[:, 1] >= middle)
    return Site(path.name, articles, registries, labels, np.concatenate(rows), np.concatenate(same), newer)


def fit(sites: list[Site], pick: str, l2: float = 0.01) -> np.ndarray:
    """Logistic regression, each site's pairs weighing one in all."""
    parts = [(s.features[_rows(s, pick)], s.same[_rows(s, pick)]) for s in sites]
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    w = np.concatenate([np.full(len(p[1]), s.weight / max(len(p[1]), 1)) for s, p in zip(sites, parts)]) * len(y)

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ beta
        chance = 1.0 / (1.0 + np.exp(-z))
        value = np.sum(w * (np.logaddexp(0.0, z) - y * z)) + l2 * beta @ beta
        return value, x.T @ (w * (chance - y)) + 2 * l2 * beta

    return minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x


def _rows(site: Site, pick: str) -> np.ndarray:
    return {"all": np.ones(len(site.same), bool), "older": ~site.newer, "newer": site.newer}[pick]


def score(site: Site, coefficients: np.ndarray, threshold: float, newer_only: bool) -> tuple[float, float, float]:
    with patch.object(storymodel, "COEFFICIENTS", coefficients):
        stories = compute_stories(site.articles, site.registries.stories, canonical_of(site.registries),
                                  StoryWeights(threshold=threshold))
    path_of = {a.slug: a.path for a in site.articles}
    computed = {path_of[v.slug]: s.id for s in stories for e in s.events for v in e.versions}
    labels = site.labels
    if newer_only:
        middle = np.median([a.date.timestamp() for a in site.articles])
        labels = {a.path: labels[a.path] for a in site.articles if a.date.timestamp() >= middle and a.path in labels}
    result = story_scores(computed, labels)
    return result.bcubed_precision, result.bcubed_recall, result.bcubed_f1


def calibrated(sites: list[Site], coefficients: np.ndarray) -> np.ndarray:
    """`coefficients` with the "short" one moved to the best mean B-cubed F1 (least move on ties)."""
    short = FEATURES.index("short")
    best, best_f1 = coefficients, -1.0
    for move in (0.0, -1.0, -2.0, -3.0, -5.0, -8.0):
        trial = coefficients.copy()
        trial[short] += move
        f1 = float(np.mean([score(site, trial, StoryWeights().threshold, False)[2] for site in sites]))
        if f1 > best_f1 + 1e-4:
            best, best_f1 = trial, f1
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sites", nargs="+")
    parser.add_argument("--holdout", action="store_true")
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.5, 0.7, 0.9])
    args = parser.parse_args()
    sites = []
    for spec in args.sites:
        path, _, weight = spec.partition(":")
        sites.append(prepare(Path(path), StoryWeights()))
        sites[-1].weight = float(weight or 1)
    coefficients = calibrated(sites, fit(sites, "older" if args.holdout else "all", args.l2))
    print("COEFFICIENTS = np.array([" + ", ".join(f"{c:.3f}" for c in coefficients) + "])")
    print("  " + ", ".join(f"{n}: {c:.2f}" for n, c in zip(FEATURES, coefficients)))
    for site in sites:
        for threshold in args.thresholds:
            p, r, f = score(site, coefficients, threshold, args.holdout)
            print(f"{site.name:32} threshold {threshold:.2f}: B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}"
                  + (" (newer half)" if args.holdout else ""))


if __name__ == "__main__":
    main()
