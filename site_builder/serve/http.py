"""The HTTP side of `serve`: the output folder served (never anything outside it), the live-reload client
added to pages, and the sockets that tell open pages to reload or show the build's problems."""
from __future__ import annotations

import ipaddress
import json
import mimetypes
import threading
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
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..core.errors import fail
from ..core.terminal import printable
from .rebuild import BuildState, Layout, Outcome

CLIENT_URL = "/__site_builder/client.js"


STATUS_URL = "/__site_builder/status"


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


def _listen(app: web.Application, host: str, port: int) -> HTTPServer:
    try:
        return app.listen(port, address=host)
    except OSError as error:
        raise fail(f"{host}:{port}", None, f"cannot listen: {error.strerror}",
                   "choose another port with --port") from None


FALLBACK_404 = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>There is no page at this address in the output folder (if the build failed,
the error is shown on this page and in the terminal).</p></body></html>"""


CLIENT_JS = (Path(__file__).parent / "client.js").read_text(encoding="utf-8")   # the live-reload client
