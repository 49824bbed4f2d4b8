"""The Ownership page (managers and admins): blocked owner changes, exceptions, timeouts and
violations with why, disputes with their state and age, and who owns how much."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.services.ownership.views import ownership_overview
from baton.web.auth import ViewerDep, page_guard
from baton.web.pages import MANAGERS, Page
from baton.web.render import page

PAGE = Page("ownership", "Ownership", "/ownership", order=65, roles=MANAGERS)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/ownership")
def ownership_page(request: Request, baton: BatonDep, viewer: ViewerDep) -> Response:
    with baton.db.read() as conn:
        view = ownership_overview(conn, baton.clock.now())
    return page(request, "ownership.html", {"current": PAGE.key, **view})
