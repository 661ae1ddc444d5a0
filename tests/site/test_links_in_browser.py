"""The example archive in a real browser: every internal link resolves; screenshots at two widths."""
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PAGES = ["", "stories/iran-us-strikes-2025/",
         "articles/2025/06/23/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes/",
         "entities/abbas-araqchi/", "sources/business-recorder/", "archive/2025/06/", "data/"]


def crawl(page: object, start: str, prefix: str) -> tuple[set[str], list[str]]:
    """Visit every internal page reachable from `start`; return visited URLs and broken links."""
    seen, broken, todo = set(), [], [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.request.get(url)  # type: ignore[attr-defined]   # data files would start a download in goto
        if response.status != 200:
            broken.append(f"{url} -> {response.status}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        page.goto(url)  # type: ignore[attr-defined]
        hrefs = page.eval_on_selector_all(  # type: ignore[attr-defined]
            "a[href], link[href], img[src], script[src]", "els => els.map(e => e.href || e.src)")
        for href in hrefs:
            target = urljoin(url, href).split("#")[0]
            if target.startswith(prefix) and target not in seen:
                todo.append(target)
    return seen, broken


def test_every_internal_link_resolves_and_screenshots(built_example: Path, static_server: object, browser: object) -> None:
    base = static_server(built_example / "output") + "/"  # type: ignore[operator]
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    seen, broken = crawl(page, base, base)
    assert not broken
    assert len(seen) > 50
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES:
            page.goto(base + path)
            name = (urlsplit(base + path).path.strip("/").replace("/", "_") or "home") + f"-{width}.png"
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
            assert (ARTIFACTS / name).stat().st_size > 10_000
            assert page.locator("h1").count() == 1
            # nothing wider than the viewport: readable on a phone
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
