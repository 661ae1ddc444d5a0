import json
from datetime import datetime, timedelta, timezone

from site_builder.site.formats.timelinejs import TimelineEvent, safe_href, timeline_json

ZONE = timezone(timedelta(hours=3))
HOSTILE = '</script><script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }}'


def event(hour: int, **changes: object) -> TimelineEvent:
    values = dict(date=datetime(2025, 6, 23, hour, 5, tzinfo=ZONE), headline=f"Headline {hour}",
                  text="Text", group="Reuters", url=f"/articles/2025/06/23/a{hour}/")
    values.update(changes)
    return TimelineEvent(**values)  # type: ignore[arg-type]


def test_shape_is_timelinejs3() -> None:
    data = json.loads(timeline_json(title="Iran", summary="Strikes", events=[event(12), event(9)]))
    assert data["title"]["text"] == {"headline": "Iran", "text": "<p>Strikes</p>"}
    first = data["events"][0]
    assert first["start_date"] == {"year": "2025", "month": "6", "day": "23", "hour": "9", "minute": "5"}
    assert first["text"]["headline"] == "Headline 9"
    assert first["text"]["text"] == ('<p>Text</p><p><a href="/articles/2025/06/23/a9/">'
                                     "Read the archived copy</a></p>")
    assert first["group"] == "Reuters"
    ids = [e["unique_id"] for e in data["events"]]
    assert len(set(ids)) == 2


def test_hostile_strings_are_escaped() -> None:
    text = timeline_json(title=HOSTILE, summary=HOSTILE,
                         events=[event(9, headline=HOSTILE, text=HOSTILE, group=HOSTILE,
                                       url='/a/"><script>alert(1)</script>')])
    data = json.loads(text)
    rendered = json.dumps(data)
    assert "<script" not in rendered and "<img" not in rendered
    assert data["events"][0]["text"]["headline"].startswith("&lt;/script&gt;")
    assert 'href="/a/&quot;&gt;&lt;script&gt;' in data["events"][0]["text"]["text"]


def test_javascript_urls_are_dropped() -> None:
    for url in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                "data:text/html,<b>", "vbscript:x"):
        data = json.loads(timeline_json(title="t", summary="", events=[event(9, url=url)]))
        assert "href" not in data["events"][0]["text"]["text"], url
    assert safe_href("https://example.org/x") == "https://example.org/x"
    assert safe_href("") is None
