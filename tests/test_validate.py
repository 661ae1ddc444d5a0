"""Valid, accessible pages: the Nu HTML Checker on every page of the example archive, axe-core in Chromium."""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.build.test_publish import (
    DIFF_PATH,
    HORMUZ_PATH,
    MOUNT,
    Published,
    build_published,
    chromium,  # noqa: F401  (module-scoped Chromium)
    serve_under_mount,
)
from tests.conftest import REPO

pytestmark = pytest.mark.browser      # Chromium, and Java for the Nu HTML Checker

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTICLE_WITH_VERSIONS = "articles/2025/06/23/iran-supreme-leader-asks-putin-to-do-more-after-us-strikes/"
ARTICLE_WITH_SECTIONS = "articles/2025/06/23/khamenei-asks-putin-for-more-help-after-us-strikes-on-iran/"
AXE_PAGES = {
    "home": "",
    "story": "stories/iran-us-strikes-2025/",
    "article": ARTICLE_WITH_VERSIONS,
    "article with body headings": ARTICLE_WITH_SECTIONS,
    "article with related coverage": HORMUZ_PATH,
    "entity": "entities/abbas-araqchi/",
    "source": "sources/business-recorder/",
    "diff": DIFF_PATH,
    "month": "archive/2025/06/",
    "stories": "stories/",
    "entities": "entities/",
    "sources": "sources/",
    "archive": "archive/",
    "404": "404.html",
    "open data": "data/",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    root = tmp_path_factory.mktemp("validate")
    site, result = build_published(root)
    for origin in serve_under_mount(root, result.output):
        yield Published(site, result.output, origin, result)


# -- Nu HTML Checker -------------------------------------------------------------------------
def vnu_messages(files: list[Path]) -> list[dict]:
    if shutil.which("java") is None:
        pytest.skip("java is not installed (make test installs default-jre-headless)")
    if not VNU.is_file():
        pytest.skip(f"the Nu HTML Checker is missing: run `npm install --no-save --ignore-scripts vnu-jar` ({VNU})")
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", "--also-check-css",
                          *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    messages: list[dict] = json.loads(run.stderr or run.stdout)["messages"]
    return messages


def message_file(message: dict) -> Path:
    return Path(message.get("url", "").removeprefix("file:"))


def where(message: dict, output: Path) -> str:
    file = message_file(message)
    path = file.relative_to(output).as_posix() if file.is_relative_to(output) else str(file)
    return f"{path}:{message.get('lastLine', '?')}: {message.get('message')} [{message.get('extract', '').strip()}]"


BAD_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title></head>'
            '<body><h1>a</h1><h3>b</h3><p id="x">1</p><p id="x">2</p></body></html>')


@pytest.fixture(scope="module")
def vnu_run(published: Published, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[dict], Path]:
    """One checker run (the JVM is slow to start) over every page and stylesheet, plus known-bad controls."""
    controls = tmp_path_factory.mktemp("vnu-control")
    bad = controls / "bad.html"
    bad.write_text(BAD_PAGE, encoding="utf-8")
    (controls / "bad.css").write_text("a { colr: red; }\n", encoding="utf-8")
    files = sorted(p for p in published.output.rglob("*") if p.suffix in (".html", ".css") and "pagefind" not in p.parts)
    return files, vnu_messages(files + [bad, controls / "bad.css"]), bad


@pytest.fixture(scope="module")
def vnu_report(vnu_run) -> tuple[list[Path], list[dict]]:
    files, messages, bad = vnu_run
    return files, [m for m in messages if message_file(m).parent != bad.parent]


def test_every_page_is_checked(published: Published, vnu_report) -> None:
    files, _ = vnu_report
    rel = {f.relative_to(published.output).as_posix() for f in files}
    assert len(rel) > 50
    for page in ("assets/style.css", "index.html", "404.html", "search/index.html", DIFF_PATH + "index.html",
                 ARTICLE_WITH_VERSIONS + "index.html", "stories/iran-us-strikes-2025/index.html",
                 "data/index.html", "sources/unidentified-outlet/index.html"):
        assert page in rel, page


def test_nu_html_checker_reports_no_errors(published: Published, vnu_report) -> None:
    _, messages = vnu_report
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, "\n".join(where(m, published.output) for m in errors)


def test_nu_html_checker_reports_no_warnings(published: Published, vnu_report) -> None:
    _, messages = vnu_report
    warnings = [m for m in messages if m["type"] == "info" and m.get("subType") == "warning"]
    assert not warnings, "\n".join(where(m, published.output) for m in warnings)


def test_nu_html_checker_finds_errors_when_there_are_some(vnu_run) -> None:
    """The checker is really running: a skipped heading level, a duplicate id and a bad CSS property fail."""
    _, messages, bad = vnu_run
    errors = [m["message"] for m in messages if m["type"] == "error" and message_file(m) == bad]
    assert any("Duplicate ID" in e for e in errors), errors
    assert any("skipping" in e for e in errors), errors
    css = [m["message"] for m in messages if message_file(m) == bad.with_suffix(".css")]
    assert any("colr" in m for m in css), css


# -- axe-core ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tab(chromium) -> Iterator[object]:
    """One browser tab for the module's axe runs."""
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    violations: list[dict] = results.response["violations"]
    return violations


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
                     for v in violations)


@pytest.mark.browser
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_violations(published: Published, tab, name: str) -> None:
    tab.goto(published.base + AXE_PAGES[name], wait_until="load")
    violations = axe_violations(tab)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, describe(serious)
    assert not violations, describe(violations)


@pytest.mark.browser
def test_axe_on_the_search_page_with_results(published: Published, tab) -> None:
    tab.goto(published.base + "search/", wait_until="load")
    before = axe_violations(tab)
    assert not before, "before searching: " + describe(before)
    tab.fill("#search input", "Hormuz")
    result = tab.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=15000)
    assert (result.get_attribute("href") or "").startswith(MOUNT)
    violations = axe_violations(tab)
    assert not violations, describe(violations)


@pytest.mark.browser
def test_axe_catches_a_real_problem(published: Published, tab) -> None:
    """Axe is really running: an image without alt text on a built page is a critical violation."""
    tab.goto(published.base, wait_until="load")
    tab.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    ids = {v["id"]: v["impact"] for v in axe_violations(tab)}
    assert ids.get("image-alt") == "critical"


@pytest.mark.browser
def test_axe_on_a_narrow_screen(published: Published, chromium) -> None:
    """Phones: the article page reflows without contrast or target problems."""
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(published.base + ARTICLE_WITH_VERSIONS, wait_until="load")
        violations = axe_violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    finally:
        context.close()
    assert not violations, describe(violations)
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.browser
@pytest.mark.parametrize("name", ["story", "source", "open data"])
def test_coverage_and_data_pages_at_390_px(published: Published, chromium, name: str) -> None:
    """Phones: the coverage matrix and the data page's tables scroll inside their region, not the page,
    and the matrix keeps its first column (the events) in view while it scrolls."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(published.base + AXE_PAGES[name], wait_until="load")
        violations = axe_violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        sticky = page.evaluate("""() => {
            const region = document.querySelector('.matrix-scroll:has(table.matrix)');
            if (!region) return null;
            region.scrollLeft = 150;
            const head = region.querySelector('tbody th[scope=row]').getBoundingClientRect();
            return [region.scrollLeft, Math.round(head.left - region.getBoundingClientRect().left)];
        }""")
    finally:
        context.close()
    assert not violations, describe(violations)
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    if name == "story":
        scrolled, offset = sticky
        assert scrolled > 0, "the matrix does not scroll at 390 px"
        assert abs(offset) <= 1, f"the events column moved {offset}px out of view"
