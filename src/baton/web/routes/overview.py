"""The Overview, at ``/``: the home page of every role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, page_guard
from baton.web.overview_data import overview_view
from baton.web.ownership_data import ack_prompt
from baton.web.pages import Page
from baton.web.queries import filter_options
from baton.web.reading import reading
from baton.web.render import page

PAGE = Page("overview", "Overview", "/", order=10)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/")
def overview_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    with reading(baton) as (conn, mirror):
        view = overview_view(conn, mirror, viewer.user, filters, baton.clock.now())
        options = filter_options(mirror, viewer.user, filters)
        roe_ack = ack_prompt(conn, viewer.user)
    chart = view["speed_chart"]
    return page(
        request,
        "overview.html",
        {
            "current": PAGE.key,
            **view,
            "charts": {chart.id: chart},
            "options": options,
            "target": view["compliance"].target,
            "roe_ack": roe_ack,
        },
    )
