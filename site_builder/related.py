"""Related coverage for every article: explicit `related:` links."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from .config import RelatedWeights
from .model import Article, RelatedLink, Story


def related_coverage(articles: Sequence[Article], stories: Sequence[Story], canonical: Callable[[str], str],
                     weights: RelatedWeights, names: object = None) -> dict[str, tuple[RelatedLink, ...]]:
    """Up to `weights.count` related articles per article slug, explicit links first."""
    known = {a.slug for a in articles}
    return {a.slug: tuple(RelatedLink(s, 1.0, ("linked by the editor",)) for s in a.related
                          if s in known and s != a.slug)[: weights.count]
            for a in articles}
