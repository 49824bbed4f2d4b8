"""Serving the demo while its history loads.

``baton demo`` answers at once: until the history is in, every page and API call but
``/healthz`` and the API docs gets a 503 that says how far the loading is (a page that
reloads itself, or JSON), so nothing is ever shown from half a history. The background
worker (SLA timers, alert delivery) starts once the history is in, as it would after a
load done before serving; the dashboard's mirror copies what the load wrote at the next
page, as it does for any write.
"""

from __future__ import annotations

import html
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from baton.bootstrap import Baton
from baton.demo.load import load_demo

log = logging.getLogger(__name__)
OPEN_PATHS = ("/healthz", "/docs", "/openapi.json", "/static/")
Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Any]


class HistoryLoad:
    """How far the demo's history is, shared by the loading thread and the gate."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.started = time.monotonic()
        self.step = "starting"
        self.error: str | None = None

    def report(self, entity: str, done: int, total: int) -> None:
        self.step = f"{entity} records: {done:,} of {total:,}"

    def words(self) -> str:
        if self.error:
            return f"loading the demo's history failed: {self.error}"
        seconds = time.monotonic() - self.started
        return f"loading the demo's history ({self.step}; {seconds:.0f} s so far)"


class LoadingGate:
    """An ASGI wrapper that answers 503 with the loading's progress until it is done."""

    def __init__(self, app: ASGIApp, load: HistoryLoad) -> None:
        self.app, self.load = app, load

    async def __call__(self, scope: Scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or self.load.done.is_set() or path.startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        words = self.load.words()
        if path.startswith("/v1/"):
            body, kind = json.dumps({"detail": words}).encode(), b"application/json"
        else:
            body, kind = _page(words).encode(), b"text/html; charset=utf-8"
        headers = [(b"content-type", kind), (b"retry-after", b"2"), (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _page(words: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="2"><title>Baton — loading the demo</title></head>'
        '<body style="font-family: system-ui, sans-serif; margin: 3rem auto; max-width: 40rem">'
        "<h1>Northwind Analytics is on its way</h1>"
        f"<p>Baton is {html.escape(words)}: every lead goes through routing and its SLA clock, "
        "as a real one would.</p><p>This page opens the dashboard when it is done.</p>"
        "</body></html>"
    )


def serve_while_loading(
    baton: Baton,
    directory: Path,
    host: str,
    port: int,
    echo: Callable[[str], None],
    lead_count: int = 5000,
) -> None:
    """Serve at once, load the history in a thread, start the worker when it is in."""
    import uvicorn

    from baton.server import create_app
    from baton.worker import Worker

    load, worker = HistoryLoad(), Worker(baton)

    def run() -> None:
        try:
            counts = load_demo(
                baton, directory, baton.clock.now(), load.report, lead_count=lead_count
            )
        except Exception as exc:
            load.error = f"{type(exc).__name__}: {exc}"
            log.exception("loading the demo's history failed")
            echo(f"{load.words()} — stop with Ctrl-C; `baton demo` tells how to start again")
            return
        worker.start()
        load.done.set()
        took = time.monotonic() - load.started
        loaded = ", ".join(f"{n:,} {k} records" for k, n in counts.items())
        echo(f"history loaded in {took:.0f} s: {loaded}; the dashboard is open")

    threading.Thread(target=run, name="baton-demo-history", daemon=True).start()
    try:
        uvicorn.run(LoadingGate(create_app(baton), load), host=host, port=port, log_level="info")
    finally:
        worker.stop()
