"""Rendering pages: the Jinja environment, the context every template gets, htmx
fragments, CSV exports of charts, and the security headers of every page.

An htmx request (``HX-Request``, not a history restore) gets only the
``main`` block of the template (jinja2-fragments): the filter bar, pager and
forms swap ``#main`` in place without reloading the layout.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2_fragments import render_block

from baton.web.auth import SESSION_FLASH, WebError, csrf_token
from baton.web.charts import Chart
from baton.web.filters import FIELD_LABELS, PRESETS
from baton.web.reports import percent
from baton.web.units import duration, plural, word_for
from baton.web.zones import local

SECURITY_HEADERS = {
    # Everything the pages load is served by Baton itself (vendored htmx and Chart.js).
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@pass_context
def _local(ctx, at, fmt: str = "%Y-%m-%d %H:%M", zone: ZoneInfo | None = None) -> str:
    """``{{ at|local }}``: wall time in the viewer's zone (or the one given)."""
    return local(at, zone or ctx.get("zone") or ZoneInfo("UTC"), fmt)


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("baton.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local"] = _local
    env.filters["num"] = _number
    env.filters["duration"] = duration
    env.filters["percent"] = percent
    env.filters["plural"] = plural
    env.filters["noun"] = word_for
    env.globals |= {"PRESETS": PRESETS, "FIELD_LABELS": FIELD_LABELS}
    return env


def is_fragment_request(request: Request) -> bool:
    h = request.headers
    return (
        h.get("hx-request") == "true"
        and h.get("hx-history-restore-request") != "true"
        and h.get("hx-boosted") != "true"
    )


def base_context(request: Request) -> dict[str, Any]:
    viewer = getattr(request.state, "viewer", None)
    filters = getattr(request.state, "filters", None)
    return {
        "request": request,
        "viewer": viewer,
        "filters": filters,
        "zone": viewer.zone if viewer else ZoneInfo("UTC"),
        "nav": request.app.state.pages.nav(viewer.user) if viewer else [],
        "current": None,
        "csrf": csrf_token(request),
        "flash": request.session.pop(SESSION_FLASH, None),
        "charts": {},
        "csv_url": lambda chart: _csv_url(request, chart),
    }


def _csv_url(request: Request, chart: Chart) -> str:
    """This page's URL (same filters) asking for ``chart`` as CSV."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "csv"] + [
        ("csv", chart.id)
    ]
    return f"{request.url.path}?{urlencode(params)}"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """The page (or, for htmx, its ``main`` block) with the common context and security headers."""
    ctx = base_context(request) | (context or {})
    if is_fragment_request(request):
        html = render_block(environment(), template, "main", ctx)
    else:
        html = environment().get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def page(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> Response:
    """``render``, or the CSV of one chart when the URL asks ``?csv=<chart id>``."""
    wanted = request.query_params.get("csv")
    if wanted is None:
        return render(request, template, context, status=status)
    charts: dict[str, Chart] = context.get("charts", {})
    if wanted not in charts:
        raise WebError(404, f"There is no chart '{wanted[:60]}' on this page.")
    filters = getattr(request.state, "filters", None)
    suffix = f"-{filters.start}-{filters.end}" if filters else ""
    return Response(
        charts[wanted].csv(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{wanted}{suffix}.csv"',
            "Cache-Control": "no-store",
        },
    )
