"""The Funnel page: MQL → SAL → SQL → Opportunity → Won, and one breakdown (``?by=``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, page_guard
from baton.web.funnel_data import funnel_view, parse_by
from baton.web.pages import Page
from baton.web.queries import filter_options
from baton.web.reading import reading
from baton.web.render import page

PAGE = Page("funnel", "Funnel", "/funnel", order=34)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/funnel")
def funnel_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    by = parse_by(request.query_params)
    with reading(baton) as (conn, mirror):
        view = funnel_view(conn, mirror, viewer.user, filters, by)
        options = filter_options(mirror, viewer.user, filters)
    return page(
        request,
        "funnel.html",
        {
            "current": PAGE.key,
            **view,
            "charts": {c.id: c for c in [*view["shown"], view["table"]]},
            "options": options,
        },
    )
