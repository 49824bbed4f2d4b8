"""The People page and its out-of-office form (managers and admins only)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from baton.api.deps import BatonDep
from baton.domain.people import Period
from baton.services.outcomes import Rejected
from baton.services.people.access import Forbidden, editable_person, may_set_out_of_office
from baton.services.people.availability import (
    add_out_of_office,
    remove_out_of_office,
    zone_of,
)
from baton.web.auth import (
    FiltersDep,
    Viewer,
    ViewerDep,
    WebError,
    flash,
    page_guard,
    require_csrf,
)
from baton.web.filters import Filters
from baton.web.pages import Page
from baton.web.people_data import PtoFormError, load_chart, parse_pto_form, people_rows
from baton.web.queries import filter_options
from baton.web.reading import reading
from baton.web.render import page
from baton.web.zones import local, workspace_zone_name

PAGE = Page("people", "People", "/people", order=60)
router = APIRouter(include_in_schema=False, dependencies=[page_guard(PAGE.key)])
CSRF = [Depends(require_csrf)]


def _people_page(
    request: Request,
    baton,
    viewer: Viewer,
    filters: Filters,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    with reading(baton) as (conn, mirror):
        zone = ZoneInfo(workspace_zone_name(conn) or "UTC")
        rows = people_rows(conn, mirror, viewer.user, filters, baton.clock.now(), zone)
        options = filter_options(mirror, viewer.user, filters)
    chart = load_chart(rows)
    return page(
        request,
        "people.html",
        {
            "current": PAGE.key,
            "rows": rows,
            "chart": chart,
            "charts": {chart.id: chart},
            "can_edit": may_set_out_of_office(viewer.user),
            "form": form or {},
            "options": options,
        },
        status=status,
    )


@router.get("/people")
def people_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    return _people_page(request, baton, viewer, filters)


FORM_FIELDS = {"starts_at": "starts", "ends_at": "ends", "reason": "reason"}


def _person(baton, viewer: Viewer, person_id: str) -> tuple[Any, ZoneInfo]:
    """The person the viewer may set PTO for, and their zone; 403 for reps, 404 otherwise."""
    try:
        with baton.db.read() as conn:
            person = editable_person(conn, viewer.user, person_id)
            return person, zone_of(conn, person)
    except Forbidden as exc:
        raise WebError(403, str(exc)) from None
    except LookupError as exc:
        raise WebError(404, str(exc.args[0])) from None


@router.post("/people/{person_id}/out-of-office", dependencies=CSRF)
async def set_pto(
    request: Request, person_id: str, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    form = await request.form()
    return await run_in_threadpool(_set_pto, request, person_id, baton, viewer, filters, form)


def _set_pto(
    request: Request, person_id: str, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep, form
) -> Response:
    """The period, in a worker thread: the event loop never waits for the database."""
    person, zone = _person(baton, viewer, person_id)
    try:
        starts_at, ends_at, reason = parse_pto_form(form, zone)
        period = Period(starts_at, ends_at, reason)
        add_out_of_office(baton, person_id, period, _actor(viewer), viewer=viewer.user)
    except PtoFormError as exc:
        errors = exc.errors
    except Rejected as exc:
        errors = {FORM_FIELDS[str(e.loc[-1])]: e.message for e in exc.errors}
    else:
        back = local(ends_at, zone, "%Y-%m-%d")
        flash(
            request,
            f"{person.name} is out of office from {local(starts_at, zone, '%Y-%m-%d')}, "
            f"back {back} ({reason}).",
        )
        return RedirectResponse(filters.url(PAGE.path) + f"#person-{person_id}", status_code=303)
    values = {k: str(form.get(k) or "") for k in ("starts", "ends", "reason")}
    form_state = {"person_id": person_id, "errors": errors, "values": values}
    return _people_page(request, baton, viewer, filters, form_state, status=422)


@router.post("/people/{person_id}/out-of-office/{period_id}/remove", dependencies=CSRF)
def remove_pto(
    request: Request,
    person_id: str,
    period_id: int,
    baton: BatonDep,
    viewer: ViewerDep,
    filters: FiltersDep,
) -> Response:
    person, _ = _person(baton, viewer, person_id)
    if not remove_out_of_office(baton, person_id, period_id, _actor(viewer), viewer=viewer.user):
        raise WebError(
            404,
            f"{person.name} has no such out-of-office period (it may have been removed already).",
        )
    flash(request, f"Out-of-office period of {person.name} removed.")
    return RedirectResponse(filters.url(PAGE.path) + f"#person-{person_id}", status_code=303)


def _actor(viewer: Viewer) -> str:
    return f"web:{viewer.user.username}"
