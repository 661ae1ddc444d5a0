"""Archived copies: `archived`/`archived_at` in front matter, filled by `import` from a Wayback
Machine address, linked on the article page beside the original and carried in its JSON-LD."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from site_builder.build.pipeline import BuildOptions, build
from site_builder.content.articles import parse_article
from site_builder.importer.plan import import_paths
from site_builder.importer.wayback import wayback_capture
from tests.factories import article_text, read_post
from tests.importer.test_import import HTML, site  # noqa: F401  (the fixture)

ORIGINAL = "https://www.coastalherald.example/news/2025/06/24/harbour-pilots-strike-rotterdam"
WAYBACK = f"https://web.archive.org/web/20250624093012/{ORIGINAL}"
UTC_ZONE = ZoneInfo("UTC")


def test_a_wayback_address_names_the_original_and_the_capture_time() -> None:
    capture = wayback_capture(WAYBACK)
    assert capture is not None
    assert capture.original == ORIGINAL and capture.archived == WAYBACK
    assert capture.archived_at == datetime(2025, 6, 24, 9, 30, 12, tzinfo=UTC)
    flagged = wayback_capture(f"https://web.archive.org/web/20250624093012id_/{ORIGINAL}")
    assert flagged is not None and flagged.original == ORIGINAL


def test_other_addresses_and_impossible_times_are_no_capture() -> None:
    assert wayback_capture(ORIGINAL) is None
    assert wayback_capture(None) is None
    assert wayback_capture(f"https://web.archive.org/web/20251345093012/{ORIGINAL}") is None
    assert wayback_capture(f"https://example.com/web/20250624093012/{ORIGINAL}") is None


def test_import_of_a_saved_wayback_page_fills_url_archived_and_archived_at(site: Path, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "saved.html"
    page.write_text(HTML.read_text(encoding="utf-8").replace(ORIGINAL, WAYBACK), encoding="utf-8")
    report = import_paths([page], site)
    assert report.ok and len(report.written) == 1
    post = read_post(site / report.written[0])
    assert post["url"] == ORIGINAL
    assert post["archived"] == WAYBACK
    parsed = parse_article(site / report.written[0], report.written[0], UTC_ZONE)
    assert parsed.article is not None, parsed.problems
    assert parsed.article.archived == WAYBACK
    assert parsed.article.archived_at == datetime(2025, 6, 24, 9, 30, 12, tzinfo=UTC)


def test_a_plain_saved_page_has_no_archived_copy(site: Path) -> None:  # noqa: F811
    report = import_paths([HTML], site)
    post = read_post(site / report.written[0])
    assert "archived" not in post.metadata and "archived_at" not in post.metadata


def test_archived_must_be_an_address_and_archived_at_a_date(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text(article_text(extra="archived: ftp://x\narchived_at: 2025-02-30\n"), encoding="utf-8")
    problems = parse_article(path, "x.md", UTC_ZONE).problems
    messages = {(p.line, p.message.split(":")[0]) for p in problems}
    assert (5, "'archived' must be an http") in messages
    assert (6, "'archived_at' is not a real date") in messages


def _built(tmp_path: Path, extra: str) -> tuple[str, dict[str, object]]:
    site = tmp_path / "site"
    (site / "content/articles").mkdir(parents=True)
    (site / "content/articles/a.md").write_text(
        article_text("Harbour strike", "2025-06-24T08:15:00+02:00", "Daily8", f"url: {ORIGINAL}\n{extra}",
                     "Ship movements stopped at the port."), encoding="utf-8")
    output = build(site, BuildOptions(search=False, jobs=1)).output
    html = (output / "articles/2025/06/24/a/index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    return html, json.loads(found.group(1))


def test_the_article_page_links_the_capture_beside_the_original_with_its_time(tmp_path: Path) -> None:
    html, jsonld = _built(tmp_path, f"archived: {WAYBACK}\narchived_at: 2025-06-24T11:30:12+02:00\n")
    footer = html[html.index("Original:"):]
    archived = footer[footer.index('class="archived"'):]
    assert f'href="{WAYBACK}"' in archived
    assert '<time datetime="2025-06-24T09:30:12+00:00">24 June 2025, 09:30 UTC</time>' in archived
    assert jsonld["archivedAt"] == WAYBACK
    assert jsonld["isBasedOn"] == ORIGINAL


def test_an_article_without_a_capture_shows_none(tmp_path: Path) -> None:
    html, jsonld = _built(tmp_path, "")
    assert "Archived copy" not in html and "archivedAt" not in jsonld


def test_an_edited_capture_rebuilds_incrementally_as_a_clean_build_makes_it(tmp_path: Path) -> None:
    _built(tmp_path, f"archived: {WAYBACK}\n")
    site = tmp_path / "site"
    path = site / "content/articles/a.md"
    newer = WAYBACK.replace("20250624093012", "20250701000000")
    path.write_text(path.read_text(encoding="utf-8").replace(WAYBACK, newer), encoding="utf-8")
    incremental = build(site, BuildOptions(search=False, jobs=1)).output
    clean = build(site, BuildOptions(search=False, jobs=1, clean=True, output=tmp_path / "clean")).output
    files = sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(incremental) for p in incremental.rglob("*") if p.is_file())
    page = "articles/2025/06/24/a/"
    for name in (page + "index.html", page + "cite.bib", page + "cite.ris", page + "cite.json"):
        assert (incremental / name).read_bytes() == (clean / name).read_bytes(), name
    assert newer in (incremental / page / "cite.bib").read_text(encoding="utf-8")


SAVED = "/assets/captures/harbour-strike.html"


def _own_capture_site(tmp_path: Path, saved: bool) -> Path:
    site = tmp_path / "site"
    (site / "content/articles").mkdir(parents=True)
    (site / "content/articles/a.md").write_text(
        article_text("Harbour strike", "2025-06-24", "Daily8", f"archived: {SAVED}\n", "Ship movements stopped."),
        encoding="utf-8")
    if saved:
        (site / "static/captures").mkdir(parents=True)
        (site / "static/captures/harbour-strike.html").write_text("<!DOCTYPE html><title>Saved</title>", encoding="utf-8")
    return site


def test_a_capture_the_site_publishes_is_linked_below_the_base_and_cited_in_full(tmp_path: Path) -> None:
    site = _own_capture_site(tmp_path, saved=True)
    output = build(site, BuildOptions(search=False, jobs=1, base_url="https://arch.example/coverage/")).output
    page = output / "articles/2025/06/24/a"
    html = (page / "index.html").read_text(encoding="utf-8")
    archived = html[html.index('class="archived"'):]
    assert 'href="/coverage/assets/captures/harbour-strike.html"' in archived
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found and json.loads(found.group(1))["archivedAt"] == "https://arch.example/coverage" + SAVED
    assert f"UR  - https://arch.example/coverage{SAVED}" in (page / "cite.ris").read_text(encoding="utf-8")
    assert (output / SAVED.lstrip("/")).is_file()


def test_check_reports_a_capture_path_the_site_does_not_publish(tmp_path: Path) -> None:
    from site_builder.check.lint import check_site
    problems = check_site(_own_capture_site(tmp_path, saved=False)).problems
    assert any("harbour-strike.html" in p.message for p in problems), [p.message for p in problems]


def test_archived_paths_outside_the_site_are_refused(tmp_path: Path) -> None:
    for where in ("/../etc/passwd", "//evil.example/x", "/a/./b", "captures/x.html", "/a b.html"):
        path = tmp_path / "x.md"
        path.write_text(article_text(extra=f"archived: '{where}'\n"), encoding="utf-8")
        problems = parse_article(path, "x.md", UTC_ZONE).problems
        assert any(p.line == 5 and "'archived' must be an http" in p.message for p in problems), where
