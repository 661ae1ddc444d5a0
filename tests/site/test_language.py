"""Languages: `language` per article on its page's <html> and <article> (with dir="rtl" for right-to-left
scripts), in its JSON-LD, and laid out right to left in Chromium."""
import json
import re
from pathlib import Path

import pytest

from site_builder.site.wording import direction
from tests.conftest import write_article
from tests.factories import run

ARABIC = ("---\ntitle: إغلاق مضيق هرمز\ndate: 2025-06-24\nsource: Daily8\nlanguage: ar\n---\n"
          "قال الاتحاد الأوروبي إن إغلاق مضيق هرمز سيكون خطيرا للغاية على التجارة العالمية.\n")
PAGE = "articles/2025/06/24/arabic/index.html"


@pytest.mark.parametrize(("tag", "way"), [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("ur", "rtl"),
                                          ("az-Arab", "rtl"), ("ur-Latn", "ltr"), ("en", "ltr"), ("pt-BR", "ltr")])
def test_direction_of_a_language_tag(tag: str, way: str) -> None:
    assert direction(tag) == way


def _built(site: Path) -> Path:
    write_article(site, "arabic.md", ARABIC)
    done = run("build", "--site", str(site), "--no-search")
    assert done.returncode == 0, done.stderr
    return site / "output"


def test_an_arabic_article_is_marked_arabic_and_right_to_left(example_site: Path) -> None:
    output = _built(example_site)
    page = (output / PAGE).read_text(encoding="utf-8")
    assert page.startswith('<!doctype html>\n<html lang="ar">')
    assert '<article class="article" lang="ar" dir="rtl" data-pagefind-body>' in page
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found and json.loads(found.group(1))["inLanguage"] == "ar"
    english = (output / "articles/2025/06/23/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions"
               "/index.html").read_text(encoding="utf-8")
    assert english.startswith('<!doctype html>\n<html lang="en">') and 'lang="en" dir="ltr"' in english
    assert (output / "index.html").read_text(encoding="utf-8").startswith('<!doctype html>\n<html lang="en">')


def test_a_language_that_is_no_tag_is_located(example_site: Path) -> None:
    write_article(example_site, "arabic.md", ARABIC.replace("language: ar", "language: Arabic script!"))
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 1
    assert "content/articles/arabic.md:5: 'language' 'Arabic script!' is not a BCP 47 language tag" in done.stderr


@pytest.mark.browser
def test_chromium_lays_an_arabic_body_out_right_to_left(example_site: Path, static_server: object,
                                                        browser: object) -> None:
    output = _built(example_site)
    base = static_server(output)  # type: ignore[operator]
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{base}/{PAGE}")
        assert page.eval_on_selector("article .body", "e => getComputedStyle(e).direction") == "rtl"
        assert page.eval_on_selector("article .body p", "e => getComputedStyle(e).textAlign") in ("start", "right")
        assert page.eval_on_selector("footer.site-footer", "e => getComputedStyle(e).direction") == "ltr"     # the site's own text
        page.goto(f"{base}/articles/2025/06/23/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions/")
        assert page.eval_on_selector("article .body", "e => getComputedStyle(e).direction") == "ltr"
    finally:
        page.close()


def test_search_indexes_each_language_as_its_own(example_site: Path) -> None:
    write_article(example_site, "arabic.md", ARABIC)
    done = run("build", "--site", str(example_site))
    assert done.returncode == 0, done.stderr
    entry = json.loads((example_site / "output/pagefind/2025/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["ar"]["page_count"] == 1
    assert entry["languages"]["en"]["page_count"] >= 5


def test_import_detects_a_language_other_than_the_sites(tmp_path: Path) -> None:
    from site_builder.importer.language import detect_language
    from site_builder.importer.plan import import_paths
    from tests.factories import read_post
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    saved = tmp_path / "arabic.txt"
    saved.write_text("إغلاق مضيق هرمز\n\nقال الاتحاد الأوروبي يوم الاثنين إن إغلاق مضيق هرمز سيكون خطيرا للغاية "
                     "على التجارة العالمية، ودعا إيران إلى ضبط النفس بعد الضربات الأمريكية على منشآتها النووية.\n",
                     encoding="utf-8")
    english = tmp_path / "english.txt"
    english.write_text("Port strike ends\n\nThe harbour pilots ended their strike on Monday after talks with the "
                       "port authority, and ships began to move again through the night.\n", encoding="utf-8")
    report = import_paths([saved, english], site, source="Daily8")
    assert report.ok and len(report.written) == 2, report.lines()
    posts = {Path(p).stem: read_post(site / p) for p in report.written}
    languages = {post["title"]: post.metadata.get("language") for post in posts.values()}
    assert languages == {"إغلاق مضيق هرمز": "ar", "Port strike ends": None}      # the site's language is said by none
    assert detect_language("") is None and detect_language("12 34") is None
