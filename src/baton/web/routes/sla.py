"""The SLA page, and its open clocks as a fragment that htmx polls every 15 seconds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, page_guard
from baton.web.pages import Page
from baton.web.queries import filter_options
from baton.web.reading import reading
from baton.web.render import page, render
from baton.web.sla_data import open_clock_rows, sla_view

PAGE = Page("sla", "SLA", "/sla", order=20)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])
POLL_SECONDS = 15


@router.get("/sla")
def sla_page(request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep) -> Response:
    with reading(baton) as (conn, mirror):
        view = sla_view(conn, mirror, viewer.user, filters, baton.clock.now())
        options = filter_options(mirror, viewer.user, filters)
    return page(
        request,
        "sla/page.html",
        {
            "current": PAGE.key,
            **view,
            "charts": {c.id: c for c in view["shown"]},
            "options": options,
            "target": view["compliance"].target,
            "poll": POLL_SECONDS,
            "now": baton.clock.now(),
        },
    )


@router.get("/sla/open-clocks")
def open_clocks_fragment(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    """The open clocks alone (htmx polls it; opened directly, a page with just that table)."""
    with baton.db.read() as conn:
        clocks = open_clock_rows(conn, viewer.user, filters, baton.clock.now())
    return render(
        request,
        "sla/open_clocks.html",
        {"current": PAGE.key, "clocks": clocks, "poll": POLL_SECONDS, "now": baton.clock.now()},
    )
