"""Stories and their events: explicit `story:` keys; other articles get a story of their own."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from .config import StoryWeights
from .model import Article, Event, Story, StoryInfo, Version


def compute_stories(articles: Sequence[Article], registry: Sequence[StoryInfo],
                    canonical: Callable[[str], str], weights: StoryWeights) -> tuple[Story, ...]:
    """Group articles into stories of events, newest activity first; events and versions oldest first."""
    info = {s.id: s for s in registry}
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        members[article.story or article.slug].append(article)
    stories = []
    for story_id, items in members.items():
        items.sort(key=lambda a: (a.date, a.slug))
        events = tuple(Event(a.slug, a.date, (Version(a.slug, 1.0),)) for a in items)
        known = info.get(story_id)
        explicit = items[0].story is not None
        stories.append(Story(story_id, known.title if known else items[0].title,
                             known.summary if known else items[0].summary, explicit, events,
                             known.status if known else "developing"))
    stories.sort(key=lambda s: (s.events[-1].date, s.id), reverse=True)
    return tuple(stories)
