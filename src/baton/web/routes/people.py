"""The People page and its out-of-office form (managers and admins only)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, select

from baton.api.deps import BatonDep
from baton.services.people.access import may_set_out_of_office, scope_people
from baton.services.people.directory import add_out_of_office, remove_out_of_office
from baton.store.tables import out_of_office, people
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


def _editable_person(conn: Connection, viewer: Viewer, person_id: str) -> Any:
    """The person, if the viewer may set their PTO; 403 for reps, 404 outside the viewer's people."""
    if not may_set_out_of_office(viewer.user):
        raise WebError(
            403, "Only managers and admins can set out-of-office periods. Ask your manager."
        )
    row = conn.execute(
        scope_people(select(people).where(people.c.id == person_id), viewer.user)
    ).first()
    if row is None:
        raise WebError(404, f"There is no person '{person_id}', or they are not in your teams.")
    return row


@router.post("/people/{person_id}/out-of-office", dependencies=CSRF)
async def set_pto(
    request: Request, person_id: str, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    form = await request.form()
    with baton.db.write() as conn:
        person = _editable_person(conn, viewer, person_id)
        zone = ZoneInfo(person.timezone or workspace_zone_name(conn) or "UTC")
        existing = conn.execute(
            select(out_of_office).where(out_of_office.c.person_id == person_id)
        ).all()
        try:
            starts_at, ends_at, reason = parse_pto_form(form, zone, existing)
        except PtoFormError as exc:
            errors = exc.errors
        else:
            errors = None
            add_out_of_office(
                conn,
                person_id,
                starts_at,
                ends_at,
                reason,
                f"web:{viewer.user.username}",
                baton.clock.now(),
            )
            conn.commit()
    if errors:
        values = {k: str(form.get(k) or "") for k in ("starts", "ends", "reason")}
        return _people_page(
            request,
            baton,
            viewer,
            filters,
            {"person_id": person_id, "errors": errors, "values": values},
            status=422,
        )
    flash(
        request,
        f"{person.name} is out of office from {local(starts_at, zone, '%Y-%m-%d')}, back {local(ends_at, zone, '%Y-%m-%d')} ({reason}).",
    )
    return RedirectResponse(filters.url(PAGE.path) + f"#person-{person_id}", status_code=303)


@router.post("/people/{person_id}/out-of-office/{period_id}/remove", dependencies=CSRF)
def remove_pto(
    request: Request,
    person_id: str,
    period_id: int,
    baton: BatonDep,
    viewer: ViewerDep,
    filters: FiltersDep,
) -> Response:
    with baton.db.write() as conn:
        person = _editable_person(conn, viewer, person_id)
        if not remove_out_of_office(
            conn, person_id, period_id, f"web:{viewer.user.username}", baton.clock.now()
        ):
            raise WebError(
                404,
                f"{person.name} has no such out-of-office period (it may have been removed already).",
            )
        conn.commit()
    flash(request, f"Out-of-office period of {person.name} removed.")
    return RedirectResponse(filters.url(PAGE.path) + f"#person-{person_id}", status_code=303)
