"""The Health page (managers and admins): every health monitor with its colour, value,
threshold, what the playbook says to do and a link to the records behind it; its table as
CSV (``?csv=monitors``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import ViewerDep, page_guard
from baton.web.health_data import health_view
from baton.web.pages import MANAGERS, Page
from baton.web.render import page

PAGE = Page("health", "Health", "/health", order=15, roles=MANAGERS)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/health")
def health_page(request: Request, baton: BatonDep, viewer: ViewerDep) -> Response:
    with baton.db.read() as conn:
        view = health_view(conn, baton.clock.now())
    table = view["table"]
    return page(request, "health.html", {"current": PAGE.key, **view, "charts": {table.id: table}})
