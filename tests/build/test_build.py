"""The whole example archive builds into the pages PRODUCT.md promises."""
import re
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.errors import SiteError
from tests.conftest import write_article

REUTERS = "articles/2025/06/23/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes/index.html"
HORMUZ = "articles/2025/06/23/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz/index.html"


@pytest.fixture
def built(built_example: Path) -> Path:
    return built_example / "output"


def page(output: Path, rel: str) -> str:
    return (output / rel).read_text(encoding="utf-8")


def test_every_page_kind_is_written(built: Path) -> None:
    for rel in ["index.html", "404.html", "robots.txt", "sitemap.xml", "feed.xml", "assets/style.css",
                "stories/index.html", "stories/iran-us-strikes-2025/index.html",
                "stories/iran-us-strikes-2025/feed.xml", "stories/iran-us-strikes-2025/timeline.json",
                "stories/iran-us-strikes-2025/coverage.svg", REUTERS, HORMUZ,
                "entities/abbas-araqchi/index.html", "entities/abbas-araqchi/feed.xml",
                "sources/business-recorder/index.html", "sources/daily8/index.html",
                "archive/2025/06/index.html", "archive/index.html", "entities/index.html", "sources/index.html"]:
        assert (built / rel).is_file(), rel
    assert len(list(built.glob("articles/2025/06/23/*/index.html"))) == 5


def test_story_timeline_lists_its_articles(built: Path) -> None:
    """Which articles; their order is proved in tests/site/test_pages.py (these share one date)."""
    html = page(built, "stories/iran-us-strikes-2025/index.html")
    titles = re.findall(r'<h3 class="item-title"><a href="[^"]+">([^<]+)</a>', html)
    assert len(titles) >= 3
    assert "Russian streamer" not in html
    for title in ["Strait of Hormuz", "PM Shehbaz chairs NSC meeting", "Iran&#39;s supreme leader asks Putin"]:
        assert title in html


def test_alias_spellings_land_on_one_entity_page(built: Path) -> None:
    html = page(built, "entities/abbas-araqchi/index.html")
    assert "<h1>Abbas Araqchi</h1>" in html
    assert "Extremely dangerous" in html            # spells him Araghchi
    assert "Iran&#39;s supreme leader asks Putin" in html   # spells him Araqchi
    assert not (built / "entities/abbas-araghchi").exists()


def test_article_page_has_one_h1_lang_and_metadata(built: Path) -> None:
    html = page(built, REUTERS)
    assert html.count("<h1") == 1
    assert '<html lang="en">' in html
    assert '"@type": "NewsArticle"' in html or '"@type":"NewsArticle"' in html
    assert 'property="og:title"' in html
    assert "Daily8" in html and "via Reuters" in html and "ISTANBUL/MOSCOW" in html
    assert "Related coverage" in html


def test_links_use_the_base_url(example_site: Path) -> None:
    result = build(example_site, BuildOptions(search=False, jobs=1, base_url="https://example.org/archive/"))
    html = page(result.output, REUTERS)
    hrefs = re.findall(r'(?:href|src)="([^"]+)"', html)
    internal = [h for h in hrefs if not h.startswith(("http://", "https://", "#"))]
    assert internal and all(h.startswith("/archive/") for h in internal), internal
    assert '<link rel="canonical" href="https://example.org/archive/articles/' in html


def test_site_templates_override_package_defaults(example_site: Path) -> None:
    (example_site / "templates").mkdir()
    (example_site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Lost in the archive</h1>{% endblock %}', encoding="utf-8")
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert "Lost in the archive" in page(result.output, "404.html")
    assert "Page not found" not in page(result.output, "404.html")


def test_template_error_is_located(example_site: Path) -> None:
    (example_site / "templates").mkdir()
    (example_site / "templates/404.html").write_text("{% block content %}\n{{ broken(\n", encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        build(example_site, BuildOptions(search=False, jobs=1))
    assert str(caught.value).startswith(str(example_site / "templates/404.html") + ":2: template error")


def test_long_lists_are_paginated(example_site: Path) -> None:
    (example_site / "site.toml").write_text('per_page = 2\n', encoding="utf-8")
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert (result.output / "entities/iran/page/2/index.html").exists()
    assert (result.output / "page/3/index.html").exists()
    first = page(result.output, "entities/iran/index.html")
    assert 'rel="next" href="/entities/iran/page/2/"' in first
    assert first.count('<li>\n    <article>') == 2


def test_parallel_render_equals_serial(tmp_path: Path, example_site: Path) -> None:
    for n in range(300):
        write_article(example_site, f"extra-{n}.md",
                      f"---\ntitle: Extra {n}\ndate: 2025-07-{1 + n % 28:02d}\nsource: Outlet {n % 7}\n"
                      f"entities: [Iran, Person {n % 13}]\n---\nParagraph {n} about Iran.\n")
    serial = build(example_site, BuildOptions(search=False, jobs=1, output=tmp_path / "one"))
    parallel = build(example_site, BuildOptions(search=False, jobs=2, output=tmp_path / "two"))
    assert serial.pages == parallel.pages
    for path in (tmp_path / "one").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes(), path


def test_nothing_changed_writes_nothing(example_site: Path) -> None:
    first = build(example_site, BuildOptions(search=False, jobs=1))
    again = build(example_site, BuildOptions(search=False, jobs=1))
    assert first.written == first.pages and again.written == 0 and again.removed == 0


def test_drafts_only_with_flag(example_site: Path) -> None:
    write_article(example_site, "draft.md", "---\ntitle: Draft\ndate: 2025-06-23\nsource: X\ndraft: true\n---\nx\n")
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert not (result.output / "articles/2025/06/23/draft").exists()
    result = build(example_site, BuildOptions(search=False, jobs=1, drafts=True))
    assert (result.output / "articles/2025/06/23/draft/index.html").exists()


def test_hostile_title_is_text(example_site: Path) -> None:
    write_article(example_site, "evil.md", '---\ntitle: "<script>alert(1)</script> {{ 7*7 }}"\ndate: 2025-06-23\n'
                  'source: "\\"><img src=x onerror=alert(1)>"\n---\n<script>alert(2)</script>\n')
    result = build(example_site, BuildOptions(search=False, jobs=1))
    html = page(result.output, "articles/2025/06/23/evil/index.html")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
