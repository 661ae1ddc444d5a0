import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import feedparser

from site_builder.site.formats.feeds import FeedEntry, atom_feed, xml_text

UTC = UTC
HOSTILE = '</script><script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }} & <b>'


def entry(n: int, **changes: object) -> FeedEntry:
    moment = datetime(2025, 6, 23, 10, n, tzinfo=UTC)
    values = dict(id=f"tag:example.org,2025:{n}", title=f"Title {n}",
                  url=f"https://example.org/articles/{n}/", published=moment, updated=moment,
                  summary=f"Summary {n}", source="Reuters", categories=("diplomacy",))
    values.update(changes)
    return FeedEntry(**values)  # type: ignore[arg-type]


def feed(entries: list[FeedEntry], **changes: object) -> bytes:
    values = dict(feed_id="https://example.org/", title="News archive",
                  self_url="https://example.org/feed.xml", page_url="https://example.org/",
                  updated=datetime(2020, 1, 1, tzinfo=UTC), entries=entries)
    values.update(changes)
    return atom_feed(**values)  # type: ignore[arg-type]


def test_feed_parses_and_orders_newest_first() -> None:
    parsed = feedparser.parse(feed([entry(1), entry(3), entry(2)]))
    assert parsed.bozo == 0
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == ["Title 3", "Title 2", "Title 1"]
    assert parsed.entries[0].link == "https://example.org/articles/3/"
    assert parsed.entries[0].author == "Reuters"
    assert parsed.entries[0].tags[0].term == "diplomacy"
    assert parsed.feed.updated_parsed[:5] == (2025, 6, 23, 10, 3)
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"self": "https://example.org/feed.xml", "alternate": "https://example.org/"}


def test_empty_feed_uses_given_updated() -> None:
    parsed = feedparser.parse(feed([]))
    assert parsed.bozo == 0
    assert parsed.feed.updated_parsed[:3] == (2020, 1, 1)


def test_hostile_strings_stay_text() -> None:
    data = feed([entry(1, title=HOSTILE, summary=HOSTILE, source=HOSTILE,
                       url="javascript:alert(1)", categories=(HOSTILE,))], title=HOSTILE)
    assert b"<script>" not in data and b"<img" not in data
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    assert parsed.feed.title == HOSTILE
    assert parsed.entries[0].title == HOSTILE
    assert parsed.entries[0].title_detail.type == "text/plain"


def test_control_characters_are_stripped() -> None:
    nasty = "Bad\x00 \x07title\x1b\ufffe ok\tfine"
    data = feed([entry(1, title=nasty, summary=nasty, source=nasty)], title=nasty)
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    assert parsed.entries[0].title == "Bad title ok\tfine"


def test_naive_and_mixed_zone_dates() -> None:
    early = datetime(2025, 6, 23, 9, 0, tzinfo=timezone(timedelta(hours=3)))
    naive = datetime(2025, 6, 23, 8, 0)
    parsed = feedparser.parse(feed([entry(1, published=early, updated=early),
                                    entry(2, published=naive, updated=naive)]))
    assert parsed.bozo == 0
    assert [e.title for e in parsed.entries] == ["Title 2", "Title 1"]


def test_xml_text_keeps_ordinary_unicode() -> None:
    assert xml_text("Araghchi — عراقچی 😀\n") == "Araghchi — عراقچی 😀\n"


def test_an_entry_without_a_readable_title_or_source_is_named_and_linked_as_a_page() -> None:
    xml = feed([entry(1, title="\x00\x01", source="\x02", summary="")], title="\x03").decode("utf-8")
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0
    assert parsed.feed.title == "(untitled)" and parsed.entries[0].title == "(untitled)"
    assert parsed.entries[0].author == "unknown" and "<summary" not in xml
    assert [(link.rel, link.href) for link in parsed.entries[0].links] == [
        ("alternate", "https://example.org/articles/1/")]
    assert parsed.entries[0].published_parsed[:5] == parsed.entries[0].updated_parsed[:5] == (2025, 6, 23, 10, 1)


def test_the_feed_names_its_author_and_types_its_links() -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed([entry(1)]))
    assert root.findtext(f"{atom}author/{atom}name") == "News archive"
    assert [link.attrib for link in root.findall(atom + "link")] == [
        {"href": "https://example.org/feed.xml", "rel": "self", "type": "application/atom+xml"},
        {"href": "https://example.org/", "rel": "alternate", "type": "text/html"}]
    untitled = ET.fromstring(feed([entry(1)], title="\x03"))
    assert untitled.findtext(f"{atom}author/{atom}name") == untitled.findtext(atom + "title") == "(untitled)"
