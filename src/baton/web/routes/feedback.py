"""The Feedback page: rejection reasons, acceptance and SQL rates, leakage."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, page_guard
from baton.web.feedback_data import feedback_view
from baton.web.pages import Page
from baton.web.queries import filter_options
from baton.web.reading import reading
from baton.web.render import page

PAGE = Page("feedback", "Feedback", "/feedback", order=36)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/feedback")
def feedback_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    now = baton.clock.now()
    with reading(baton) as (conn, mirror):
        view = feedback_view(conn, mirror, viewer.user, filters, now)
        options = filter_options(mirror, viewer.user, filters)
    return page(
        request,
        "feedback.html",
        {
            "current": PAGE.key,
            **view,
            "charts": {c.id: c for c in view["shown"]},
            "options": options,
            "now": now,
        },
    )
