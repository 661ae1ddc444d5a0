"""Whether two events belong to one story: a logistic model over what they share.

The coefficients ship as the defaults; `benchmarks/train_stories.py WIKIPEDIA SYNTHETIC SEED:0.1`
fits them on labelled pairs of events: real items of Wikipedia's "Current events" portal (one
sentence each), the synthetic archive (long articles) and, lightly weighted, the example archive
without its `story:` keys; then moves the "short" coefficient to the best B-cubed F1
(benchmarks/README.md has the figures). Short texts share few words, so their cosines say less:
the model weighs each cosine by how much text it rests on. The `[stories]` settings scale the
evidence: `entities` and `text` multiply the cosines, `window_days` sets how fast closeness in
time fades, `threshold` is the likelihood an event needs to join a story.
"""
from __future__ import annotations

import numpy as np

from ..core.config import StoryWeights
from .similarity import PairEvidence, closeness
from .sparse import sp

FEATURES = ("text", "entities", "titles", "text x evidence", "entities x evidence", "titles x evidence",
            "closeness", "same day", "same day x evidence", "evidence", "short", "entities x short",
            "same day x short", "bias")
SHORT = 4.0   # evidence below this (about fifty words) is a short text
COEFFICIENTS = np.array([-6.371, -13.575, -52.218, 6.441, 5.561, 16.452, -0.032, 0.382, 1.807, -5.067, -9.708,
                         2.870, -4.439, 12.450])


def pair_features(pairs: PairEvidence, weights: StoryWeights) -> np.ndarray:
    """One row of FEATURES per candidate pair."""
    text, entities, titles = pairs.text * weights.text, pairs.entities * weights.entities, pairs.titles * weights.text
    near = closeness(pairs.apart, weights.window_days)
    evidence, same_day = pairs.evidence, (pairs.apart < 1.0).astype(np.float64)
    short = np.clip(SHORT - evidence, 0.0, None)
    return np.stack([text, entities, titles, text * evidence, entities * evidence, titles * evidence,
                     near, same_day, same_day * evidence, evidence, short, entities * short, same_day * short,
                     np.ones(len(text))], axis=1)


def probability(features: np.ndarray, coefficients: np.ndarray | None = None) -> np.ndarray:
    """The model's likelihood for each row of features (with COEFFICIENTS unless others are given)."""
    z = features @ (COEFFICIENTS if coefficients is None else coefficients)
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def same_story(pairs: PairEvidence, weights: StoryWeights) -> sp.csr_matrix:
    """Events x events: the probability that two candidate events are one story, times their
    `closeness` in time (the weight the clustering's average gives an event of the story)."""
    chance = probability(pair_features(pairs, weights)) * closeness(pairs.apart, weights.window_days)
    return sp.csr_matrix((chance, (pairs.rows, pairs.cols)), shape=(pairs.count, pairs.count))
