import json
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

from site_builder.site.formats.jsonld import item_list_jsonld, news_article_jsonld, script_safe_json

HOSTILE = '</script><script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }} <!-- & \u2028'
ZONE = timezone(timedelta(hours=3))


def article(**changes: object) -> str:
    values = dict(headline="Iran's leader asks Putin to do more",
                  url="https://example.org/articles/2025/06/23/x/",
                  date_published=datetime(2025, 6, 23, 10, 30, tzinfo=ZONE), date_modified=None,
                  dateline="ISTANBUL/MOSCOW", authors=[], publisher="Daily8",
                  based_on="https://reuters.example/original", about=["Ali Khamenei", "Russia"],
                  description="One sentence.", in_language="en")
    values.update(changes)
    return news_article_jsonld(**values)  # type: ignore[arg-type]


class ScriptText(HTMLParser):
    """Collects the text of every <script> element, as a browser would split it."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "script":
            self.inside = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.scripts[-1] += data


def test_news_article_fields() -> None:
    data = json.loads(article())
    assert data["@type"] == "NewsArticle"
    assert data["@context"] == "https://schema.org"
    assert data["datePublished"] == "2025-06-23T10:30:00+03:00"
    assert data["dateModified"] == data["datePublished"]
    assert data["publisher"] == {"@type": "Organization", "name": "Daily8"}
    assert data["isBasedOn"] == "https://reuters.example/original"
    assert [thing["name"] for thing in data["about"]] == ["Ali Khamenei", "Russia"]
    assert data["inLanguage"] == "en"


def test_optional_fields_are_left_out() -> None:
    data = json.loads(article(dateline=None, based_on=None, about=[], description=""))
    assert not {"dateline", "isBasedOn", "about", "description"} & data.keys()


def test_hostile_headline_cannot_leave_the_script() -> None:
    text = article(headline=HOSTILE, description=HOSTILE, publisher=HOSTILE, about=[HOSTILE])
    assert not re.search(r"[<>&\u2028\u2029]", text)
    parser = ScriptText()
    parser.feed(f'<script type="application/ld+json">{text}</script><p>after</p>')
    assert parser.scripts == [text]
    data = json.loads(text)
    assert data["headline"] == HOSTILE and data["about"][0]["name"] == HOSTILE


def test_item_list_positions() -> None:
    text = item_list_jsonld(name=HOSTILE, url="https://example.org/stories/x/",
                            items=[("First", "/a/"), ("</script>", "/b/")])
    assert "</" not in text
    data = json.loads(text)
    assert data["@type"] == "ItemList" and data["numberOfItems"] == 2
    assert [(i["position"], i["name"], i["url"]) for i in data["itemListElement"]] == [
        (1, "First", "/a/"), (2, "</script>", "/b/")]


def test_script_safe_json_round_trips() -> None:
    value = {"a": "<&>\u2028\u2029 Araghchi — 😀"}
    assert json.loads(script_safe_json(value)) == value
