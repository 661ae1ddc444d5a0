"""The search page answers sooner: it merges every period's bundle as soon as it opens (not one after
another at the first query), types with a short delay, and asks for the list of bundles again at every
visit, so a period added since is searched at once even behind a server that caches `pagefind/`."""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from site_builder.build.pipeline import BuildOptions, build
from tests.build.test_search_periods import add_years, open_filter, open_search
from tests.conftest import serving

REPO = Path(__file__).resolve().parents[2]
YEARS = ("2023", "2024", "2025")


class CachingHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that lets browsers keep every file for an hour, as a deployment may."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "public, max-age=3600")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def caching_server() -> Iterator[Callable[[Path], str]]:
    """Static servers whose responses may be cached an hour, as a host's are: serve(folder) -> base URL."""
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(serving(folder, CachingHandler))


def wait_for_requests(tab: Any, fetched: list[str], patterns: list[str], seconds: float = 15.0) -> None:
    """Wait until the tab requested a URL matching each pattern; fail naming the ones none matched."""
    deadline = time.monotonic() + seconds
    missing = patterns
    while missing and time.monotonic() < deadline:
        tab.wait_for_timeout(100)            # lets Playwright deliver the tab's request events
        missing = [p for p in patterns if not any(re.search(p, url) for url in list(fetched))]
    assert not missing, f"never requested: {missing}"


def entry_files(years: tuple[str, ...]) -> list[str]:
    """What Pagefind loads to merge a bundle: its entry, its metadata and its filter files."""
    return [pattern for year in years for pattern in (rf"/pagefind/{year}/pagefind-entry\.json",
                                                      rf"/pagefind/{year}/pagefind\.[^/]+\.pf_meta",
                                                      rf"/pagefind/{year}/filter/")]


def test_the_search_page_types_with_a_short_delay_and_asks_for_the_listing_again(indexed_example: Path) -> None:
    page = (indexed_example / "output" / "search" / "index.html").read_text(encoding="utf-8")
    engine = (indexed_example / "output" / "assets" / "search" / "pagefind.js").read_text(encoding="utf-8")
    assert "debounceTimeoutMs: 100" in page         # Pagefind's default is 300 ms
    assert 'fetch(bundle + "periods.json", { cache: "no-cache" })' in engine
    assert "mergeIndex:" not in page                 # the UI merges nothing itself: the page's module has


@pytest.mark.browser
def test_the_search_page_merges_every_bundle_when_it_opens(example_site: Path, browser: Any,
                                                           static_server: Any) -> None:
    add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    tab, fetched = open_search(browser, static_server(output))
    wait_for_requests(tab, fetched, entry_files(YEARS))          # nothing typed, nothing focused
    assert not any("/index/" in url or "/fragment/" in url for url in fetched)     # no word looked up yet
    tab.fill("#search input", "glacierword")
    # the typed search shown first (every year's), so that the filtered one is the last to come
    tab.wait_for_function("document.querySelectorAll('.pagefind-ui__result-link').length > 1", timeout=15_000)
    open_filter(tab, "year")
    tab.locator('input.pagefind-ui__filter-checkbox[name="year"][value="2024"]').check()
    tab.wait_for_function("""() => {
        const links = [...document.querySelectorAll('.pagefind-ui__result-link')];
        return links.length === 1 && links[0].textContent.trim() === 'Glacier survey of 2024'; }""", timeout=15_000)
    tab.wait_for_timeout(500)        # and no other search's results replace them
    assert tab.locator(".pagefind-ui__result-link").all_inner_texts() == ["Glacier survey of 2024"]
    assert tab.get_by_role("textbox", name="Search the archive").count() == 1      # named by the page's heading


@pytest.mark.browser
def test_a_period_added_since_the_last_visit_is_searched_at_once(example_site: Path, browser: Any,
                                                                 caching_server: Any) -> None:
    add_years(example_site)
    output = build(example_site, BuildOptions(jobs=2)).output
    listing = output / "pagefind" / "periods.json"
    periods = [p for p in json.loads(listing.read_text(encoding="utf-8"))["periods"] if p["name"] != "names"]
    complete = json.dumps({"periods": periods})      # the articles only (the names find the glaciers' stories too)
    listing.write_text(json.dumps({"periods": [p for p in periods if p["name"] != "2023"]}), encoding="utf-8")
    address = caching_server(output) + "/search/"
    tab = browser.new_page()
    tab.goto(address)
    tab.fill("#search input", "glacierword")
    tab.wait_for_function("document.querySelectorAll('.pagefind-ui__result-link').length === 2", timeout=15_000)
    listing.write_text(complete, encoding="utf-8")           # a build added 2023's bundle, a while later
    later = listing.stat().st_mtime + 60                     # (Last-Modified counts whole seconds)
    os.utime(listing, (later, later))
    tab.goto(address)
    tab.fill("#search input", "glacierword")
    tab.wait_for_function("document.querySelectorAll('.pagefind-ui__result-link').length === 3", timeout=15_000)
    assert "Glacier survey of 2023" in tab.locator(".pagefind-ui__result-link").all_inner_texts()


def test_the_deployment_examples_keep_the_listing_of_bundles_fresh() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    nginx = readme[readme.index("```nginx"):]
    nginx = nginx[:nginx.index("```", 3)]
    bundles = re.search(r"location /archive/pagefind/ \{(.*?)\n    \}", nginx, re.S)
    listing = re.search(r"location = /archive/pagefind/periods\.json \{(.*?)\n    \}", nginx, re.S)
    assert bundles and 'Cache-Control "public, max-age=3600"' in bundles[1]       # the bundles: an hour
    assert listing and 'Cache-Control "no-cache"' in listing[1]                    # their list: asked each time
    netlify = tomllib.loads((REPO / "docs" / "netlify.toml").read_text(encoding="utf-8"))["headers"]
    rules = [rule["for"] for rule in netlify]
    assert rules.index("/pagefind/periods.json") > rules.index("/pagefind/*")     # the later rule wins
    assert netlify[rules.index("/pagefind/periods.json")]["values"]["Cache-Control"] == "no-cache"
    assert re.search(r'aws s3 cp output/pagefind/periods\.json [^\n]*\\\n[^\n]*--cache-control "no-cache"', readme)


@pytest.mark.browser
def test_the_search_page_says_when_there_is_nothing_to_search_or_no_index_yet(example_site: Path, browser: Any,
                                                                               static_server: Any) -> None:
    output = build(example_site, BuildOptions(jobs=1)).output
    address = static_server(output) + "/search/"
    listing = output / "pagefind" / "periods.json"
    listing.write_text('{"periods": []}', encoding="utf-8")
    tab = browser.new_page()
    tab.goto(address)
    tab.wait_for_selector("#search:has-text('There is nothing to search yet.')", timeout=15_000)
    listing.unlink()                                         # a site whose index is still being made
    tab.goto(address)
    tab.wait_for_selector("#search:has-text('The search index is not there yet')", timeout=15_000)
