from __future__ import annotations

from datetime import UTC, datetime

from site_builder.core.config import RelatedWeights
from site_builder.core.model import Article, Event, Relation, Story, Version
from site_builder.core.slugs import slugify
from site_builder.intel.related import relation
from site_builder.intel.segments import related_coverage
from site_builder.site.wording import reasons, relative_time
from tests.factories import article

WHEN = datetime(2025, 1, 1, 12, tzinfo=UTC)


def covering(slug: str, entities: list[str], hours: float, text: str, related: tuple[str, ...] = ()) -> Article:
    """An article whose title, summary and body are `text`."""
    return article(slug, text, hours, "S", text, when=WHEN, entities=entities, related=related, summary=text)


def test_related_ranked_with_reasons_and_editor_links_first():
    articles = [covering("a", ["Rare Person", "Iran"], 0, "dam collapse floods valley villages", ("z",)),
                covering("b", ["Rare Person", "Iran"], 3, "dam collapse floods valley rescue"),
                covering("c", ["Iran"], 1, "football league result"),
                covering("z", ["Other", "Iran"], 400, "unrelated gardening tips"),
                covering("a2", ["Rare Person"], 1, "dam collapse floods valley villages")]
    stories = (Story("s", "S", "", False, (Event("a", WHEN, (Version("a"), Version("a2"))), Event("b", WHEN, (Version("b"),)))),)
    related = related_coverage(articles, stories, slugify, RelatedWeights(), names={"rare-person": "Rare P."})
    links = related["a"]
    assert [link.slug for link in links][:2] == ["z", "b"]
    assert links[0].why == Relation(editor=True) and reasons(links[0].why) == ("linked by the editor",)
    assert links[1].why == Relation(False, ("Rare P.", "Iran"), True, False, 0, 3 * 3600.0)
    assert reasons(links[1].why) == ("shares Rare P., Iran", "same story", "3 hours later")
    assert "a2" not in [link.slug for link in links]  # own version
    assert set(related) == {a.slug for a in articles}


def test_another_event_is_one_link_however_many_outlets_copied_it():
    """Three outlets' copies of one happening are one related link (the most alike), not three
    entries with one headline; the slots go to other events."""
    text = "dam collapse floods valley villages"
    articles = [covering("a", ["Rare Person"], 0, text),
                *(covering(f"copy-{n}", ["Rare Person"], 1 + n, text + " rescue") for n in range(3)),
                covering("other", ["Rare Person"], 2, "dam collapse floods valley farms")]
    copies = Event("copy-0", WHEN, tuple(Version(f"copy-{n}") for n in range(3)))
    stories = (Story("s", "S", "", False, (Event("a", WHEN, (Version("a"),)), copies,
                                           Event("other", WHEN, (Version("other"),)))),)
    links = [link.slug for link in related_coverage(articles, stories, slugify, RelatedWeights())["a"]]
    assert sorted(links) == ["copy-0", "other"]


def test_when_phrases():
    a = covering("a", [], 0, "x")

    def when(other: Article) -> str:
        return relative_time(relation(a, other, {}, {}, {}, None))
    assert when(covering("b", [], 1, "x")) == "1 hour later"
    assert when(covering("b", [], -50, "x")) == "2 days earlier"
    assert when(covering("b", [], 0.2, "x")) == "within the hour"
    assert relative_time(Relation(by_day=True, days=-1, seconds=-3600.0)) == "1 day earlier"
    assert relative_time(Relation(by_day=True, days=0, seconds=7200.0)) == "same day"
