import xml.etree.ElementTree as ET
from datetime import date, timedelta

from site_builder.site.formats.chart import OTHER, bucket_counts, coverage_chart, nice_ticks, summary_text

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '</script><script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }} &'
DAY = date(2025, 6, 23)
SEED = {(DAY, "Daily8"): 2, (DAY, "Reuters"): 1, (DAY, "Business Recorder"): 1,
        (DAY, "Express Tribune"): 1}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def only(root: ET.Element, path: str) -> ET.Element:
    """The one element at `path` (an assertion, not a None, when there is none)."""
    found = root.find(path)
    assert found is not None, path
    return found


def test_text_alternative_summarises() -> None:
    root = parse(coverage_chart(SEED, title="Coverage of the story"))
    assert root.get("role") == "img"
    assert only(root, f"{SVG}title").text == "Coverage of the story"
    desc = only(root, f"{SVG}desc").text or ""
    assert desc.startswith("5 articles from 4 sources between 23 June 2025 and 23 June 2025.")
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert only(root, f"{SVG}title").get("id") == title_id
    assert only(root, f"{SVG}desc").get("id") == desc_id


def test_bars_cover_every_day_and_stack_per_source() -> None:
    counts = {(DAY, "A"): 2, (DAY + timedelta(4), "B"): 3, (DAY + timedelta(4), "A"): 1}
    bars = bucket_counts(counts)
    assert len(bars.starts) == 5 and not bars.weekly
    assert bars.series == ("A", "B")
    assert bars.values[0] == (2, 0) and bars.values[4] == (1, 3) and bars.values[2] == (0, 0)
    root = parse(coverage_chart(counts, title="t"))
    segments = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(segments) == 3
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Articles" in texts and "Day" in texts and "A" in texts and "B" in texts


def test_long_spans_are_bucketed_by_week() -> None:
    counts = {(DAY + timedelta(n), "A"): 1 for n in range(0, 200, 3)}
    bars = bucket_counts(counts)
    assert bars.weekly and len(bars.starts) <= 60
    assert all(start.weekday() == 0 for start in bars.starts)
    assert sum(map(sum, bars.values)) == len(counts)
    root = parse(coverage_chart(counts, title="t"))
    assert "Week starting" in [t.text for t in root.iter(f"{SVG}text")]


def test_top_eight_sources_then_other() -> None:
    counts = {(DAY, f"Source {n:02}"): 20 - n for n in range(12)}
    bars = bucket_counts(counts)
    assert bars.series[:8] == tuple(f"Source {n:02}" for n in range(8))
    assert bars.series[8] == OTHER and len(bars.series) == 9
    assert bars.values[0][8] == sum(20 - n for n in range(8, 12))


def test_small_mode_has_no_legend() -> None:
    root = parse(coverage_chart(SEED, title="t", small=True))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Daily8" not in texts and "Articles" not in texts
    assert int(root.get("width", "")) < 640


def test_hostile_strings_are_text() -> None:
    counts = {(DAY, HOSTILE): 3, (DAY, "ok"): 1}
    svg = coverage_chart(counts, title=HOSTILE + "\x00\x1b")
    assert "<script" not in svg and "<img" not in svg and "{{ 7*7 }}" in svg
    root = parse(svg)
    assert only(root, f"{SVG}title").text == HOSTILE
    assert HOSTILE in [t.text for t in root.iter(f"{SVG}text")] or any(
        (t.text or "").startswith("</script>") for t in root.iter(f"{SVG}text"))


def test_no_script_or_external_resources() -> None:
    svg = coverage_chart(SEED, title="t")
    assert "<script" not in svg and "href" not in svg and "@import" not in svg and "url(" not in svg


def test_empty_counts() -> None:
    root = parse(coverage_chart({}, title="t"))
    assert only(root, f"{SVG}desc").text == "No articles."
    assert summary_text({(DAY, "A"): 0}) == "No articles."


def test_nice_ticks() -> None:
    assert nice_ticks(1) == (0, 1)
    assert nice_ticks(5) == (0, 2, 4, 6)
    assert nice_ticks(17) == (0, 5, 10, 15, 20)
    assert nice_ticks(0) == (0, 1)
