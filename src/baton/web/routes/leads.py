"""The lead list (every drill-down lands here) and the lead page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from baton.api.deps import BatonDep
from baton.services.lifecycle.status import StatusRefused, change_status
from baton.web.auth import (
    FiltersDep,
    Viewer,
    ViewerDep,
    WebError,
    flash,
    page_guard,
    require_csrf,
)
from baton.web.lead_status import MoveForm, moved_message, read_move_form, status_moves
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
    return _lead_page(request, baton, viewer, lead_id)


def _lead_page(
    request: Request,
    baton,
    viewer: Viewer,
    lead_id: int,
    form: MoveForm | None = None,
    status: int = 200,
) -> Response:
    with baton.db.read() as conn:
        detail = lead_detail(conn, viewer.user, lead_id)
        if detail is None:
            raise WebError(404, f"There is no lead {lead_id}, or it is not yours to see.")
        story = lead_story(conn, detail["lead"], baton.clock.now())
        moves = status_moves(conn, detail["lead"]["status"])
    context = {"current": PAGE.key, "moves": moves, "move_form": form or MoveForm(), **detail}
    return page(request, "leads/detail.html", {**context, **story}, status=status)


@router.post("/leads/{lead_id}/status", dependencies=[Depends(require_csrf)])
async def move_lead(request: Request, lead_id: int, baton: BatonDep, viewer: ViewerDep) -> Response:
    """A status button: the move is made (flash, back to the lead) or refused (the page again
    with the message: 422 for the form's fields, 409 for a move the lifecycle refuses)."""
    fields = read_move_form(await request.form())
    return await run_in_threadpool(_move, request, lead_id, baton, viewer, fields)


def _move(request: Request, lead_id: int, baton: BatonDep, viewer: ViewerDep, fields) -> Response:
    """The move, in a worker thread: the event loop never waits for the database."""
    target, reason, note, form = fields
    if form.errors:
        return _lead_page(request, baton, viewer, lead_id, form, status=422)
    actor = f"web:{viewer.user.username}"
    try:
        moved = change_status(
            baton, lead_id, target, actor, reason=reason, note=note, viewer=viewer.user
        )
    except LookupError:
        raise WebError(404, f"There is no lead {lead_id}, or it is not yours to see.") from None
    except StatusRefused as exc:
        form.errors["reason" if exc.kind == "reason" else "status"] = str(exc)
        code = 422 if exc.kind == "reason" else 409
        return _lead_page(request, baton, viewer, lead_id, form, status=code)
    with baton.db.read() as conn:
        flash(request, moved_message(conn, lead_id, moved.from_status, moved.to_status))
    return RedirectResponse(f"/leads/{lead_id}", status_code=303)
