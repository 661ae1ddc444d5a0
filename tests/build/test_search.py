import asyncio
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.build.search import BUNDLE_FILES, UI_FILES, index_site

HOSTILE = '</script><script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }}'
PAGES = {
    "articles/2025/06/23/hormuz/index.html": ("EU warns on Hormuz closure", "The strait of Hormuz carries oil.", "iran"),
    "articles/2024/06/23/nsc/index.html": ("Pakistan security committee meets", "The committee met in Islamabad.",
                                           "iran"),
    "articles/2025/05/01/streamer/index.html": (HOSTILE, "A streamer was detained in Moscow zanzibarword.", "other"),
}
SEARCH_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Search</title>
<link rel="stylesheet" href="/pagefind/pagefind-ui.css"></head><body><h1>Search</h1>
<div id="search"></div><script src="/pagefind/pagefind-ui.js"></script>
<script>window.addEventListener("DOMContentLoaded", async function () {
  const listing = await (await fetch("/pagefind/periods.json")).json();
  const paths = listing.periods.map(period => `/pagefind/${period.name}/`);
  new PagefindUI({element: "#search", showSubResults: false, bundlePath: paths[0],
                  mergeIndex: paths.slice(1).map(path => ({bundlePath: path}))});
});</script></body></html>"""


def page(title: str, text: str, story: str) -> str:
    from html import escape
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f'<body><nav>Menu navigationword</nav><main data-pagefind-body><h1>{escape(title)}</h1>'
            f'<p>{escape(text)}</p><p>Story: <span data-pagefind-filter="story">{story}</span></p>'
            f'</main></body></html>')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    for name, values in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(page(*values), encoding="utf-8")
    (root / "search").mkdir()
    (root / "search" / "index.html").write_text(SEARCH_PAGE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report(site: Path):
    return index_site(site)


def test_bundle_is_written(site: Path, report) -> None:
    assert report.pages == 3   # the search page is no article
    assert report.bundle == site.resolve() / "pagefind"
    assert report.seconds > 0
    assert report.periods == ("2024", "2025")
    for period in report.periods:
        for name in BUNDLE_FILES:
            assert (site / "pagefind" / period / name).is_file(), name
        assert any((site / "pagefind" / period / "index").iterdir())
        assert any((site / "pagefind" / period / "filter").iterdir())
        assert not any((site / "pagefind" / period / name).exists() for name in UI_FILES)
    assert all((site / "pagefind" / name).is_file() for name in UI_FILES)
    assert not any(site.rglob("playground"))


def test_callable_inside_a_running_loop(tmp_path: Path) -> None:
    (tmp_path / "articles/2025/06/23/one").mkdir(parents=True)
    (tmp_path / "articles/2025/06/23/one/index.html").write_text(page("One", "Only page.", "x"), encoding="utf-8")

    async def inside() -> int:
        return index_site(tmp_path, bundle_dir="_search").pages

    assert asyncio.run(inside()) == 1
    assert (tmp_path / "_search" / "2025" / "pagefind.js").is_file()


@pytest.fixture(scope="module")
def server(site: Path, report) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.browser
def test_search_in_a_browser(server: str) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import Dialog, sync_playwright
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            tab = browser.new_page()
            dialogs: list[str] = []

            def dismiss(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()
            tab.on("dialog", dismiss)
            tab.goto(f"{server}/search/")
            tab.fill("#search input", "hormuz")
            result = tab.locator(".pagefind-ui__result-link").first
            result.wait_for(timeout=15_000)
            assert result.inner_text() == "EU warns on Hormuz closure"
            assert result.get_attribute("href") == "/articles/2025/06/23/hormuz/"
            assert tab.locator(".pagefind-ui__result").count() == 1
            tab.fill("#search input", "islamabad")       # in the other period's bundle
            tab.wait_for_selector(".pagefind-ui__result-link:has-text('Pakistan security committee meets')",
                                  timeout=15_000)
            tab.fill("#search input", "zanzibarword")
            hostile = tab.locator(".pagefind-ui__result-link").first
            tab.wait_for_function("(document.querySelector('.pagefind-ui__result-link') || {}).textContent"
                                  "?.includes('alert')", timeout=15_000)
            assert hostile.inner_text() == HOSTILE
            assert tab.locator("#search img").count() == 0
            tab.fill("#search input", "navigationword")
            tab.wait_for_selector(".pagefind-ui__message:has-text('No results')", timeout=15_000)
            assert dialogs == []
        finally:
            browser.close()


def test_excerpts_hold_the_article_not_the_page_furniture_and_filters_stay(indexed_example: Path) -> None:
    """The story line ("event 1 of 2"), the outlet and date line and the entities' heading are not
    indexed text (so no excerpt shows them); the story, source and entity filters are still read."""
    import gzip
    import json

    output = indexed_example / "output"
    fragments = [json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd"))
                 for p in (output / "pagefind").glob("*/fragment/*") if p.parent.parent.name != "names"]
    assert len(fragments) == 5
    for fragment in fragments:
        assert not re.search(r"event \d+ of \d+", fragment["content"]), fragment["content"][:200]
        assert "People, places and organisations" not in fragment["content"]
        assert {"story", "source", "entity"} <= set(fragment["filters"]), fragment["filters"]
