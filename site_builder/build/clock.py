"""The stage clock: how long each stage of one build took (`build --timings`)."""
from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

STAGES = ("load", "story intelligence", "routes", "contexts", "render", "data files", "search", "commit", "manifest")


@dataclass
class StageClock:
    """Seconds per stage (one of `STAGES`), added up as the build goes."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - started

    def share(self, seconds: float, weights: Mapping[str, float]) -> None:
        """Split `seconds` of wall time among stages in proportion to `weights` (the seconds the
        worker processes spent on each: in parallel they add up to more than the wall time)."""
        total = sum(weights.values())
        for name, weight in weights.items():
            self.seconds[name] += seconds * weight / total if total else seconds / len(weights)
