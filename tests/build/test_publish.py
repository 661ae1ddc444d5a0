"""Ready to publish: the example archive built for https://example.org/archive/ and served under /archive/.

Every internal link of every page answers 200 in Chromium, feeds, sitemap and robots.txt point inside the
public base URL, 404.html works at any depth, search finds articles under the sub-path, structured data
parses, and no local path or local host name leaks into any output file.
"""
from __future__ import annotations

import asyncio
import functools
import gzip
import http.server
import json
import re
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from site_builder.build.pipeline import BuildOptions, BuildResult, build
from tests.conftest import REPO, copy_example, launched_chromium

pytestmark = pytest.mark.browser

PUBLIC = "https://example.org/archive/"
MOUNT = "/archive/"
HORMUZ_TITLE = "'Extremely dangerous' if Iran closes Strait of Hormuz: EU"
HORMUZ_PATH = "articles/2025/06/23/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz/"
DIFF_PATH = "articles/2025/06/23/khamenei-asks-putin-for-more-help-after-us-strikes-on-iran/changes/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class Published:
    site: Path          # the copied site folder (its path must not leak into the output)
    output: Path        # the built output folder
    origin: str         # http://127.0.0.1:PORT
    result: BuildResult

    @property
    def base(self) -> str:
        """Where the archive is served locally: the origin plus the sub-path."""
        return self.origin + MOUNT

    def local(self, public_url: str) -> str:
        """A public URL (https://example.org/archive/…) mapped to the local server."""
        assert public_url.startswith(PUBLIC), public_url
        return self.base + public_url[len(PUBLIC):]


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static server, answering missing files with the archive's 404.html like GitHub Pages or Netlify."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / MOUNT.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def build_published(root: Path) -> tuple[Path, BuildResult]:
    """A copy of the example archive (as the example_site fixture makes it), built for the public sub-path."""
    site = copy_example(root / "site")
    result = build(site, BuildOptions(base_url=PUBLIC, search=True, jobs=1))
    return site, result


def serve_under_mount(root: Path, output: Path) -> Iterator[str]:
    """Serve `output` at MOUNT on 127.0.0.1 (a folder whose `archive` entry links to the output)."""
    docroot = root / "docroot"
    docroot.mkdir()
    (docroot / MOUNT.strip("/")).symlink_to(output, target_is_directory=True)
    handler = functools.partial(SubPathHandler, directory=str(docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> Iterator[object]:
    """Chromium for this module. Its own Playwright, closed after the module, so no event loop outlives this
    file (later asyncio.run or sync_playwright calls in the worker would fail); but when an earlier file's
    session-wide `browser` already runs Playwright's loop in this thread, that browser is reused."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        yield request.getfixturevalue("browser")
        return
    yield from launched_chromium()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    root = tmp_path_factory.mktemp("publish")
    site, result = build_published(root)
    for origin in serve_under_mount(root, result.output):
        yield Published(site, result.output, origin, result)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def html_pages(output: Path) -> list[str]:
    """Every HTML page, as its path under the mount (index.html dropped, as the site links to it)."""
    pages = []
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        if rel.startswith(("pagefind/", "assets/")):     # the search index's and the site's own files
            continue
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


LINKS_JS = """() => {
  const urls = [];
  for (const el of document.querySelectorAll("a[href], link[href], area[href]")) urls.push(el.href);
  for (const el of document.querySelectorAll("img[src], script[src], source[src], iframe[src]")) urls.push(el.src);
  return urls;
}"""


def ids_of(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


# -- links -----------------------------------------------------------------------------
def test_every_internal_link_of_every_page_works_under_the_sub_path(published: Published, chromium) -> None:
    pages = html_pages(published.output)
    assert len(pages) > 50 and DIFF_PATH in pages and "404.html" in pages
    context = chromium.new_context()
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    links: dict[str, str] = {}      # url -> first page that links to it
    try:
        for path in pages:
            response = page.goto(published.base + path, wait_until="load")
            assert response is not None and response.status == 200, path
            for url in page.evaluate(LINKS_JS):
                if url.startswith(PUBLIC):           # canonical, og:url: the deployed address of a local page
                    url = published.local(url)
                links.setdefault(url, path)
    finally:
        context.close()
    assert not failed, f"{len(failed)} resources failed while loading pages, e.g. {failed[:8]}"
    internal = {url: where for url, where in links.items() if url.startswith(published.origin)}
    outside = [f"{url} (on {where})" for url, where in internal.items() if not urlsplit(url).path.startswith(MOUNT)]
    assert not outside, f"links that escape the sub-path {MOUNT}: {outside}"
    assert len({urldefrag(u).url for u in internal}) > 100
    broken, missing_anchors = [], []
    targets: dict[str, str] = {}
    for url, where in sorted(internal.items()):
        target, fragment = urldefrag(url)
        if target not in targets:
            status = status_of(target)
            if status != 200:
                broken.append(f"{status} {target} (on {where})")
                targets[target] = ""
                continue
            with urllib.request.urlopen(target, timeout=10) as response:
                targets[target] = response.read().decode("utf-8", "replace")
        if fragment and targets[target] and fragment not in ids_of(targets[target]):
            missing_anchors.append(f"{url} (on {where})")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:20])
    assert not missing_anchors, f"{len(missing_anchors)} links to missing anchors:\n" + "\n".join(missing_anchors[:20])


def test_a_wrong_address_outside_the_mount_is_not_served_by_the_archive(published: Published) -> None:
    # The archive is only reachable under its sub-path; a link to /stories/ without it would be broken.
    assert status_of(published.origin + "/stories/") == 404
    assert status_of(published.base + "stories/") == 200


# -- 404 -------------------------------------------------------------------------------
@pytest.mark.parametrize("missing", ["nope", "articles/2025/06/23/gone/", "a/b/c/d/e/missing.html"])
def test_404_page_works_from_any_depth(published: Published, chromium, missing: str) -> None:
    context = chromium.new_context()
    page = context.new_page()
    loaded: dict[str, int] = {}
    page.on("response", lambda r: loaded.__setitem__(r.url, r.status))
    try:
        response = page.goto(published.base + missing, wait_until="load")
        assert response is not None and response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        assert loaded.get(published.base + "assets/style.css") == 200      # styled, whatever the depth
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Georgia")
        hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    finally:
        context.close()
    here = published.base + missing
    internal = [h for h in hrefs if h.startswith(published.origin) and urldefrag(h).url != here]   # not "#main"
    assert len(internal) >= 5
    assert all(status_of(urldefrag(h).url) == 200 for h in internal), internal


def test_404_html_links_are_absolute_under_the_sub_path(published: Published) -> None:
    html = (published.output / "404.html").read_text(encoding="utf-8")
    refs = re.findall(r'\s(?:href|src)="([^"]*)"', html)
    assert refs
    relative = [r for r in refs if not (r.startswith(MOUNT) or r.startswith(PUBLIC) or r.startswith("#"))]
    assert not relative, f"404.html is served at any depth; these would break: {relative}"


# -- feeds, sitemap, robots ------------------------------------------------------------------
def feed_files(output: Path) -> list[Path]:
    return sorted(output.rglob("feed.xml"))


def test_feeds_parse_and_point_inside_the_public_base(published: Published) -> None:
    import feedparser
    feeds = feed_files(published.output)
    rel = {f.relative_to(published.output).as_posix() for f in feeds}
    assert "feed.xml" in rel and "stories/iran-us-strikes-2025/feed.xml" in rel
    assert "entities/abbas-araqchi/feed.xml" in rel
    assert len(rel) == 1 + len(list((published.output / "stories").glob("*/index.html"))) + \
        len(list((published.output / "entities").glob("*/index.html")))
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        name = feed.relative_to(published.output).as_posix()
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert parsed.entries, name
        urls = [link.href for link in parsed.feed.links]
        for entry in parsed.entries:
            urls += [entry.link] + [link.href for link in entry.links]
        outside = [u for u in urls if not u.startswith(PUBLIC)]
        assert not outside, (name, outside)
        ids = [parsed.feed.id] + [entry.id for entry in parsed.entries]    # the same whatever the base URL
        assert all(i.startswith("tag:iran-us-strikes-a-coverage-archive,2000:") for i in ids), (name, ids)
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [PUBLIC + name]


def test_feed_links_work_on_the_local_mount(published: Published) -> None:
    import feedparser
    parsed = feedparser.parse((published.output / "feed.xml").read_bytes())
    assert len(parsed.entries) == 5
    for entry in parsed.entries:
        assert status_of(published.local(entry.link)) == 200, entry.link


def test_sitemap_lists_every_page_under_the_public_base(published: Published) -> None:
    root = ET.parse(published.output / "sitemap.xml").getroot()
    if root.tag == SITEMAP_NS + "sitemapindex":    # large archives split the sitemap
        locs = [el.text or "" for el in root.iter(SITEMAP_NS + "loc")]
        assert all(loc.startswith(PUBLIC) for loc in locs), locs
        parts = [ET.parse(published.output / loc[len(PUBLIC):]).getroot() for loc in locs]
    else:
        parts = [root]
    locs = [el.text or "" for part in parts for el in part.iter(SITEMAP_NS + "loc")]
    assert locs and all(loc.startswith(PUBLIC) for loc in locs), [loc for loc in locs if not loc.startswith(PUBLIC)]
    assert PUBLIC in locs and PUBLIC + HORMUZ_PATH in locs and PUBLIC + DIFF_PATH in locs
    assert PUBLIC + "404.html" not in locs
    pages = {PUBLIC + p for p in html_pages(published.output)} - {PUBLIC + "404.html"}
    assert set(locs) == pages
    assert len(locs) == len(set(locs))
    for loc in locs[:10]:
        assert status_of(published.local(loc)) == 200, loc


def test_robots_txt_names_the_sitemap(published: Published) -> None:
    robots = (published.output / "robots.txt").read_text(encoding="utf-8")
    assert re.search(r"(?im)^user-agent:\s*\*", robots)
    assert re.search(rf"(?im)^sitemap:\s*{re.escape(PUBLIC)}sitemap\.xml\s*$", robots), robots
    assert status_of(published.base + "robots.txt") == 200


# -- nothing local in the output -------------------------------------------------------------
def test_no_local_path_or_host_in_any_output_file(published: Published) -> None:
    leaks = [str(published.site), str(published.site.resolve()), str(published.output),
             str(published.output.resolve()), str(REPO), "127.0.0.1", "localhost", "file://"]
    files = [p for p in published.output.rglob("*") if p.is_file()]
    assert len(files) > 100
    found = []
    for path in files:
        data = path.read_bytes()
        if path.relative_to(published.output).parts[0] == "pagefind":
            try:                  # the search index and fragments are gzipped
                data = gzip.decompress(data)
            except OSError:
                pass
        for leak in leaks:
            if leak.encode() in data:
                found.append(f"{path.relative_to(published.output)}: {leak}")
    assert not found, found


# -- search ------------------------------------------------------------------------------
def test_search_for_hormuz_finds_the_eu_warning_under_the_sub_path(published: Published, chromium) -> None:
    assert (published.output / "pagefind" / "pagefind-ui.js").is_file()
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(published.base + "search/", wait_until="load")
        page.fill("#search input", "Hormuz")
        link = page.locator(".pagefind-ui__result-link", has_text=HORMUZ_TITLE).first    # the entity's page comes too
        link.wait_for(timeout=15000)
        assert link.inner_text().strip() == HORMUZ_TITLE
        href = link.get_attribute("href") or ""
        assert href == MOUNT + HORMUZ_PATH, href
        link.click()
        page.wait_for_url(published.base + HORMUZ_PATH)
        assert page.locator("h1").inner_text() == HORMUZ_TITLE
    finally:
        context.close()


# -- structured data ---------------------------------------------------------------------------
def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_article_json_ld_and_open_graph(published: Published) -> None:
    html = (published.output / HORMUZ_PATH / "index.html").read_text(encoding="utf-8")
    (data,) = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == HORMUZ_TITLE
    assert data["datePublished"].startswith("2025-06-23")
    assert data["publisher"]["name"] == "Business Recorder"
    assert data["url"] == PUBLIC + HORMUZ_PATH
    names = {item["name"] for item in data["about"]}
    assert {"Strait of Hormuz", "Kaja Kallas", "Abbas Araqchi"} <= names
    og = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', html))
    assert og["og:type"] == "article"
    assert og["og:url"] == PUBLIC + HORMUZ_PATH
    assert og["og:title"] == HORMUZ_TITLE.replace("'", "&#39;")
    assert og["og:site_name"] and og["og:description"]
    assert f'<link rel="canonical" href="{PUBLIC}{HORMUZ_PATH}">' in html


def test_story_page_has_an_item_list_of_its_events(published: Published) -> None:
    html = (published.output / "stories/iran-us-strikes-2025/index.html").read_text(encoding="utf-8")
    (data,) = json_ld(html)
    assert data["@type"] == "ItemList"
    items = data["itemListElement"]
    assert len(items) == 3
    assert [item["position"] for item in items] == [1, 2, 3]
    urls = [item.get("url") or item.get("item", {}).get("url") for item in items]
    assert all(u and u.startswith(PUBLIC + "articles/") for u in urls), urls
    assert PUBLIC + HORMUZ_PATH in urls


def test_every_story_timeline_json_parses(published: Published) -> None:
    stories = sorted((published.output / "stories").glob("*/timeline.json"))
    assert len(stories) == len(list((published.output / "stories").glob("*/index.html"))) >= 2
    for path in stories:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["title"]["text"]["headline"]
        assert data["events"], path
        for event in data["events"]:
            assert event["start_date"]["year"] and event["start_date"]["month"] and event["start_date"]["day"]
            assert event["group"]
            assert event["text"]["headline"]
            assert PUBLIC + "articles/" in event["text"]["text"]
    main = json.loads((published.output / "stories/iran-us-strikes-2025/timeline.json").read_text(encoding="utf-8"))
    assert len(main["events"]) == 4            # every version of every event
    assert {e["group"] for e in main["events"]} == {"Business Recorder", "Daily8", "Unidentified outlet"}


# -- deploy examples -----------------------------------------------------------------------------
def test_github_pages_workflow_example_is_ready() -> None:
    import yaml
    workflow = yaml.safe_load((REPO / "docs" / "github-pages.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_steps = workflow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "") for s in build_steps]
    runs = " ".join(s.get("run", "") for s in build_steps)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "output"
    assert "pip install" in runs and "site-builder check" in runs
    assert re.search(r"site-builder build .*--base-url \"https://\$\{\{ github.repository_owner }}\.github\.io/"
                     r"\$\{\{ github.event.repository.name }}/\"", runs), runs
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    assert not (REPO / ".github" / "workflows" / "github-pages.yml").exists()     # an example, not active here


def test_netlify_example_and_readme_deploy_section() -> None:
    import tomllib
    netlify = tomllib.loads((REPO / "docs" / "netlify.toml").read_text(encoding="utf-8"))
    assert netlify["build"]["publish"] == "output"
    assert "site-builder build" in netlify["build"]["command"] and "--base-url https://" in netlify["build"]["command"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    deploy = readme[readme.index("\n## Deploy"):]
    for needle in ("docs/github-pages.yml", "docs/netlify.toml", "aws s3 sync output/ s3://", "--delete",
                   "error_page 404", "try_files", "base_url", "--base-url"):
        assert needle in deploy, needle
