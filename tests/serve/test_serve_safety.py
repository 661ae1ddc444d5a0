"""serve: every page is served from one whole build, and only pages served here open its sockets."""
from __future__ import annotations

import asyncio
import base64
import http.client
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from site_builder.build import writer
from site_builder.build.pipeline import BuildOptions
from site_builder.serve.http import STATUS_URL, Hub, allowed_host, application
from site_builder.serve.rebuild import Builder, site_layout
from site_builder.serve.watch import snapshot
from tests.conftest import write_article
from tests.serve.test_server import Served, copy_site, free_port, get

NEW_URL = "/articles/2026/01/01/newest-of-all/"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(copy_site(tmp_path_factory.mktemp("serve-safety") / "site"))
    try:
        yield server
    finally:
        assert server.stop() == 0, server.output()


def upgrade(port: int, path: str, host: str, origin: str | None) -> int:
    """The status of a WebSocket handshake sent with this Host and Origin."""
    headers = {"Host": host, "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin is not None:
        headers["Origin"] = origin
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/livereload", STATUS_URL])
def test_sockets_refuse_other_origins_and_hosts(served: Served, path: str) -> None:
    here = f"127.0.0.1:{served.port}"
    assert upgrade(served.port, path, here, f"http://{here}") == 101
    assert upgrade(served.port, path, f"localhost:{served.port}", f"http://localhost:{served.port}") == 101
    assert upgrade(served.port, path, here, "http://evil.example") == 403            # a page of another site
    assert upgrade(served.port, path, here, "null") == 403
    rebound = f"evil.example:{served.port}"                                           # DNS rebinding
    assert upgrade(served.port, path, rebound, f"http://{rebound}") == 403
    assert upgrade(served.port, path, rebound, None) == 403


def test_allowed_hosts() -> None:
    assert all(allowed_host(host, "127.0.0.1") for host in
               ("127.0.0.1:5500", "[::1]:5500", "localhost:5500", "localhost", "192.168.1.20:80", "a.localhost:1"))
    assert allowed_host("archive.lan:5500", "archive.lan")
    assert not any(allowed_host(host, "127.0.0.1") for host in
                   ("evil.example:5500", "127.0.0.1.evil.example", "localhost.evil.example", "[bad:5500", ""))


class InProcess:
    """The server as `serve` wires it (one lock between the build and the requests), in this process."""

    def __init__(self, site: Path) -> None:
        lock = threading.Lock()
        console = Console(file=io.StringIO())
        options = BuildOptions(index_search=False, search=False, jobs=1, keep_pages=True, publishing=lock)
        self.builder = Builder(site, options, console, site_layout(site, None))
        self.hub = Hub(self.builder.run(set()).state, self.builder.layout, publishing=lock)
        self.port = free_port()
        self.started = threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self._serve(console),), daemon=True)
        self.thread.start()
        assert self.started.wait(20)

    async def _serve(self, console: Console) -> None:
        server = application(self.hub, console).listen(self.port, address="127.0.0.1")
        self.loop, self.stopping = asyncio.get_running_loop(), asyncio.Event()
        self.started.set()
        await self.stopping.wait()
        server.stop()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(10)


def test_a_page_and_the_pages_it_links_come_from_one_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a build moves files into output/, a request sees the site before or after, never half."""
    site = copy_site(tmp_path / "site")
    server = InProcess(site)
    output = (site / "output").resolve()
    watched = {output / "index.html", output / NEW_URL.strip("/") / "index.html"}
    seen: list[tuple[bool, int]] = []
    probes: list[threading.Thread] = []
    real_replace = os.replace

    def look() -> None:
        home = get(server.port, "/")[2].decode()
        seen.append((NEW_URL in home, get(server.port, NEW_URL)[0]))

    real_exchange = writer.exchange

    def probe() -> None:
        probes.append(threading.Thread(target=look))
        probes[0].start()
        probes[0].join(timeout=1)

    def replace_then_look(source: object, target: object) -> None:
        real_replace(source, target)     # type: ignore[arg-type]
        if Path(str(target)) in watched and not probes:     # the first of the two is in place
            probe()

    def exchange_then_look(first: Path, second: Path) -> None:    # the whole next site swapped in at once
        real_exchange(first, second)
        if second.resolve() == output and not probes:
            probe()
    try:
        write_article(site, "newest-of-all.md", "---\ntitle: Newest of all\ndate: 2026-01-01\nsource: Dawn\n---\nText.\n")
        monkeypatch.setattr(writer.os, "replace", replace_then_look)
        monkeypatch.setattr(writer, "exchange", exchange_then_look)
        server.builder.run({site / "content/articles/newest-of-all.md"})
        monkeypatch.undo()
        assert len(probes) == 1
        probes[0].join(10)
        assert seen == [(True, 200)]
    finally:
        server.stop()


def test_a_same_size_edit_with_the_old_modification_time_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    before = path.stat()
    first = snapshot([tmp_path])
    path.write_text("two", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert snapshot([tmp_path]) != first


def test_an_edit_behind_a_linked_folder_inside_the_site_is_seen(tmp_path: Path) -> None:
    from site_builder.serve.watch import changed_files
    (tmp_path / "shared/more").mkdir(parents=True)
    (tmp_path / "content/articles").mkdir(parents=True)
    target = tmp_path / "shared/more/x.md"
    target.write_text("one", encoding="utf-8")
    os.symlink("../../shared/more", tmp_path / "content/articles/more")
    first = snapshot([tmp_path / "content"], site=tmp_path)
    target.write_text("two, longer", encoding="utf-8")
    assert changed_files(first, snapshot([tmp_path / "content"], site=tmp_path)) == {
        str(tmp_path / "content/articles/more/x.md")}
