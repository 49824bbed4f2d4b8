"""The Routing page (managers and admins): who got what, through which node, and what went wrong."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, page_guard
from baton.web.pages import MANAGERS, Page
from baton.web.queries import filter_options
from baton.web.reading import reading
from baton.web.render import page
from baton.web.routing_data import routing_view

PAGE = Page("routing", "Routing", "/routing", order=40, roles=MANAGERS)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/routing")
def routing_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    with reading(baton) as (conn, mirror):
        view = routing_view(conn, mirror, viewer.user, filters, baton.clock.now())
        options = filter_options(mirror, viewer.user, filters)
    charts = {c.id: c for c in view["charts"]} | {p.chart.id: p.chart for p in view["pools"]}
    return page(
        request,
        "routing.html",
        {
            "current": PAGE.key,
            "view": view,
            "charts": charts,
            "options": options,
            "limit": view["limits"].pool_imbalance,
        },
    )
