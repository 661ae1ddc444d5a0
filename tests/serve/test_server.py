"""The preview server: safe file serving, the injected client, and live reload in a real browser."""
from __future__ import annotations

import http.client
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from site_builder.build.pipeline import BuildOptions, BuildResult
from site_builder.serve import rebuild
from site_builder.serve.http import CLIENT_URL, locate, with_client
from site_builder.serve.rebuild import Builder, Layout, reload_paths, site_layout
from site_builder.serve.watch import QUIET, Watcher, changed_files, snapshot
from tests.conftest import REPO, copy_example

PACKAGE_CSS = REPO / "site_builder" / "site" / "static" / "style.css"
ARTICLE_FILE = "content/articles/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md"
ARTICLE_URL = "/articles/2025/06/23/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz/"
STARTUP_SECONDS = 30


# -- helpers ------------------------------------------------------------------------------------
def copy_site(folder: Path) -> Path:
    """The example archive with a site stylesheet override in static/."""
    copy_example(folder)
    shutil.copy(PACKAGE_CSS, folder / "static" / "style.css")
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A raw request: http.client sends the path exactly as given (no dot-segment cleanup)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Served:
    """`site-builder serve` in a subprocess, its terminal output in a file."""

    def __init__(self, site: Path) -> None:
        self.site, self.port = site, free_port()
        self.log = site.parent / f"serve-{self.port}.log"
        command = [sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", str(self.port)]
        with open(self.log, "wb") as log:
            # Ctrl+C reaches the server even when the tests themselves run in the background,
            # where the shell starts them with SIGINT ignored and children would inherit that.
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=site,
                                            preexec_fn=_interruptible)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.output()}")
            try:
                get(self.port, CLIENT_URL)
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"server did not start:\n{self.output()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """Ctrl+C, as a user would; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the read-only HTTP tests, with a symlink in its output pointing out."""
    site = copy_site(tmp_path_factory.mktemp("serve") / "site")
    server = Served(site)
    try:
        assert (site / "output" / "index.html").exists(), server.output()
        (site / "output" / "leak.txt").symlink_to("/etc/passwd")
        (site / "output" / "leakdir").symlink_to(site)
        yield server
    finally:
        assert server.stop() == 0, server.output()


# -- pure functions -----------------------------------------------------------------------------
def test_locate_serves_files_and_pretty_urls(tmp_path: Path) -> None:
    (tmp_path / "stories" / "x").mkdir(parents=True)
    (tmp_path / "stories" / "x" / "index.html").write_text("x")
    (tmp_path / "index.html").write_text("home")
    assert locate(tmp_path, "/", "/").file == tmp_path / "index.html"
    assert locate(tmp_path, "/", "/stories/x/").file == tmp_path / "stories" / "x" / "index.html"
    assert locate(tmp_path, "/", "/stories/x").redirect == "/stories/x/"
    assert locate(tmp_path, "/", "/stories/x/index.html").file is not None
    assert locate(tmp_path, "/archive/", "/").redirect == "/archive/"
    assert locate(tmp_path, "/archive/", "/archive/stories/x/").file is not None
    assert locate(tmp_path, "/archive/", "/stories/x/").file is None


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2E%2E%2Fsecret.txt",
                                  "/stories/../../secret.txt", "//secret.txt", "/..\\secret.txt",
                                  "/link/secret.txt", "/leak.txt", "/%00", "/missing"])
def test_locate_never_leaves_the_output(tmp_path: Path, path: str) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    root = tmp_path / "output"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    found = locate(root, "/", path)
    assert found.file is None and found.redirect is None


def test_client_goes_into_the_head() -> None:
    page = with_client(b"<html><head><title>t</title></HEAD><body>x</body></html>", 7)
    assert page.index(CLIENT_URL.encode()) < page.index(b"</HEAD>")
    assert b'data-generation="7"' in page
    assert with_client(b"<p>no head</p>", 1).startswith(b"<p>no head</p><script")


def test_snapshot_sees_created_changed_deleted_and_renamed_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "b.md").write_text("b")
    (tmp_path / ".#lock").write_text("editor noise")
    before = snapshot([tmp_path])
    assert set(before) == {str(tmp_path / "a.md"), str(tmp_path / "b.md")}
    (tmp_path / "a.md").write_text("changed, and longer")
    (tmp_path / "b.md").rename(tmp_path / "c.md")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.md").write_text("d")
    changed = changed_files(before, snapshot([tmp_path]))
    assert changed == {str(tmp_path / n) for n in ("a.md", "b.md", "c.md", "sub/d.md")}


def test_a_burst_of_changes_is_one_build(tmp_path: Path) -> None:
    calls: list[set[Path]] = []
    stop = threading.Event()
    watcher = Watcher(lambda: [tmp_path], calls.append, snapshot([tmp_path]), stop)
    watcher.start()
    try:
        for n in range(30):                # like a git checkout: many files, small gaps
            (tmp_path / f"{n}.md").write_text(str(n))
            time.sleep(QUIET / 10)
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(QUIET * 3)
    finally:
        stop.set()
        watcher.join()
    assert calls == [{tmp_path / f"{n}.md" for n in range(30)}]


def test_an_unexpected_error_becomes_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(site: Path, options: BuildOptions) -> BuildResult:
        raise RuntimeError("boom")

    monkeypatch.setattr(rebuild, "build", broken)
    console = Console(file=open(os.devnull, "w"), width=100)
    try:
        outcome = Builder(tmp_path, BuildOptions(), console, site_layout(tmp_path, None)).run({tmp_path / "x.md"})
    finally:
        console.file.close()
    assert outcome.reload == () and "RuntimeError: boom" in outcome.state.problems[0].message


def test_only_css_changes_swap_stylesheets(tmp_path: Path) -> None:
    layout = Layout((), tmp_path / "static", tmp_path / "output", "/base/")
    wrote = BuildResult(tmp_path, 10, 1, 0, 0.1, ())
    assert reload_paths([tmp_path / "static" / "css" / "a.css"], layout, wrote) == ("/base/assets/css/a.css",)
    assert reload_paths([tmp_path / "static" / "a.css", tmp_path / "content" / "x.md"], layout, wrote) == ("*",)
    assert reload_paths([tmp_path / "content" / "x.md"], layout, BuildResult(tmp_path, 10, 0, 0, 0.1, ())) == ()


# -- the server over HTTP -----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/../site.toml", "/%2e%2e/site.toml", "/..%2fsite.toml", "/%2e%2e%2fsite.toml",
                                  "/articles/../../site.toml", "/leak.txt", "/leakdir/site.toml", "//etc/passwd"])
def test_nothing_outside_the_output_is_served(served: Served, path: str) -> None:
    status, _, body = get(served.port, path)
    assert status == 404
    assert b"root:" not in body and b"per_page" not in body


def test_unknown_paths_get_the_sites_404_page(served: Served) -> None:
    status, headers, body = get(served.port, "/no/such/page/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert b"Page not found" in body and CLIENT_URL.encode() in body


def test_pretty_urls(served: Served) -> None:
    status, headers, _ = get(served.port, ARTICLE_URL.rstrip("/") + "?x=1")
    assert status == 302 and headers["location"] == ARTICLE_URL + "?x=1"
    status, _, body = get(served.port, ARTICLE_URL)
    assert status == 200 and b"Hormuz" in body
    status, headers, body = get(served.port, ARTICLE_URL, method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_client_is_injected_into_responses_not_files(served: Served) -> None:
    _, headers, body = get(served.port, ARTICLE_URL)
    assert body.count(CLIENT_URL.encode()) == 1
    assert headers["cache-control"] == "no-store"
    on_disk = (served.site / "output" / ARTICLE_URL.strip("/") / "index.html").read_bytes()
    assert CLIENT_URL.encode() not in on_disk and b"livereload" not in on_disk
    _, headers, css = get(served.port, "/assets/style.css")
    assert headers["content-type"].startswith("text/css") and CLIENT_URL.encode() not in css
    status, _, script = get(served.port, "/livereload.js")
    assert status == 200 and b"LiveReload" in script


def test_a_bad_first_build_still_serves_and_recovers(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    article = site / ARTICLE_FILE
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("title:", "title: [unclosed", 1), encoding="utf-8")
    server = Served(site)
    try:
        status, _, body = get(server.port, "/")
        assert status == 404 and CLIENT_URL.encode() in body
        assert "eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md" in server.output()
        article.write_text(good, encoding="utf-8")
        deadline = time.monotonic() + 20
        while get(server.port, "/")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert get(server.port, "/")[0] == 200, server.output()
    finally:
        assert server.stop() == 0


# -- the server in a browser --------------------------------------------------------------------
def edit_body(path: Path, marker: str, text: str | None = None) -> None:
    """Rewrite the article with `marker` as its last paragraph (replacing an earlier one)."""
    head = (path.read_text(encoding="utf-8") if text is None else text).partition("\nLIVE ")[0]
    path.write_text(f"{head}\nLIVE {marker}\n", encoding="utf-8")


BUILT = re.compile(r"built: \d+ files? written, \d+ removed in ([\d.]+) s")


def settle(page: object, server: Served, builds: int) -> None:
    """Wait for the full build after a preview, and for the open page to show its generation."""
    from playwright.sync_api import expect
    deadline = time.monotonic() + 30
    while len(BUILT.findall(server.output())) <= builds and time.monotonic() < deadline:
        time.sleep(0.05)
    generation = re.search(rb'data-generation="(\d+)"', get(server.port, ARTICLE_URL)[2])
    assert generation, server.output()
    expect(page.locator(f'script[data-generation="{generation[1].decode()}"]')).to_have_count(1)  # type: ignore[attr-defined]
    page.wait_for_load_state("load")  # type: ignore[attr-defined]


def wait_connected(page: object) -> None:
    page.wait_for_function("window.LiveReload && window.LiveReload.connector.protocol === 7")  # type: ignore[attr-defined]


@pytest.mark.browser
def test_live_reload_errors_and_css_in_the_browser(tmp_path: Path, browser: object) -> None:
    from playwright.sync_api import expect
    site = copy_site(tmp_path / "site")
    article = site / ARTICLE_FILE
    server = Served(site)
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    try:
        page.goto(server.url + ARTICLE_URL)
        main = page.locator("main")
        latencies = []
        for n in range(5):
            wait_connected(page)
            builds = len(BUILT.findall(server.output()))
            started = time.time()
            edit_body(article, f"EDIT-{n}-{os.getpid()}")
            expect(main).to_contain_text(f"EDIT-{n}-{os.getpid()}")      # the preview shows it
            latencies.append(time.time() - started)
            settle(page, server, builds)                                  # then the full build reloads it again
        builds_alone = [float(s) for s in BUILT.findall(server.output())[1:]]
        print(f"\nedit-to-reload latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} edits; "
              f"the full builds: p50 {statistics.median(builds_alone) * 1000:.0f} ms")

        good = article.read_text(encoding="utf-8")
        article.write_text(good.replace("title:", "title: [unclosed", 1), encoding="utf-8")
        overlay = page.locator("#site-builder-overlay section")
        expect(overlay).to_contain_text("eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md")
        expect(overlay).to_contain_text("YAML")
        expect(main).to_contain_text(f"EDIT-4-{os.getpid()}")       # the last good page stays

        edit_body(article, "FIXED", text=good)
        expect(main).to_contain_text("LIVE FIXED")
        expect(page.locator("#site-builder-overlay")).to_have_count(0)

        wait_connected(page)
        page.evaluate("window.__marker = 1")
        css = site / "static" / "style.css"
        css.write_text(css.read_text(encoding="utf-8") + "\nbody { background: rgb(1, 2, 3) !important; }\n",
                       encoding="utf-8")
        page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")
        assert page.evaluate("window.__marker") == 1, "the stylesheet was swapped without reloading the page"
    finally:
        page.close()
        assert server.stop() == 0, server.output()
    assert "build failed" in server.output() and "reloading the stylesheets only" in server.output()
    if os.environ.get("SHOW_SERVER_LOG"):
        print(server.output())


# -- previews: the edited article's page before the full build -------------------------------------
def test_an_edited_article_is_previewed_then_built(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site").resolve()
    console = Console(file=open(os.devnull, "w"), width=100)
    options = BuildOptions(keep_pages=True, search=False)
    try:
        builder = Builder(site, options, console, site_layout(site, None))
        assert builder.run(set()).state.problems == ()
        article = site / ARTICLE_FILE
        edit_body(article, "Previewed before the full build.")
        preview = builder.preview({article})
        assert preview is not None and preview.reload == ("*",)
        page = ARTICLE_URL.strip("/") + "/index.html"
        assert list(preview.previews) == [page]
        assert b"Previewed before the full build." in preview.previews[page]
        assert b"Previewed" not in (site / "output" / page).read_bytes()     # the output waits for the build
        built = builder.run({article})
        assert built.previews == {} and built.state.generation == preview.state.generation + 1
        assert (site / "output" / page).read_bytes() == preview.previews[page]
    finally:
        console.file.close()


@pytest.mark.parametrize("change", ["new file", "slug", "unknown entity", "broken yaml"])
def test_only_plain_edits_are_previewed(tmp_path: Path, change: str) -> None:
    site = copy_site(tmp_path / "site").resolve()
    console = Console(file=open(os.devnull, "w"), width=100)
    try:
        builder = Builder(site, BuildOptions(keep_pages=True, search=False), console, site_layout(site, None))
        builder.run(set())
        article = site / ARTICLE_FILE
        text = article.read_text(encoding="utf-8")
        if change == "new file":
            article = article.with_name("new.md")
            article.write_text(text.replace("title:", "slug: brand-new\ntitle:", 1), encoding="utf-8")
        elif change == "slug":
            article.write_text(text.replace("title:", "slug: moved-elsewhere\ntitle:", 1), encoding="utf-8")
        elif change == "unknown entity":
            article.write_text(text.replace("entities: [", "entities: [Nobody Known Yet, ", 1), encoding="utf-8")
        else:
            article.write_text(text.replace("title:", "title: [unclosed", 1), encoding="utf-8")
        assert builder.preview({article}) is None
    finally:
        console.file.close()


def test_serve_says_what_its_warnings_are_once(tmp_path: Path) -> None:
    """The example's path-only base URL is a warning: serve names it after the first build, then
    only counts it while it stays the same."""
    site = copy_site(tmp_path / "site").resolve()
    out = io.StringIO()
    builder = Builder(site, BuildOptions(search=False), Console(file=out, width=100), site_layout(site, None))
    builder.run(set())
    first = out.getvalue()
    assert ", 1 warning" in first and ", 1 warnings" not in first and 'base_url "/" has no host' in first
    edit_body(site / ARTICLE_FILE, "A second build.")
    builder.run({site / ARTICLE_FILE})
    assert out.getvalue()[len(first):].count("has no host") == 0
