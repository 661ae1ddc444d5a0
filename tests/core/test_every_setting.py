"""Every setting of site.toml changes what is built: each test fails when its setting is ignored."""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.errors import SiteError
from site_builder.stories import story_listing

ATOM = "{http://www.w3.org/2005/Atom}"


def site_with(tmp_path: Path, toml: str, articles: dict[str, str]) -> Path:
    site = tmp_path / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "content/articles").mkdir(parents=True)
    (site / "site.toml").write_text(toml, encoding="utf-8")
    for name, text in articles.items():
        (site / "content/articles" / name).write_text(text, encoding="utf-8")
    return site


def front(title: str, when: str, *lines: str, body: str = "Text.") -> str:
    return "\n".join(["---", f"title: {title}", f"date: {when}", f"source: Src {title}", *lines, "---", body, ""])


def page(output: Path, relative: str) -> str:
    return (output / relative).read_text(encoding="utf-8")


# -- timezone -------------------------------------------------------------------------------
def test_timezone_applies_to_dates_given_without_one(tmp_path: Path) -> None:
    site = site_with(tmp_path, 'timezone = "Asia/Tehran"\n', {
        "local.md": front("Local", "2025-06-23T01:00:00"),       # 21:30 UTC on the 22nd
        "zoned.md": front("Zoned", "2025-06-22T22:00:00Z")})
    output = build(site, BuildOptions(search=False, jobs=1)).output
    html = page(output, "articles/2025/06/23/local/index.html")    # the local day, not the UTC one
    assert '<time datetime="2025-06-23T01:00:00+03:30"' in html and ">23 June 2025, 01:00 UTC+03:30</time>" in html
    assert '"datePublished":"2025-06-23T01:00:00+03:30"' in html
    zoned = page(output, "articles/2025/06/22/zoned/index.html")
    assert '<time datetime="2025-06-22T22:00:00+00:00"' in zoned        # an explicit zone is kept
    home = page(output, "index.html")
    home = home[home.index('id="latest-articles"'):]
    assert home.index(">Zoned<") < home.index(">Local<")            # 22:00 UTC is newer than 21:30 UTC


# -- feed_entries ---------------------------------------------------------------------------
def test_feed_entries_limits_every_feed_to_the_newest(tmp_path: Path) -> None:
    articles = {f"n{day}.md": front(f"Day {day}", f"2025-06-{day:02d}", "story: long", "entities: [Iran]")
                for day in range(1, 8)}
    site = site_with(tmp_path, "feed_entries = 3\n", articles)
    output = build(site, BuildOptions(search=False, jobs=1)).output
    newest = ["Day 7", "Day 6", "Day 5"]
    for feed in ("feed.xml", "stories/long/feed.xml", "entities/iran/feed.xml"):
        root = ET.parse(output / feed).getroot()
        assert [e.findtext(ATOM + "title") for e in root.iter(ATOM + "entry")] == newest, feed


# -- templates: strict undefined ------------------------------------------------------------
@pytest.mark.parametrize("typo", ["{{ site.titel }}", "{{ storie.title }}", "{% for a in articels %}{% endfor %}"])
def test_a_template_typo_fails_the_build_naming_the_template(example_site: Path, typo: str) -> None:
    (example_site / "templates").mkdir()
    template = example_site / "templates/404.html"
    template.write_text('{% extends "base.html" %}{% block content %}<h1>Lost</h1>' + typo + "{% endblock %}",
                        encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        build(example_site, BuildOptions(search=False, jobs=1))
    [name] = re.findall(r"titel|storie|articels", typo)
    undefined = f"'dict object' has no attribute '{name}'" if name == "titel" else f"'{name}' is undefined"
    assert str(caught.value) == (f"{template}: template error: {undefined} "
                                 "(check the variable names the template uses)")
    assert not (example_site / "output").exists()


# -- [paths] --------------------------------------------------------------------------------
def test_paths_move_every_folder(example_site: Path) -> None:
    (example_site / "site.toml").write_text('[paths]\ncontent = "src"\ntemplates = "layouts"\nstatic = "files"\n'
                                            'output = "public"\ncache = "tmp/cache"\n', encoding="utf-8")
    (example_site / "content").rename(example_site / "src")
    (example_site / "layouts").mkdir()
    (example_site / "layouts/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Not here</h1>{% endblock %}', encoding="utf-8")
    (example_site / "static").rename(example_site / "files")
    (example_site / "files/logo.txt").write_text("logo", encoding="utf-8")
    result = build(example_site, BuildOptions(search=False, jobs=1))
    output = example_site / "public"
    assert result.output == output.resolve()
    assert sorted(p.name for p in example_site.iterdir()) == ["files", "layouts", "public", "site.toml", "src", "tmp"]
    assert "<h1>Not here</h1>" in page(output, "404.html")
    assert page(output, "assets/logo.txt") == "logo"
    assert (output / "stories/iran-us-strikes-2025/index.html").is_file()
    assert [p.name for p in (example_site / "tmp").iterdir()] == ["cache"]
    assert any((example_site / "tmp/cache").iterdir())
    assert build(example_site, BuildOptions(search=False, jobs=1)).written == 0     # the cache is read back


# -- language and search ----------------------------------------------------------------------
def test_language_is_every_page_lang_and_the_json_ld_language(example_site: Path) -> None:
    toml = example_site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('language = "en"', 'language = "fr"'), encoding="utf-8")
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    pages = sorted(p for p in output.rglob("*.html") if not p.relative_to(output).parts[0] == "assets")
    assert pages and all('<html lang="fr">' in p.read_text(encoding="utf-8") for p in pages)
    article = page(output, "articles/2025/06/23/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes/index.html")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', article, re.S)
    assert [json.loads(s)["inLanguage"] for s in scripts if "NewsArticle" in s] == ["fr"]


def test_search_builds_its_page_and_links_it(example_site: Path) -> None:
    output = build(example_site, BuildOptions(index_search=False, jobs=1)).output     # the page, not the index
    assert "pagefind-ui.js" in page(output, "search/index.html")
    assert 'href="/search/"' in page(output, "index.html") and "/search/" in page(output, "sitemap.xml")


def test_search_false_builds_no_index_no_page_and_no_link(example_site: Path) -> None:
    toml = example_site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "search = false\n", encoding="utf-8")
    output = build(example_site).output
    assert not (output / "pagefind").exists() and not (output / "search").exists()
    assert not [p for p in output.rglob("*.html") if 'href="/search/"' in p.read_text(encoding="utf-8")]
    sitemap = page(output, "sitemap.xml")
    assert "/search/" not in sitemap and "/stories/" in sitemap


# -- [related] weights ------------------------------------------------------------------------
# `x` shares both its entities with `e` (6 days later, other words) and its words with `t` (1 day
# later, other entities); each in a story of its own.
RELATED = {
    "x.md": front("Ferry strike closes the harbour", "2025-06-10T10:00:00Z", "story: sx",
                  "entities: [Alpha Corp, Beta Person]",
                  body="Dockers began a ferry strike that closed the harbour and stranded passengers at the terminal."),
    "e.md": front("Grain exports rise again", "2025-06-16T10:00:00Z", "story: se",
                  "entities: [Alpha Corp, Beta Person]",
                  body="Wheat and barley shipments climbed as the season's prices fell across the region."),
    "t.md": front("Harbour ferry strike strands passengers", "2025-06-11T10:00:00Z", "story: st",
                  "entities: [Gamma Union]",
                  body="The ferry strike by dockers kept the harbour closed and passengers stranded at the terminal."),
}


def related_of_x(tmp_path: Path, toml: str) -> list[tuple[str, str]]:
    output = build(site_with(tmp_path, toml, RELATED), BuildOptions(search=False, jobs=1, remember=False)).output
    html = page(output, "articles/2025/06/10/x/index.html")
    return re.findall(r'<a href="/articles/2025/06/\d+/(\w+)/">.*?<p class="reason">([^<]*)</p>', html, re.S)


@pytest.mark.parametrize("toml, expected", [
    ("", [("e", "shares Alpha Corp, Beta Person · 6 days later"), ("t", "1 day later")]),
    ("[related]\ncount = 1\n", [("e", "shares Alpha Corp, Beta Person · 6 days later")]),
    ("[related]\ncount = 1\nentities = 0\n", [("t", "1 day later")]),
    ("[related]\ncount = 1\ntext = 0\nentities = 0.1\n", [("e", "shares Alpha Corp, Beta Person · 6 days later")]),
    ("[related]\ncount = 1\ntext = 3\n", [("t", "1 day later")]),
    ("[related]\ncount = 1\ntime_window_days = 1\n", [("t", "1 day later")]),
    ("[related]\nmin_score = 0.9\n", []),
])
def test_related_weights_change_the_links(tmp_path: Path, toml: str, expected: list[tuple[str, str]]) -> None:
    assert related_of_x(tmp_path, toml) == expected


# -- [stories] weights ------------------------------------------------------------------------
SENTENCES = ["Dockers began a ferry strike that closed the harbour on Monday.",
             "Passengers were stranded at the terminal for hours without news.",
             "Union leaders said the walkout would last until wages were raised.",
             "The port authority called the strike illegal and asked for talks.",
             "Ferries to the islands were cancelled until further notice.",
             "Shops near the quay said they had lost most of the day's trade."]
REWRITE = SENTENCES[:4] + ["Ministers met union leaders late in the evening in the capital.",
                           "Nobody could say when the first ferry would sail again."]
FIRST = ("Grain exporters said shipments of wheat from the southern ports fell sharply this week. "
         "Traders blamed the drought and the higher insurance costs for ships crossing the sea. "
         "The agriculture ministry promised new subsidies for farmers who lost their harvest. "
         "Prices of flour in the capital rose for the third month in a row, bakers said.")
LATER = ("Wheat shipments from the southern ports fell again as the drought hit the harvest. "
         "The agriculture ministry said subsidies for farmers would be paid from next month. "
         "Bakers in the capital warned that flour prices could rise further before winter. "
         "Insurance costs for grain ships crossing the sea stayed high, traders said.")
STORIES = {   # first/later: the same topic in other words, two entities of three shared, 5 days apart (two
    # happenings: reports of one lie at most 4 days apart);
    # wire/copy: a rewrite of one wire story
    "first.md": front("Grain exports fall", "2025-06-10T10:00:00Z", "entities: [Alpha Corp, Beta Person, Delta City]",
                      body=FIRST),
    "later.md": front("Wheat shipments fall again", "2025-06-15T10:00:00Z",
                      "entities: [Alpha Corp, Beta Person, Epsilon]", body=LATER),
    "wire.md": front("Wire", "2025-06-20T10:00:00Z", "entities: [Gamma]", body=" ".join(SENTENCES)),
    "copy.md": front("Copy", "2025-06-20T12:00:00Z", "entities: [Gamma]", body=" ".join(REWRITE)),
}
TOGETHER, APART = [["first"], ["later"]], [["first"]]
ONE_REPORT, TWO_REPORTS = [["wire", "copy"]], [["wire"], ["copy"]]     # the reports of the wire story's event


@pytest.mark.parametrize("toml, first, wire", [
    ("", TOGETHER, ONE_REPORT),
    ("[stories]\nthreshold = 1.0\n", APART, ONE_REPORT),
    ("[stories]\ntext = 0\n", APART, ONE_REPORT),
    ("[stories]\ntext = 0.3\n", APART, ONE_REPORT),
    ("[stories]\nentities = 2\ntext = 0.3\n", TOGETHER, ONE_REPORT),     # the entities make up for the words
    ("[stories]\nwindow_days = 1\n", APART, ONE_REPORT),
    ("[stories]\nversion_threshold = 0.9\n", TOGETHER, TWO_REPORTS),    # two reports of one happening
])
def test_story_weights_change_the_stories(tmp_path: Path, toml: str, first: list[list[str]],
                                          wire: list[list[str]]) -> None:
    site = site_with(tmp_path, toml, STORIES)
    listing = story_listing(site)["stories"]
    stories = [[[v["slug"] for v in e["versions"]] for e in s["events"]] for s in listing]
    assert next(s for s in stories if ["first"] in s) == first
    event = next(e for s in listing for e in s["events"] if "wire" in {v["slug"] for v in e["versions"]})
    reports: dict[str, list[str]] = {}
    for v in event["versions"]:
        reports.setdefault(v["report"], []).append(v["slug"])
    assert list(reports.values()) == wire


# -- per_page -------------------------------------------------------------------------------------
def test_per_page_splits_lists_into_distinct_pages_and_no_more(tmp_path: Path) -> None:
    articles = {f"n{day}.md": front(f"Day {day}", f"2025-06-{day:02d}", "entities: [Iran]") for day in range(1, 6)}
    output = build(site_with(tmp_path, "per_page = 2\n", articles), BuildOptions(search=False, jobs=1)).output

    def listed(relative: str) -> list[str]:
        html = page(output, relative)
        start = html.index('id="latest-articles"' if "latest-articles" in html else '<h2 id="articles">')
        return re.findall(r">(Day \d)</a>", html[start:])

    for base in ("", "entities/iran/"):
        pages = [listed(f"{base}index.html"), listed(f"{base}page/2/index.html"), listed(f"{base}page/3/index.html")]
        assert pages == [["Day 5", "Day 4"], ["Day 3", "Day 2"], ["Day 1"]], base
        assert not (output / base / "page/4").exists() and not (output / base / "page/0").exists()
        assert not (output / base / "page/1").exists()
