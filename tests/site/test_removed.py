"""Takedowns that stay down: content/removed.yaml lists removed articles; none of their text is
published anywhere, a plain page at each old address says when (and why, when shown), /removed/
lists them, and `import` refuses a listed address unless told."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.errors import SiteError
from site_builder.importer.plan import import_paths
from tests.build.test_faults import snapshot
from tests.build.test_output_safety import indexed_text
from tests.conftest import write_article

STREAMER = "russian-streamer-stepan-scoffy-detained-after-desecrating-flag"
STREAMER_TEXT = b"donation-based challenges in a playground"
TAKEN_URL = "https://example.org/news/ferry-strike"
FERRY_TEXT = "The quokkaferry crews walked out at dawn over unpaid overtime, the union said."
REMOVED = f"""- slug: {STREAMER}
  date: 2025-07-01
  reason: a court order
  show_reason: true
- url: {TAKEN_URL}
  date: 2025-07-02
  reason: a private matter of the people named
"""


@pytest.fixture
def taken_down(example_site: Path) -> Path:
    write_article(example_site, "ferry-strike.md", f"---\ntitle: Ferry crews strike\ndate: 2025-06-23\nsource: Daily8\n"
                                                   f"url: {TAKEN_URL}\nrelated: [{STREAMER}]\n---\n{FERRY_TEXT}\n")
    return example_site


def everything(output: Path) -> bytes:
    """Every output file's bytes, the search index's unpacked."""
    return indexed_text(output)


def test_no_text_of_a_removed_article_is_published_and_its_old_address_says_so(taken_down: Path) -> None:
    build(taken_down, BuildOptions(jobs=1))
    assert STREAMER_TEXT in everything(taken_down / "output")
    (taken_down / "content/removed.yaml").write_text(REMOVED, encoding="utf-8")
    output = build(taken_down, BuildOptions(jobs=1)).output           # incremental, from the build that had them
    published = everything(output)
    assert STREAMER_TEXT not in published and b"quokkaferry" not in published
    assert b"Ferry crews strike" not in published
    page = (output / f"articles/2025/06/23/{STREAMER}/index.html").read_text(encoding="utf-8")
    assert "This article was removed" in page and "1 July 2025</time>: a court order." in page
    assert '<meta name="robots" content="noindex">' in page
    ferry = (output / "articles/2025/06/23/ferry-strike/index.html").read_text(encoding="utf-8")
    assert "2 July 2025</time>." in ferry and "private" not in ferry          # its reason is not shown
    listing = (output / "removed/index.html").read_text(encoding="utf-8")
    assert f'href="/articles/2025/06/23/{STREAMER}/"' in listing and "a court order" in listing
    assert "not given" in listing and "private" not in listing
    assert "/removed/" in (output / "sitemap.xml").read_text(encoding="utf-8")
    assert STREAMER not in (output / "sitemap.xml").read_text(encoding="utf-8")


def test_an_incremental_build_after_a_takedown_equals_a_clean_one(taken_down: Path, tmp_path: Path) -> None:
    build(taken_down, BuildOptions(search=False, jobs=1))
    (taken_down / "content/removed.yaml").write_text(REMOVED, encoding="utf-8")
    output = build(taken_down, BuildOptions(search=False, jobs=1)).output
    clean = tmp_path / "clean"
    build(taken_down, BuildOptions(search=False, clean=True, remember=False, output=clean, jobs=1))
    assert snapshot(output) == snapshot(clean)


def test_an_entry_that_names_no_article_is_a_warning_and_a_bad_one_an_error(example_site: Path) -> None:
    removed = example_site / "content/removed.yaml"
    removed.write_text("- slug: no-such-article\n  date: 2025-07-01\n  reason: gone\n", encoding="utf-8")
    warnings = [str(w) for w in build(example_site, BuildOptions(search=False, jobs=1)).warnings]
    assert ("content/removed.yaml:1: no article has slug 'no-such-article': no page is kept at its old address "
            "(keep its file in content/, or give the old page's 'address: articles/…/')") in warnings
    removed.write_text("- slug: no-such-article\n  date: 2025-07-01\n  address: articles/2025/07/01/no-such-article/\n"
                       "- reason: nothing named\n  date: 2025-13-01\n", encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        build(example_site, BuildOptions(search=False, jobs=1))
    assert [str(p) for p in caught.value.problems] == [
        "content/removed.yaml:4: entry names no article (give the article's 'slug: ...' or 'url: ...')",
        "content/removed.yaml:4: entry has no date it was removed on, or not one (add 'date: 2025-06-23' (YYYY-MM-DD))"]
    removed.write_text("- slug: no-such-article\n  date: 2025-07-01\n  address: articles/2025/07/01/no-such-article/\n",
                       encoding="utf-8")
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    assert "This article was removed" in (output / "articles/2025/07/01/no-such-article/index.html").read_text()


def test_import_refuses_a_listed_address_unless_told(taken_down: Path, tmp_path: Path) -> None:
    (taken_down / "content/articles/ferry-strike.md").unlink()
    (taken_down / "content/removed.yaml").write_text(REMOVED, encoding="utf-8")
    saved = tmp_path / "ferry.html"
    saved.write_text(f"<html><head><title>Ferry crews strike</title><link rel='canonical' href='{TAKEN_URL}'>"
                     f"<meta property='og:site_name' content='Daily8'></head><body><article><h1>Ferry crews strike</h1>"
                     + "".join(f"<p>{FERRY_TEXT} Paragraph {n} of the report goes on with more detail.</p>"
                               for n in range(6)) + "</article></body></html>", encoding="utf-8")
    refused = import_paths([saved], taken_down, date=None)
    assert refused.written == () and [s.reason for s in refused.skipped] == [
        "its url is listed as removed on 2025-07-02 in content/removed.yaml; import --allow-removed to import it anyway"]
    allowed = import_paths([saved], taken_down, allow_removed=True)
    assert len(allowed.written) == 1


@pytest.mark.browser
def test_the_removed_page_reads_plainly_in_a_browser(browser: object, taken_down: Path, static_server) -> None:
    (taken_down / "content/removed.yaml").write_text(REMOVED, encoding="utf-8")
    output = build(taken_down, BuildOptions(search=False, jobs=1)).output
    shutil.rmtree(output / "pagefind", ignore_errors=True)
    base = static_server(output)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page.goto(f"{base}/articles/2025/06/23/{STREAMER}/")
    assert page.locator("h1").inner_text() == "This article was removed"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Every removed article").click()
    assert page.locator("h1").inner_text() == "Removed articles"
    assert page.locator("tbody tr").count() == 2
    page.close()


def test_a_takedown_withholds_the_saved_copy_the_site_published(example_site: Path, tmp_path: Path) -> None:
    saved = "assets/captures/saved-copy-khamenei-asks-putin-for-more-help.html"
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    assert (output / saved).is_file()
    (example_site / "content/removed.yaml").write_text(
        "- slug: khamenei-asks-putin-for-more-help-after-us-strikes-on-iran\n  date: 2025-07-01\n  reason: x\n",
        encoding="utf-8")
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    assert not (output / saved).exists()
    assert (example_site / "static" / saved.removeprefix("assets/")).is_file()     # the site's file is kept
    clean = build(example_site, BuildOptions(search=False, clean=True, remember=False, output=tmp_path / "clean",
                                             jobs=1)).output
    assert snapshot(output) == snapshot(clean)
