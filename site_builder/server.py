"""The preview server: watch → debounce → build → reload, with build errors shown in every open page.

One watcher thread polls the site's inputs, waits until a burst of changes goes quiet, then
runs one incremental build. The IOLoop thread serves the output folder (never anything
outside it), adds the live-reload client to HTML responses (never to the files on disk) and
tells open pages to reload — or only to swap their stylesheets when only CSS changed. A
failed build keeps the last good output served and shows its problems in an overlay.
While a build moves its files into the output folder, requests wait (one lock, held for the
move alone), so every page served and the pages it links come from one build.
"""
from __future__ import annotations

import asyncio
import ipaddress
import json
import mimetypes
import os
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from socket import gethostname
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from rich.console import Console
from rich.markup import escape
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from .build import BuildOptions, BuildResult, build, output_folder
from .config import CONFIG_NAME, Config, load_config
from .errors import Problem, SiteError
from .preview import PageMaker, preview_pages
from .terminal import plain, printable, problem_text

QUIET = 0.1            # seconds without changes before a burst becomes one build
MIN_POLL = 0.05        # seconds between scans of a small site
POLL_COST = 10         # larger trees are scanned less often: at most 1/POLL_COST of a core
CLIENT_URL = "/__site_builder/client.js"
STATUS_URL = "/__site_builder/status"
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp")
Snapshot = dict[str, tuple[int, int, int, int]]     # path -> (mtime_ns, size, inode, ctime_ns)


# -- what is served, and the state of the last build ------------------------------------------
@dataclass(frozen=True)
class Layout:
    """Where the site's inputs are, where its output is and the URL path it is served under."""

    inputs: tuple[Path, ...]
    static: Path
    output: Path
    base_path: str


@dataclass(frozen=True)
class BuildState:
    """What open pages need to know: the output's generation and why the last build failed."""

    generation: int = 0                    # counts builds that changed the output
    problems: tuple[Problem, ...] = ()     # empty when the last build succeeded
    styles_only: bool = False              # the last change was to stylesheets only: swap them, do not reload

    def message(self) -> str:
        return json.dumps({"generation": self.generation, "styles": self.styles_only,
                           "problems": [p.as_dict() for p in self.problems]})


@dataclass(frozen=True)
class Outcome:
    """One build's result for the browser: the new state and what to reload."""

    state: BuildState
    layout: Layout
    reload: tuple[str, ...] = ()           # stylesheet URLs to swap, ("*",) for whole pages, () for nothing
    previews: dict[str, bytes] = field(default_factory=dict)   # output path -> page served instead of the file


def site_layout(site: Path, output: Path | None, fallback: Layout | None = None) -> Layout:
    """The layout from site.toml; the fallback (or the defaults) while site.toml has errors."""
    try:
        config = load_config(site)
        folder = output_folder(site, config, BuildOptions(output=output))
    except (SiteError, OSError):
        if fallback:
            return fallback
        config = Config()
        folder = (output or site / config.paths.output).resolve()
    paths = config.paths
    inputs = (site / CONFIG_NAME, site / paths.content, site / paths.templates, site / paths.static)
    return Layout(inputs, site / paths.static, folder, config.base_path)


def reload_paths(changed: Iterable[Path], layout: Layout, result: BuildResult) -> tuple[str, ...]:
    """Nothing when the output is unchanged; the stylesheets when only CSS changed; else the pages."""
    changed = list(changed)
    if not (result.written or result.removed):
        return ()
    if changed and all(p.suffix == ".css" and p.is_relative_to(layout.static) for p in changed):
        return tuple(sorted(f"{layout.base_path}assets/{p.relative_to(layout.static).as_posix()}" for p in changed))
    return ("*",)


# -- watch -----------------------------------------------------------------------------------------
def snapshot(inputs: Iterable[Path]) -> Snapshot:
    """Modification time, size, inode and change time of every input file (folders are walked, not followed)."""
    files: Snapshot = {}
    for path in inputs:
        if path.is_dir():
            _scan_folder(str(path), files)
        else:
            _stat_into(str(path), files)
    return files


def _ignored(name: str) -> bool:
    """Editors' backup, swap and lock files, and git's folder."""
    return name.endswith(IGNORED_SUFFIXES) or name.startswith(".#") or name == ".git"


def _scan_folder(folder: str, files: Snapshot) -> None:
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if _ignored(entry.name):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        _stat_into(entry.path, files)
        except OSError:       # a folder removed while scanning shows up as removed files
            continue


def _stat_into(path: str, files: Snapshot) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    files[path] = (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)   # ctime: even `touch -r` edits


def changed_files(before: Snapshot, after: Snapshot) -> set[str]:
    """Files created, changed or deleted between two snapshots (a rename is a delete and a create)."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


class Watcher(threading.Thread):
    """Calls on_change once per burst of changes to the inputs, after QUIET seconds of calm.

    Scanning 10,000 files takes tens of milliseconds, so an idle archive is scanned rarely.
    The operating system's file events (through watchfiles) wake the watcher at once and name
    the files to look at again; a folder that came or went, a name outside the inputs, or no
    events at all mean a full scan. Full scans keep running at the idle pace, so an event that
    is lost only costs time."""

    def __init__(self, inputs: Callable[[], Iterable[Path]], on_change: Callable[[set[Path]], None],
                 before: Snapshot, stop: threading.Event) -> None:
        super().__init__(name="site-builder-watcher", daemon=True)
        self.inputs, self.on_change, self.before, self.stop = inputs, on_change, before, stop
        self.wake = threading.Event()
        self._lock = threading.Lock()
        self._hints: set[str] = set()
        self._watching = False        # file events are being delivered

    def run(self) -> None:
        threading.Thread(target=self._listen, name="site-builder-events", daemon=True).start()
        pending: set[str] = set()
        last_change = 0.0
        delay = MIN_POLL
        trusted = False      # a full scan ran since events began: they alone can tell a burst is over
        while not self.stop.is_set():
            self.wake.wait(MIN_POLL if pending else delay)
            self.wake.clear()
            if self.stop.is_set():
                return
            with self._lock:
                hints, self._hints = self._hints, set()
            after = self._restat(hints) if hints or (pending and trusted) else None
            if after is None:
                trusted = self._watching
                started = time.monotonic()
                after = snapshot(self.inputs())
                delay = max(MIN_POLL, (time.monotonic() - started) * POLL_COST)
            changed, self.before = changed_files(self.before, after), after
            if changed:
                pending |= changed
                last_change = time.monotonic()
            elif pending and time.monotonic() - last_change >= QUIET:
                self.on_change({Path(p) for p in pending})
                pending = set()

    def _restat(self, paths: set[str]) -> Snapshot | None:
        """The last snapshot with `paths` looked at again; None when only a full scan can tell."""
        roots = [str(p) for p in self.inputs()]
        after = dict(self.before)
        for path in paths:
            inside = any(path == root or path.startswith(root + os.sep) for root in roots)
            if not inside or os.path.isdir(path):
                return None
            if _ignored(os.path.basename(path)) or f"{os.sep}.git{os.sep}" in path:
                continue
            after.pop(path, None)
            _stat_into(path, after)
            if path not in after and path not in self.before \
                    and any(known.startswith(path + os.sep) for known in self.before):
                return None           # a folder was removed: its files are gone too
        return after

    def _listen(self) -> None:
        """Note every file event under the inputs that exist now, and wake the watcher."""
        try:
            from watchfiles import watch
            paths = [p for p in self.inputs() if p.exists()]
            for changes in watch(*paths, debounce=50, step=5, stop_event=self.stop, rust_timeout=200,
                                 yield_on_timeout=True, raise_interrupt=False, watch_filter=None):
                if changes or not self._watching:
                    with self._lock:
                        self._hints.update(path for _, path in changes)
                        self._watching = True
                    self.wake.set()
        except Exception:      # no file events here (or too many folders): scanning alone still sees everything
            return


# -- search ----------------------------------------------------------------------------------------
class SearchRefresher:
    """Re-indexes the output for search in a background thread; requests during a run coalesce into one more."""

    def __init__(self, site: Path, console: Console) -> None:
        self.site, self.console = site, console
        self._lock = threading.Lock()
        self._running = self._pending = False

    def request(self, output: Path) -> None:
        with self._lock:
            if self._running:
                self._pending = True
                return
            self._running = True
        threading.Thread(target=self._run, args=(output,), daemon=True).start()

    def _run(self, output: Path) -> None:
        from .search import index_site
        while True:
            try:
                if load_config(self.site).search:
                    report = index_site(output)
                    self.console.print(f"[dim]search index updated: {report.pages} pages in {report.seconds:.1f} s[/]",
                                       highlight=False)
            except (SiteError, OSError, RuntimeError) as error:
                self.console.print(f"[yellow]warning[/]: search index not updated: {escape(printable(str(error)))}",
                                   highlight=False)
            with self._lock:
                if not self._pending:
                    self._running = False
                    return
                self._pending = False


# -- build -----------------------------------------------------------------------------------------
@dataclass
class Builder:
    """Runs one build at a time and turns it into an Outcome; never raises."""

    site: Path
    options: BuildOptions
    console: Console
    layout: Layout
    state: BuildState = BuildState()
    unbuilt: set[Path] = field(default_factory=set)    # changes since the last good build
    search: SearchRefresher | None = None
    pages_from: PageMaker | None = None               # the last good build's, for previews
    warned: tuple[Problem, ...] = ()                  # the warnings last shown

    def preview(self, changed: set[Path]) -> Outcome | None:
        """Edited articles' pages at once, before the full build; None when there is nothing to preview."""
        if self.pages_from is None or self.state.problems:
            return None
        start = time.perf_counter()
        try:
            pages = preview_pages(self.pages_from, changed, self.options.drafts)
        except Exception:          # the full build that follows reports whatever went wrong
            return None
        if not pages:
            return None
        self.state = BuildState(self.state.generation + 1)
        self.console.print(f"[cyan]preview[/] {len(pages)} page{'s' * (len(pages) > 1)} in "
                           f"{(time.perf_counter() - start) * 1000:.0f} ms; full build follows", highlight=False)
        return Outcome(self.state, self.layout, ("*",), pages)

    def run(self, changed: set[Path]) -> Outcome:
        self.unbuilt |= changed
        self._print_changes(changed)
        try:
            result = build(self.site, self.options)
        except SiteError as error:
            return self._failed(tuple(error.problems))
        except Exception as error:         # a bug in the build must not stop the preview
            self.console.print_exception()
            return self._failed((_internal_problem(error),))
        return self._succeeded(result)

    def _succeeded(self, result: BuildResult) -> Outcome:
        recovered = bool(self.state.problems)
        self.pages_from = result.pages_from or self.pages_from
        self.layout = site_layout(self.site, self.options.output, self.layout)
        reload = reload_paths(self.unbuilt, self.layout, result)
        self.unbuilt = set()
        if self.search and (result.written or result.removed or not (result.output / "pagefind").exists()):
            self.search.request(result.output)
        self.state = BuildState(self.state.generation + bool(reload), styles_only=bool(reload) and reload != ("*",))
        what = "styles only" if reload and reload != ("*",) else "pages" if reload else "no change"
        self.console.print(f"[green]{'recovered' if recovered else 'built'}[/] {result.written} written, "
                           f"{result.removed} removed in {result.seconds:.2f} s ({what})"
                           + (f", {len(result.warnings)} warning{'s' * (len(result.warnings) > 1)}"
                              if result.warnings else ""),
                           highlight=False, soft_wrap=True)
        if result.warnings != self.warned:       # say what they are when they change, not on every save
            for p in result.warnings:
                self.console.print(problem_text(p), soft_wrap=True, highlight=False)
            self.warned = result.warnings
        return Outcome(self.state, self.layout, reload)

    def _failed(self, problems: tuple[Problem, ...]) -> Outcome:
        self.layout = site_layout(self.site, self.options.output, self.layout)
        self.state = BuildState(self.state.generation, problems)
        for p in problems:
            self.console.print(problem_text(p), soft_wrap=True, highlight=False)
        self.console.print("[bold red]build failed[/]: still serving the last good output; "
                           "the preview recovers on the next good save", highlight=False, soft_wrap=True)
        return Outcome(self.state, self.layout)

    def _print_changes(self, changed: set[Path]) -> None:
        if changed:
            names = sorted(_relative(p, self.site) for p in changed)
            more = f" and {len(names) - 1} more" if len(names) > 1 else ""
            self.console.print(plain((f"changed: {names[0]}{more}", "dim")), highlight=False, soft_wrap=True)


def _relative(path: Path, site: Path) -> str:
    return path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)


def _internal_problem(error: Exception) -> Problem:
    return Problem("site_builder", None, f"unexpected error: {type(error).__name__}: {error}",
                   "the traceback is in the terminal; please report it")


# -- serve -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Found:
    """Where a URL leads: a file inside the output, a redirect, or nothing (both None)."""

    file: Path | None = None
    redirect: str | None = None


def locate(root: Path, base_path: str, url_path: str) -> Found:
    """The output file for a percent-encoded URL path; nothing for any path that leaves `root`."""
    path = unquote(url_path)
    if "\0" in path or "\\" in path:
        return Found()
    if path in ("/", base_path.rstrip("/")):
        return Found(redirect=base_path) if path != base_path else _file_in(root, [], True)
    if not path.startswith(base_path):
        return Found()
    parts = [p for p in path[len(base_path):].split("/") if p not in ("", ".")]
    if ".." in parts:
        return Found()
    found = _file_in(root, parts, path.endswith("/"))
    if found.redirect is not None:
        return Found(redirect=quote(base_path + "/".join(parts) + "/"))
    return found


def _file_in(root: Path, parts: list[str], folder_url: bool) -> Found:
    """The file at `parts`, or the folder's index.html, if it resolves inside `root`."""
    try:
        return _resolved_file(root.resolve(), parts, folder_url)
    except OSError:           # a name too long, a symlink loop...
        return Found()


def _resolved_file(root: Path, parts: list[str], folder_url: bool) -> Found:
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):
        return Found()
    if target.is_dir():
        if not folder_url:
            return Found(redirect="")
        target = (target / "index.html").resolve()
    return Found(file=target) if target.is_relative_to(root) and target.is_file() else Found()


def with_client(html: bytes, generation: int) -> bytes:
    """The page with the live-reload client added before </head> (or </body>, or at the end)."""
    tag = f'<script src="{CLIENT_URL}" data-generation="{generation}"></script>'.encode()
    lower = html.lower()
    at = next((i for i in (lower.find(b"</head>"), lower.find(b"</body>")) if i >= 0), len(html))
    return html[:at] + tag + html[at:]


@dataclass
class Hub:
    """The open pages and the latest build state; used on the IOLoop thread only, except
    `publishing`, which the build holds while it changes the output folder."""

    state: BuildState
    layout: Layout
    reloaders: set[WebSocketHandler] = field(default_factory=set)
    listeners: set[WebSocketHandler] = field(default_factory=set)
    previews: dict[str, bytes] = field(default_factory=dict)
    host: str = "127.0.0.1"                # as given to --host
    publishing: AbstractContextManager[Any] = field(default_factory=threading.Lock)

    def publish(self, outcome: Outcome) -> None:
        self.state, self.layout, self.previews = outcome.state, outcome.layout, outcome.previews
        for socket in list(self.listeners):
            _send(socket, self.state.message(), self.listeners)
        for path in outcome.reload:
            message = json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})
            for socket in list(self.reloaders):
                _send(socket, message, self.reloaders)


def _send(socket: WebSocketHandler, message: str, clients: set[WebSocketHandler]) -> None:
    try:
        socket.write_message(message)
    except WebSocketClosedError:
        clients.discard(socket)


def allowed_host(host: str, served: str) -> bool:
    """Whether a request's Host names this server: an IP address, localhost or this machine's name,
    or the --host given. Any other name is refused: a page of another site whose name was made to
    resolve to this address (DNS rebinding) must not reach the sockets."""
    try:
        name = (urlsplit("//" + host).hostname or "").rstrip(".")
    except ValueError:
        return False
    return bool(name) and (_is_address(name) or name.endswith(".localhost")
                           or name in ("localhost", served.lower(), gethostname().lower()))


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class SameSiteSocket(WebSocketHandler):
    """A socket only pages served here can open: a Host that names this server (403 otherwise)
    and, from a browser, an Origin equal to it."""

    hub: Hub

    def prepare(self) -> None:
        if not allowed_host(self.request.host, self.hub.host):
            raise web.HTTPError(403, "unknown Host")

    def check_origin(self, origin: str) -> bool:
        return WebSocketHandler.check_origin(self, origin)     # same origin (livereload's allows any)


class ReloadSocket(SameSiteSocket, LiveReloadHandler):
    """livereload's socket (LiveReload protocol 7), with its pages kept in the Hub, not class-wide."""

    def initialize(self, hub: Hub) -> None:
        self.hub = hub

    def on_message(self, message: str | bytes) -> None:
        try:
            command = json.loads(message).get("command")
        except (ValueError, AttributeError):     # not a LiveReload message
            return
        if command == "hello":
            self.send_message({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"],
                               "serverName": "site-builder"})
        elif command == "info":
            self.hub.reloaders.add(self)

    def on_close(self) -> None:
        self.hub.reloaders.discard(self)


class StatusSocket(SameSiteSocket):
    """Sends the build state on connect and after every build (same origin only)."""

    def initialize(self, hub: Hub) -> None:
        self.hub = hub

    def open(self, *args: str, **kwargs: str) -> None:
        self.hub.listeners.add(self)
        self.write_message(self.hub.state.message())

    def on_close(self) -> None:
        self.hub.listeners.discard(self)


class ClientHandler(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(CLIENT_JS)


class PageHandler(web.RequestHandler):
    """Files of the output folder only; pretty URLs; the site's 404.html for anything else."""

    def initialize(self, hub: Hub) -> None:
        self.hub = hub

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def get(self) -> None:
        with self.hub.publishing:      # a build moving files into output/ finishes first
            layout = self.hub.layout
            found = locate(layout.output, layout.base_path, self.request.path)
            preview = self._preview(found.file) if found.redirect is None else None
            file = found.file or _file_in(layout.output, ["404.html"], False).file
            data = _read(file) if found.redirect is None and preview is None else None
        if found.redirect is not None:
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect(found.redirect + query)
        elif preview is not None:
            self._send_html(preview)
        else:
            if found.file is None:
                self.set_status(404)
            self._send_file(file, data)

    def head(self) -> None:
        self.get()            # tornado drops the body of HEAD responses

    def _preview(self, file: Path | None) -> bytes | None:
        output = self.hub.layout.output
        if not self.hub.previews or file is None or not file.is_relative_to(output):
            return None
        return self.hub.previews.get(file.relative_to(output).as_posix())

    def _send_file(self, path: Path | None, data: bytes | None) -> None:
        if path is None or data is None:
            self.set_status(404)
            return self._send_html(FALLBACK_404.encode())
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            return self._send_html(data)
        text = kind.startswith("text/") or kind.endswith(("json", "javascript", "xml"))
        self.set_header("Content-Type", f"{kind}; charset=utf-8" if text else kind)
        self.finish(data)

    def _send_html(self, html: bytes) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(with_client(html, self.hub.state.generation))


def _read(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path else None
    except OSError:       # unreadable, or a folder where a file was
        return None


def application(hub: Hub, console: Console) -> web.Application:
    def log(handler: web.RequestHandler) -> None:
        if handler.get_status() >= 500:
            console.print(f"[red]{handler.get_status()}[/] {escape(printable(handler.request.uri or ''))}", highlight=False)

    return web.Application([
        (r"/livereload", ReloadSocket, {"hub": hub}),
        (r"/livereload\.js", LiveReloadJSHandler),
        (CLIENT_URL, ClientHandler),
        (STATUS_URL, StatusSocket, {"hub": hub}),
        (r"/.*", PageHandler, {"hub": hub}),
    ], log_function=log)


def serve(site: Path, *, host: str = "127.0.0.1", port: int = 5500, drafts: bool = False,
          output: Path | None = None, console: Console) -> None:
    """Build once, serve the output on host:port and rebuild on every change, until Ctrl+C."""
    site = site.resolve()
    # Pagefind indexing takes seconds: rebuilds skip it and a background thread refreshes the index.
    publishing = threading.Lock()     # held by a build while it changes output/, and by each request
    options = BuildOptions(drafts=drafts, output=output, index_search=False, keep_pages=True, publishing=publishing)
    builder = Builder(site, options, console, site_layout(site, output), search=SearchRefresher(site, console))
    try:
        before = snapshot(builder.layout.inputs)
        hub = Hub(builder.run(set()).state, builder.layout, host=host, publishing=publishing)
        asyncio.run(_serve_forever(hub, builder, before, host, port))
    except KeyboardInterrupt:
        console.print("stopped", highlight=False)


async def _serve_forever(hub: Hub, builder: Builder, before: Snapshot, host: str, port: int) -> None:
    loop = IOLoop.current()
    server = _listen(application(hub, builder.console), host, port)
    stop = threading.Event()

    def rebuild(changed: set[Path]) -> None:      # on the watcher thread
        preview = builder.preview(changed)
        if preview is not None:
            loop.add_callback(hub.publish, preview)
        loop.add_callback(hub.publish, builder.run(changed))

    watcher = Watcher(lambda: builder.layout.inputs, rebuild, before, stop)
    watcher.start()
    shown = f"[{host}]" if ":" in host else host
    builder.console.print(f"[bold]serving[/] {escape(printable(str(hub.layout.output)))} at "
                          f"http://{shown}:{port}{hub.layout.base_path} (Ctrl+C to stop)",
                          highlight=False, soft_wrap=True)
    try:
        await asyncio.Event().wait()
    finally:
        stop.set()
        watcher.wake.set()
        server.stop()
        watcher.join()


def _listen(app: web.Application, host: str, port: int) -> HTTPServer:
    try:
        return app.listen(port, address=host)
    except OSError as error:
        raise SiteError(Problem(f"{host}:{port}", None, f"cannot listen: {error.strerror}",
                                "choose another port with --port")) from None


FALLBACK_404 = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>There is no page at this address in the output folder (if the build failed,
the error is shown on this page and in the terminal).</p></body></html>"""

CLIENT_JS = r"""(function () {
  "use strict";
  var script = document.currentScript;
  var known = script && script.getAttribute("data-generation");
  var secure = location.protocol === "https:";
  var port = location.port || (secure ? "443" : "80");
  var lr = document.createElement("script");
  lr.src = "/livereload.js?host=" + location.hostname + "&port=" + port;
  document.head.appendChild(lr);

  var overlay = null;
  var STYLE = "<style>:host{all:initial}:host([hidden]){display:none}" +
    "section{position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;" +
    "margin:0;padding:1rem 1.5rem;background:#2b0b0b;color:#fff;font:15px/1.5 system-ui,sans-serif;" +
    "box-shadow:0 4px 24px rgba(0,0,0,.5)}h2{margin:0 0 .25rem;font-size:1.2rem;color:#ff8a80}" +
    "header{display:flex;justify-content:space-between;align-items:center}" +
    "button{font:inherit;color:#fff;background:#5c1a1a;border:1px solid #ff8a80;border-radius:4px;padding:.2rem .7rem}" +
    "li{margin:.5rem 0}code{font:14px/1.4 ui-monospace,monospace;color:#ffd180}.hint{color:#ccc}</style>";

  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "site-builder-overlay";
      var root = overlay.attachShadow({mode: "open"});
      root.innerHTML = STYLE + '<section role="alert"><header><h2>Build failed</h2>' +
        '<button type="button">Hide</button></header><p>Showing the last good build. ' +
        'Fix the file and save: this page recovers by itself.</p><ol></ol></section>';
      root.querySelector("button").addEventListener("click", function () { overlay.hidden = true; });
      document.documentElement.appendChild(overlay);
    }
    var list = overlay.shadowRoot.querySelector("ol");
    list.textContent = "";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = p.path + (p.line ? ":" + p.line : "");
      item.appendChild(where);
      item.appendChild(document.createTextNode(" " + p.message));
      if (p.hint) {
        var hint = document.createElement("div");
        hint.className = "hint";
        hint.textContent = p.hint;
        item.appendChild(hint);
      }
      list.appendChild(item);
    });
    overlay.hidden = false;
  }

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function connect(delay) {
    var socket = new WebSocket((secure ? "wss://" : "ws://") + location.host + "/__site_builder/status");
    var fresh = true;
    socket.onmessage = function (event) {
      var state = JSON.parse(event.data);
      var generation = String(state.generation);
      // A page still loading when a reload went out missed it: the generation tells.
      if (known !== null && generation !== known && (fresh || !state.styles)) { location.reload(); return; }
      fresh = false;
      known = generation;
      delay = 250;
      if (state.problems.length) { show(state.problems); } else { hide(); }
    };
    socket.onclose = function () {
      setTimeout(function () { connect(Math.min(delay * 2, 4000)); }, delay);
    };
  }
  connect(250);
})();
"""
