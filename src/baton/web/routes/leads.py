"""The lead list (every drill-down lands here) and the lead page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, WebError, page_guard
from baton.web.lead_story import lead_story
from baton.web.pages import Page
from baton.web.queries import (
    FACETS,
    filter_options,
    lead_detail,
    lead_list,
    parse_facets,
)
from baton.web.reading import reading
from baton.web.render import page

PAGE = Page("leads", "Leads", "/leads", order=50)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/leads")
def leads_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    facets = parse_facets(request.query_params)
    try:
        number = int(request.query_params.get("page") or 1)
    except ValueError:
        number = 1
    with reading(baton) as (conn, mirror):
        result = lead_list(
            conn, mirror, viewer.user, filters, facets, number, now=baton.clock.now()
        )
        options = filter_options(mirror, viewer.user, filters)
    return page(
        request,
        "leads/list.html",
        {
            "current": PAGE.key,
            "result": result,
            "facets": facets,
            "FACETS": FACETS,
            "options": options,
            "base_path": PAGE.path,
        },
    )


@router.get("/leads/{lead_id}")
def lead_page(request: Request, lead_id: int, baton: BatonDep, viewer: ViewerDep) -> Response:
    with baton.db.read() as conn:
        detail = lead_detail(conn, viewer.user, lead_id)
        if detail is None:
            raise WebError(404, f"There is no lead {lead_id}, or it is not yours to see.")
        story = lead_story(conn, detail["lead"], baton.clock.now())
    return page(request, "leads/detail.html", {"current": PAGE.key, **detail, **story})
