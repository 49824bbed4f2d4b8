"""The Speed to lead page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, page_guard
from baton.web.pages import Page
from baton.web.queries import filter_options
from baton.web.reading import reading
from baton.web.render import page
from baton.web.speed_data import speed_view

PAGE = Page("speed", "Speed to lead", "/speed", order=30)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/speed")
def speed_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    with reading(baton) as (conn, mirror):
        view = speed_view(conn, mirror, viewer.user, filters)
        options = filter_options(mirror, viewer.user, filters)
    return page(
        request,
        "speed.html",
        {
            "current": PAGE.key,
            **view,
            "charts": {c.id: c for c in view["shown"]},
            "options": options,
        },
    )
