"""The search index a bundle a period: a year of articles, or its months past the cap; only the periods
whose pages changed are indexed again; the search page merges them in the browser."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from site_builder.build import search
from site_builder.build.pipeline import BuildOptions, build
from tests.build.test_output_safety import indexed_text
from tests.conftest import write_article

NAME_PAGES = 39    # the example's story and entity pages, searched in the bundle of names
OLD = "---\ntitle: Glacier survey of {year}\ndate: {date}\nsource: {source}\n---\nThe glacierword survey, {note}.\n"


def open_search(browser: Any, site_url: str) -> tuple[Any, list[str]]:
    """A new tab on the site's search page, and the addresses it fetches (growing as it does)."""
    tab = browser.new_page()
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(site_url + "/search/")
    return tab, fetched


def open_filter(tab: Any, name: str) -> None:
    """Open a filter's group. Never a click on its name: the UI opens a lone filter by itself, judged on
    the first bundle to load, and a click would close it again."""
    name_of = tab.locator(".pagefind-ui__filter-name", has_text=name)
    tab.locator(".pagefind-ui__filter-block", has=name_of).evaluate("details => { details.open = true }")


def add_years(site: Path) -> dict[str, Path]:
    """Articles in 2023 and 2024 beside the example's of June 2025, all holding the word 'glacierword'."""
    return {"2023": write_article(site, "glacier-2023.md", OLD.format(year=2023, date="2023-03-10", source="Reuters",
                                                                      note="first of its kind")),
            "2024": write_article(site, "glacier-2024.md", OLD.format(year=2024, date="2024-11-05",
                                                                      source="Business Recorder", note="again")),
            "2025": write_article(site, "glacier-2025.md", OLD.format(year=2025, date="2025-06-20", source="Reuters",
                                                                      note="the third"))}


def bundles(output: Path) -> list[str]:
    """The period folders of the published index, and the periods its listing gives, which must agree."""
    folders = sorted(p.name for p in (output / "pagefind").iterdir() if p.is_dir())
    listed = json.loads((output / "pagefind" / "periods.json").read_text(encoding="utf-8"))["periods"]
    assert sorted(p["name"] for p in listed) == folders
    return folders


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: equal when the file was kept as it was."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_year_of_articles_has_its_own_bundle(example_site: Path) -> None:
    add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    assert bundles(output) == ["2023", "2024", "2025", "names"]
    pages = {year: search.indexed_pages(output / "pagefind" / year) for year in ("2023", "2024", "2025")}
    assert pages == {"2023": 1, "2024": 1, "2025": 6}
    assert b"first of its kind" in indexed_text(output / "pagefind" / "2023")
    assert b"first of its kind" not in indexed_text(output / "pagefind" / "2024")
    for name in search.UI_FILES:          # the UI once, beside the bundles
        assert (output / "pagefind" / name).is_file()
        assert not list((output / "pagefind").glob(f"*/{name}"))
    listing = json.loads((output / "pagefind" / "periods.json").read_text(encoding="utf-8"))
    assert [(p["name"], p["pages"]) for p in listing["periods"]] == [("2025", 6), ("2024", 1), ("2023", 1),
                                                                         ("names", NAME_PAGES + 3)]


def test_editing_one_article_indexes_only_its_period(example_site: Path) -> None:
    articles = add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    before = {year: stamps(output / "pagefind" / year) for year in ("2023", "2024", "2025")}
    listing = stamps(output / "pagefind")
    text = articles["2024"].read_text(encoding="utf-8").replace("again", "once more with feeling")
    articles["2024"].write_text(text, encoding="utf-8")
    result = build(example_site, BuildOptions(jobs=2))
    assert result.written >= 1
    assert stamps(output / "pagefind" / "2023") == before["2023"]
    assert stamps(output / "pagefind" / "2025") == before["2025"]
    assert stamps(output / "pagefind" / "2024") != before["2024"]
    assert b"once more with feeling" in indexed_text(output / "pagefind" / "2024")
    for name in (search.PERIODS_FILE, *search.UI_FILES):        # the same periods: the listing is kept too
        assert stamps(output / "pagefind")[name] == listing[name]


def test_a_year_whose_articles_are_all_deleted_loses_its_bundle(example_site: Path) -> None:
    articles = add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    kept = stamps(output / "pagefind" / "2024")
    articles["2023"].unlink()
    build(example_site, BuildOptions(jobs=2))
    assert bundles(output) == ["2024", "2025", "names"]
    assert not (output / "pagefind" / "2023").exists()
    assert b"first of its kind" not in indexed_text(output / "pagefind")
    assert stamps(output / "pagefind" / "2024") == kept
    build(example_site, BuildOptions(jobs=2, clean=True))          # and it equals a clean build
    assert bundles(output) == ["2024", "2025", "names"]


def test_a_year_over_the_cap_is_split_into_months(example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PERIOD_CAP", 6)
    add_years(example_site)                    # 2025: six articles, in June: a year still
    output = build(example_site, BuildOptions(jobs=2)).output
    assert bundles(output) == ["2023", "2024", "2025", "names"]
    july = write_article(example_site, "july.md", OLD.format(year=2025, date="2025-07-02", source="Reuters",
                                                             note="in July"))
    build(example_site, BuildOptions(jobs=2))
    assert bundles(output) == ["2023", "2024", "2025-06", "2025-07", "names"]
    assert search.indexed_pages(output / "pagefind" / "2025-06") == 6
    assert search.indexed_pages(output / "pagefind" / "2025-07") == 1
    assert b"in July" in indexed_text(output / "pagefind" / "2025-07")
    july.unlink()                              # back under the cap: one bundle for the year again
    build(example_site, BuildOptions(jobs=2))
    assert bundles(output) == ["2023", "2024", "2025", "names"]
    assert b"in July" not in indexed_text(output / "pagefind")


def test_periods_are_years_or_the_months_of_a_year_over_the_cap() -> None:
    months = {f"articles/2024/{m:02d}/01/a{m}/index.html": f"2024/{m:02d}" for m in (1, 1, 2, 3)} | \
             {"articles/2023/05/01/x/index.html": "2023/05", "articles/2024/02/09/b/index.html": "2024/02"}
    assert [(p.name, len(p.pages)) for p in search.site_periods(months, cap=3)] == \
        [("2023", 1), ("2024-01", 1), ("2024-02", 2), ("2024-03", 1)]
    assert [(p.name, len(p.pages)) for p in search.site_periods(months, cap=4)] == [("2023", 1), ("2024", 4)]
    assert search.page_month("articles/2024/02/09/b/index.html") == "2024/02"
    assert search.page_month("stories/x/index.html") is None
    assert search.page_month("articles/2024/02/09/b/changes/index.html") is None      # what changed: no article


@pytest.mark.browser
def test_the_search_page_finds_and_filters_across_periods(example_site: Path, browser: Any,
                                                          static_server: Any) -> None:
    add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    tab, fetched = open_search(browser, static_server(output))
    tab.fill("#search input", "glacierword")
    # the three articles, and not the stories they make: their pages hold 'Glacier', which the bundle of
    # names (without 'glacierword') gives for the word's longest prefix it holds
    tab.wait_for_selector(".pagefind-ui__message:has-text('3 results')", timeout=15_000)
    assert sorted(tab.locator(".pagefind-ui__result-link").all_inner_texts()) == \
        ["Glacier survey of 2023", "Glacier survey of 2024", "Glacier survey of 2025"]
    for year in ("2023", "2024", "2025"):        # each from its own bundle, merged in the page
        assert any(f"/pagefind/{year}/pagefind-entry.json" in url for url in fetched), year
    open_filter(tab, "source")
    tab.locator('input.pagefind-ui__filter-checkbox[name="source"][value="Reuters"]').check()
    tab.wait_for_function("document.querySelectorAll('.pagefind-ui__result-link').length === 2", timeout=15_000)
    assert sorted(tab.locator(".pagefind-ui__result-link").all_inner_texts()) == \
        ["Glacier survey of 2023", "Glacier survey of 2025"]
    links = tab.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert sorted(links) == ["/articles/2023/03/10/glacier-2023/", "/articles/2025/06/20/glacier-2025/"]


def test_no_articles_leaves_an_empty_listing_and_no_bundle(example_site: Path) -> None:
    for path in (example_site / "content" / "articles").glob("*.md"):
        os.unlink(path)
    output = build(example_site, BuildOptions(jobs=1)).output
    assert json.loads((output / "pagefind" / "periods.json").read_text(encoding="utf-8")) == {"periods": []}
    assert bundles(output) == []


def test_serve_indexes_again_only_the_periods_of_what_its_builds_changed(example_site: Path) -> None:
    import io
    import time

    from rich.console import Console

    from site_builder.serve.rebuild import SearchRefresher
    articles = add_years(example_site)
    serving = BuildOptions(jobs=2, index_search=False)          # as serve builds: the index in the background
    first = build(example_site, serving)
    printed = io.StringIO()
    refresher = SearchRefresher(example_site, Console(file=printed))

    def refreshed(times: int) -> None:
        deadline = time.monotonic() + 120
        while printed.getvalue().count("search index updated") < times:
            assert time.monotonic() < deadline and "warning" not in printed.getvalue(), printed.getvalue()
            time.sleep(0.05)

    refresher.request(first.output, first.changed)
    refreshed(1)
    assert bundles(first.output) == ["2023", "2024", "2025", "names"]
    before = {year: stamps(first.output / "pagefind" / year) for year in ("2023", "2024", "2025")}
    text = articles["2024"].read_text(encoding="utf-8").replace("again", "once more with feeling")
    articles["2024"].write_text(text, encoding="utf-8")
    edited = build(example_site, serving)
    assert any(page.startswith("articles/2024/") for page in edited.changed)
    refresher.request(edited.output, edited.changed)
    refreshed(2)
    assert "search index updated: 1 pages" in printed.getvalue().splitlines()[-1]
    assert stamps(first.output / "pagefind" / "2023") == before["2023"]
    assert stamps(first.output / "pagefind" / "2025") == before["2025"]
    assert b"once more with feeling" in indexed_text(first.output / "pagefind" / "2024")
    assert bundles(first.output) == ["2023", "2024", "2025", "names"]
    assert all((first.output / "pagefind" / name).is_file() for name in search.UI_FILES)


def test_a_build_indexes_what_a_serve_build_left_unindexed(example_site: Path) -> None:
    articles = add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    kept = stamps(output / "pagefind" / "2023")
    text = articles["2024"].read_text(encoding="utf-8").replace("again", "once more with feeling")
    articles["2024"].write_text(text, encoding="utf-8")
    build(example_site, BuildOptions(jobs=2, index_search=False))   # serve, whose indexing never ran
    listing = json.loads((output / "pagefind" / "periods.json").read_text(encoding="utf-8"))["periods"]
    assert {p["name"]: p["digest"] == "" for p in listing} == {"2023": False, "2024": True, "2025": False,
                                                                 "names": False}
    text = articles["2025"].read_text(encoding="utf-8").replace("the third", "the third and last")
    articles["2025"].write_text(text, encoding="utf-8")
    build(example_site, BuildOptions(jobs=2))
    assert b"once more with feeling" in indexed_text(output / "pagefind" / "2024")
    assert b"the third and last" in indexed_text(output / "pagefind" / "2025")
    assert stamps(output / "pagefind" / "2023") == kept
    listing = json.loads((output / "pagefind" / "periods.json").read_text(encoding="utf-8"))["periods"]
    assert all(p["digest"] for p in listing)


def test_the_index_serve_makes_is_the_one_a_build_makes(example_site: Path) -> None:
    from tests.build.test_faults import snapshot
    add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    built = snapshot(output / "pagefind")
    assert bundles(output) == ["2023", "2024", "2025", "names"]
    search.index_site(output)
    assert snapshot(output / "pagefind") == built


def test_serve_starting_on_an_indexed_site_indexes_nothing_again(example_site: Path) -> None:
    add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    before = stamps(output / "pagefind")
    report = search.index_site(output, changed=set())          # serve's first run: nothing changed since
    assert (report.pages, report.periods) == (0, ())
    assert stamps(output / "pagefind") == before


def _names_site(site: Path) -> Path:
    """The example with a story and an entity whose summary, description and aliases no article holds."""
    content = site / "content"
    with (content / "stories.yaml").open("a", encoding="utf-8") as stories:
        stories.write("- id: glacier-watch\n  title: Glacier watch\n  summary: Surveys of the zyxtrail ice.\n")
    with (content / "entities.yaml").open("a", encoding="utf-8") as entities:
        entities.write("- name: Quorvath Institute\n  kind: organisation\n  aliases: [Quorvathian Board]\n"
                       "  description: Keeps the wexlomb records.\n")
    write_article(site, "glacier.md", "---\ntitle: Ice measured\ndate: 2025-06-20\nsource: Reuters\n"
                  "story: glacier-watch\nentities: [Quorvath Institute]\n---\nThe ice was measured again.\n")
    output = build(site, BuildOptions(jobs=2)).output
    assert "names" in bundles(output)
    return output


def _found(tab: Any, query: str) -> list[str]:
    """The addresses the search page lists for `query`, once its results (not the last query's) are shown."""
    tab.fill("#search input", "")
    tab.wait_for_function("!document.querySelector('.pagefind-ui__result-link')", timeout=15_000)
    tab.fill("#search input", query)
    tab.wait_for_function("query => [...document.querySelectorAll('.pagefind-ui__message')]"
                          ".some(m => m.textContent.endsWith(' for ' + query))", arg=query, timeout=15_000)
    tab.wait_for_timeout(300)                # every bundle's results shown
    found: list[str] = tab.locator(".pagefind-ui__result-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return found


@pytest.mark.browser
def test_story_and_entity_pages_are_found_by_their_summary_and_aliases(example_site: Path, browser: Any,
                                                                     static_server: Any) -> None:
    """Story and entity pages are searched (in the bundle of names) by their title, summary or
    description and aliases, and come first."""
    tab, _ = open_search(browser, static_server(_names_site(example_site)))
    for query, page in (("zyxtrail", "/stories/glacier-watch/"), ("Quorvathian", "/entities/quorvath-institute/"),
                        ("wexlomb", "/entities/quorvath-institute/")):
        assert _found(tab, query)[:1] == [page], query


@pytest.mark.browser
def test_a_word_only_one_bundle_holds_finds_only_its_pages(example_site: Path, browser: Any,
                                                          static_server: Any) -> None:
    """Pagefind looks a word missing from a bundle up by the longest prefix the bundle holds ('wexlomb' as
    'we'); the search page keeps only the pages that hold each whole word, and a word being typed still
    completes."""
    tab, _ = open_search(browser, static_server(_names_site(example_site)))
    assert _found(tab, "wexlomb") == ["/entities/quorvath-institute/"]
    assert _found(tab, "wexlomb records") == ["/entities/quorvath-institute/"]
    assert "/entities/quorvath-institute/" in _found(tab, "wexlo")
