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
import threading
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from tornado.ioloop import IOLoop

from ..build.pipeline import BuildOptions
from ..core.terminal import plain, printable
from .http import Hub, _listen, application
from .rebuild import Builder, SearchRefresher, site_layout
from .watch import Snapshot, Watcher, snapshot


def serve(site: Path, *, host: str = "127.0.0.1", port: int = 5500, drafts: bool = False,
          output: Path | None = None, console: Console) -> None:
    """Build once, serve the output on host:port and rebuild on every change, until Ctrl+C."""
    site = site.resolve()
    # Pagefind indexing takes seconds: rebuilds skip it and a background thread refreshes the index.
    publishing = threading.Lock()     # held by a build while it changes output/, and by each request
    options = BuildOptions(drafts=drafts, output=output, index_search=False, keep_pages=True, publishing=publishing,
                           waiting=lambda note: console.print(plain(("waiting", "yellow"), f": {note}"), soft_wrap=True))
    builder = Builder(site, options, console, site_layout(site, output), search=SearchRefresher(site, console, publishing))
    try:
        before = snapshot(builder.layout.inputs, site)
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

    watcher = Watcher(lambda: builder.layout.inputs, rebuild, before, stop, builder.site)
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
