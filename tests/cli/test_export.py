"""`export` writes the open data outside the site; `explore` serves the database with Datasette."""
from __future__ import annotations

import http.client
import importlib.util
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli import main
from site_builder.site.formats.opendata import SCHEMA


@pytest.fixture
def built(built_example: Path) -> Path:
    return built_example


def export(site: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["export", "--site", str(site), *args])
    return result.exit_code, result.output


def test_export_writes_what_the_build_writes_into_data(built: Path, tmp_path: Path) -> None:
    data = built / "output/data"
    assert export(built, "--format", "sqlite", "--output", str(tmp_path / "a.sqlite"))[0] == 0
    assert (tmp_path / "a.sqlite").read_bytes() == (data / "archive.sqlite").read_bytes()
    assert export(built, "--format", "json", "--output", str(tmp_path / "s.json"))[0] == 0
    assert (tmp_path / "s.json").read_bytes() == (data / "stories.json").read_bytes()
    code, printed = export(built, "--format", "csv", "--output", str(tmp_path / "tables"))
    assert code == 0 and "9 CSV files" in printed
    for table in SCHEMA:
        assert (tmp_path / "tables" / f"{table.name}.csv").read_bytes() == (data / f"{table.name}.csv").read_bytes()


def test_export_writes_into_the_current_folder_by_default(built: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert export(built, "--format", "json")[0] == 0
    assert json.loads((tmp_path / "stories.json").read_text())["stories"]


def test_export_never_replaces_a_file_without_force(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "mine.sqlite"
    target.write_text("my own work")
    code, printed = export(built, "--format", "sqlite", "--output", str(target))
    assert code == 1
    assert f"{target}: already exists" in printed and "--force" in printed
    assert target.read_text() == "my own work"
    assert export(built, "--format", "sqlite", "--output", str(target), "--force")[0] == 0
    assert target.read_bytes().startswith(b"SQLite format 3\0")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.sqlite"]       # no temporary file left


def test_export_of_a_broken_archive_is_a_located_error(built: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built / "content", site / "content")
    (site / "content/articles/bad.md").write_text("---\ntitle: Bad\ndate: 2025-02-30\nsource: X\n---\nText.\n")
    code, printed = export(site, "--format", "json", "--output", str(tmp_path / "s.json"))
    assert code == 1
    assert "content/articles/bad.md:3:" in printed
    assert not (tmp_path / "s.json").exists()


def test_explore_without_datasette_says_how_to_install_it(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a))
    result = CliRunner().invoke(main, ["explore", "--site", str(built)])
    assert result.exit_code == 1
    assert "needs Datasette" in result.output and "pip install 'site_builder[explore]'" in result.output
    assert "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(importlib.util.find_spec("datasette") is None, reason="the explore extra is not installed")
def test_explore_serves_the_database_on_localhost_and_stops_with_it(built: Path) -> None:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "explore", "--site", str(built),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/archive/articles.json?_shape=array&_col=title"
    try:
        rows = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    rows = json.load(response)
                break
            except OSError:
                time.sleep(0.25)
        assert rows is not None and len(rows) == 5
        assert {"slug", "title"} == set(rows[0])
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
        with pytest.raises(OSError):          # Datasette went with it
            urllib.request.urlopen(url, timeout=2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _get(port: int, path: str, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.skipif(importlib.util.find_spec("datasette") is None, reason="the explore extra is not installed")
def test_explore_refuses_a_host_that_is_not_this_server(built: Path) -> None:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "explore", "--site", str(built),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    path = "/archive/articles.json?_shape=array&_col=body"
    try:
        for _ in range(120):
            try:
                status, _body = _get(port, path, f"127.0.0.1:{port}")
                break
            except OSError:
                time.sleep(0.25)
        assert status == 200
        assert _get(port, path, f"localhost:{port}")[0] == 200
        for foreign in (f"rebind.attacker.example:{port}", "rebind.attacker.example", f"127.0.0.1.nip.io:{port}", ""):
            status, body = _get(port, path, foreign)      # a page of another site, its name pointed at 127.0.0.1
            assert status == 403, foreign
            assert b"body" not in body and b"Strait" not in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_export_never_replaces_a_link_or_special_file(built: Path, tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.sqlite"
    dangling.symlink_to(tmp_path / "nowhere" / "x.sqlite")
    for force in ((), ("--force",)):
        code, printed = export(built, "--format", "sqlite", "--output", str(dangling), *force)
        assert code == 1 and f"{dangling}: " in printed and "link" in printed, printed
        assert dangling.is_symlink() and os.readlink(dangling) == str(tmp_path / "nowhere" / "x.sqlite")
    mine = tmp_path / "mine.json"
    mine.write_text("my own work")
    link = tmp_path / "link.json"
    link.symlink_to(mine)
    code, printed = export(built, "--format", "json", "--output", str(link))
    assert code == 1 and "already exists" in printed and mine.read_text() == "my own work"
    assert export(built, "--format", "json", "--output", str(link), "--force")[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(mine)                  # written through the link
    assert mine.read_bytes() == (built / "output/data/stories.json").read_bytes()
    server = socket.socket(socket.AF_UNIX)
    place = tmp_path / "sock"
    server.bind(str(place))
    try:
        code, printed = export(built, "--format", "json", "--output", str(place), "--force")
        assert code == 1 and f"{place}: " in printed and "special file" in printed, printed
        assert stat.S_ISSOCK(os.lstat(place).st_mode)
    finally:
        server.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.sqlite", "link.json", "mine.json", "sock"]


def test_export_writes_through_to_a_pipe_it_is_given(built: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    stdout = tmp_path / "stdout"
    stdout.symlink_to(fifo)                          # as /dev/stdout is a link to the terminal or pipe
    for name, force in ((fifo, ()), (stdout, ("--force",))):
        received: list[bytes] = []
        reader = threading.Thread(target=lambda received=received: received.append(fifo.read_bytes()), daemon=True)
        reader.start()
        code, printed = export(built, "--format", "sqlite", "--output", str(name), *force)
        reader.join(30)
        if reader.is_alive() and stat.S_ISFIFO(os.lstat(fifo).st_mode):    # nothing was written into it
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        assert code == 0, printed
        assert received and received[0] == (built / "output/data/archive.sqlite").read_bytes()
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stdout.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "stdout"]
