"""The Workspace page: versions, a diff between two, scenario results, silent mode."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baton.api.deps import BatonDep
from baton.web.auth import ViewerDep, page_guard
from baton.web.pages import MANAGERS, Page
from baton.web.render import page
from baton.web.workspace_data import failures, workspace_view

PAGE = Page("workspace", "Workspace", "/workspace", order=70, roles=MANAGERS)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])


@router.get("/workspace")
def workspace_page(request: Request, baton: BatonDep, viewer: ViewerDep) -> Response:
    with baton.db.read() as conn:
        view = workspace_view(conn, request.query_params, baton.clock.now())
    return page(request, "workspace.html", {"current": PAGE.key, "failures": failures, **view})
