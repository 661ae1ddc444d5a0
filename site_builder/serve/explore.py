"""The server of `explore`: Datasette over the archive's database on 127.0.0.1, answering only
requests whose Host names this server, as `serve` does (`http.allowed_host`). A page of another
site whose name was made to resolve to 127.0.0.1 (DNS rebinding) gets 403 and never the data.

    python -m site_builder.serve.explore DATABASE PORT

Datasette's own `serve` command runs it, with the check registered as a plugin wrapping its ASGI
application, so everything else Datasette does at start is kept. Run only where Datasette is
installed (`explore` checks first).
"""
from __future__ import annotations

import importlib
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from datasette import hookimpl

from .http import allowed_host

HOST = "127.0.0.1"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class HostCheck:
    """ASGI middleware: an HTTP request or WebSocket whose Host is not this server is refused
    (403) before it reaches the application."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or allowed_host(request_host(scope), HOST):
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"unknown Host\n"})
        else:
            await send({"type": "websocket.close", "code": 1008})     # before it is accepted: a 403


def request_host(scope: Scope) -> str:
    """The request's Host header ('' without one)."""
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return bytes(value).decode("latin-1")
    return ""


@hookimpl
def asgi_wrapper(datasette: object) -> Callable[[App], App]:
    """The plugin hook (this module is the plugin): Datasette wraps its application in the check."""
    return HostCheck


def main(argv: list[str]) -> None:
    """Serve DATABASE on 127.0.0.1:PORT until stopped."""
    from datasette.cli import cli
    from datasette.plugins import pm
    database, port = argv
    pm.register(importlib.import_module(__spec__.name if __spec__ else __name__))   # by its name, not __main__
    cli(["serve", database, "--host", HOST, "--port", port], prog_name="datasette")


if __name__ == "__main__":
    main(sys.argv[1:])
