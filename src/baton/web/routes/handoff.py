"""The Handoff page (the Sales → CS handoff's figures), the handoffs behind each figure, and
one handoff in full."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import FiltersDep, ViewerDep, WebError, page_guard
from baton.web.handoff_data import (
    handoff_list_view,
    handoff_view,
    parse_drill,
    person_names,
    visible_handoff,
)
from baton.web.pages import Page
from baton.web.render import page

PAGE = Page("handoff", "Handoff", "/handoff", order=63)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/handoff")
def handoff_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    now = baton.clock.now()
    with baton.db.read() as conn:
        view = handoff_view(conn, viewer.user, filters, now)
    return page(request, "handoff/page.html", {"current": PAGE.key, **view})


@router.get("/handoffs")
def handoff_list(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    drill = parse_drill(request.query_params)
    with baton.db.read() as conn:
        view = handoff_list_view(conn, viewer.user, filters, drill, baton.clock.now())
    return page(request, "handoff/list.html", {"current": PAGE.key, **view})


@router.get("/handoffs/{handoff_id}")
def handoff_detail_page(
    request: Request, handoff_id: int, baton: BatonDep, viewer: ViewerDep
) -> Response:
    with baton.db.read() as conn:
        found = visible_handoff(conn, viewer.user, handoff_id, baton.clock.now())
        names = person_names(conn)
    if found is None:
        raise WebError(404, f"There is no handoff {handoff_id}, or it is not yours to see.")
    return page(request, "handoff/detail.html", {"current": PAGE.key, "h": found, "names": names})
