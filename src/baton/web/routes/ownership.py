"""The Ownership page (managers and admins): blocked owner changes, exceptions, timeouts and
violations with why, disputes with their state and age, who owns how much, who has not
acknowledged the rules — each count opening the records behind it, each table its CSV.
And, for everyone signed in, the rules of engagement to read and acknowledge."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from baton.api.deps import BatonDep
from baton.services.outcomes import Rejected
from baton.services.ownership.acks import acknowledge
from baton.services.ownership.disputes import raise_dispute
from baton.services.ownership.rules_doc import rules_of
from baton.web.auth import FiltersDep, ViewerDep, WebError, flash, page_guard, require_csrf
from baton.web.dispute_form import active_people, parse_dispute
from baton.web.ownership_data import ack_prompt, ownership_view, parse_drill
from baton.web.ownership_records import (
    decision_view,
    dispute_view,
    record_view,
    records_list_view,
)
from baton.web.ownership_tables import RECORD_PATHS
from baton.web.pages import MANAGERS, Page
from baton.web.render import page
from baton.web.routes.signin import safe_next

PAGE = Page("ownership", "Ownership", "/ownership", order=65, roles=MANAGERS)
# The rules and the acknowledgment are every role's: the page's guard is on each manager route.
router = APIRouter(include_in_schema=False)
MANAGERS_ONLY = [page_guard(PAGE.key)]


@router.get("/ownership", dependencies=MANAGERS_ONLY)
def ownership_page(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    with baton.db.read() as conn:
        view = ownership_view(conn, filters, baton.clock.now())
    return page(request, "ownership/page.html", {"current": PAGE.key, **view})


@router.get("/ownership/records", dependencies=MANAGERS_ONLY)
def ownership_records(
    request: Request, baton: BatonDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    drill = parse_drill(request.query_params)
    with baton.db.read() as conn:
        view = records_list_view(conn, filters, drill, baton.clock.now())
    return page(request, "ownership/list.html", {"current": PAGE.key, **view})


@router.get("/ownership/decisions/{decision_id}", dependencies=MANAGERS_ONLY)
def ownership_decision(
    request: Request, decision_id: int, baton: BatonDep, viewer: ViewerDep
) -> Response:
    with baton.db.read() as conn:
        view = decision_view(conn, decision_id)
    if view is None:
        raise WebError(404, f"There is no ownership decision {decision_id}.")
    return page(request, "ownership/decision.html", {"current": PAGE.key, **view})


@router.get("/ownership/disputes/new")
def raise_form(request: Request, baton: BatonDep, viewer: ViewerDep) -> Response:
    """Every signed-in user may raise a dispute (``?entity=account&record_id=12`` fills it)."""
    q = request.query_params
    form = {
        "entity": q.get("entity", "account"),
        "record_id": q.get("record_id", ""),
        "claimants": [viewer.user.person_id] if viewer.user.person_id else [],
        "reason": "",
    }
    return _raise_page(request, baton, form, [])  # before /ownership/disputes/{id}


@router.get("/ownership/disputes/{dispute_id}", dependencies=MANAGERS_ONLY)
def ownership_dispute(
    request: Request, dispute_id: int, baton: BatonDep, viewer: ViewerDep
) -> Response:
    with baton.db.read() as conn:
        view = dispute_view(conn, dispute_id, baton.clock.now())
    if view is None:
        raise WebError(404, f"There is no dispute {dispute_id}.")
    return page(request, "ownership/dispute.html", {"current": PAGE.key, **view})


def _record_page(request: Request, baton: BatonDep, entity: str, record_id: int) -> Response:
    with baton.db.read() as conn:
        view = record_view(conn, entity, record_id)
    if view is None:
        raise WebError(404, f"There is no {entity} {record_id}.")
    return page(request, "ownership/record.html", {"current": PAGE.key, **view})


@router.get(f"/ownership/{RECORD_PATHS['account']}/{{record_id}}", dependencies=MANAGERS_ONLY)
def ownership_account(
    request: Request, record_id: int, baton: BatonDep, viewer: ViewerDep
) -> Response:
    return _record_page(request, baton, "account", record_id)


@router.get(f"/ownership/{RECORD_PATHS['opportunity']}/{{record_id}}", dependencies=MANAGERS_ONLY)
def ownership_opportunity(
    request: Request, record_id: int, baton: BatonDep, viewer: ViewerDep
) -> Response:
    return _record_page(request, baton, "opportunity", record_id)


@router.get("/ownership/rules")
def ownership_rules(request: Request, baton: BatonDep, viewer: ViewerDep) -> Response:
    """The live rules as if/then sentences, with the viewer's acknowledgment button."""
    with baton.db.read() as conn:
        version, rules = rules_of(conn)
        pending = ack_prompt(conn, viewer.user)
    sentences = [(r.value, title, sentence) for r, title, sentence in rules.sentences()]
    context = {"version": version, "sentences": sentences, "roe_ack": pending}
    return page(request, "ownership/rules.html", {"current": None, **context})


@router.post("/ownership/ack", dependencies=[Depends(require_csrf)])
async def ownership_ack(request: Request, baton: BatonDep, viewer: ViewerDep) -> Response:
    """The viewer acknowledges the current rules of engagement for their own person, through
    the service the API's ``POST /v1/ownership/acknowledgments`` uses."""
    person = viewer.user.person_id
    if person is None:
        raise WebError(403, "Your user is not a person of the workspace: nothing to acknowledge.")
    back = safe_next(str((await request.form()).get("next") or ""))
    actor = f"web:{viewer.user.username}"
    try:
        done = await run_in_threadpool(acknowledge, baton, person, actor)
    except Rejected as exc:
        flash(request, "; ".join(e.message for e in exc.errors))
    else:
        flash(request, f"You acknowledged the rules of engagement v{done['version']}. Thank you.")
    return RedirectResponse(back, status_code=303)


@router.post("/ownership/disputes", dependencies=[Depends(require_csrf)])
async def raise_post(request: Request, baton: BatonDep, viewer: ViewerDep) -> Response:
    """Raise a dispute through the service ``POST /v1/ownership/disputes`` uses; a mistake
    shows the form again with what to fix (422), and nothing is stored."""
    data = await request.form()
    form = {
        "entity": str(data.get("entity") or ""),
        "record_id": str(data.get("record_id") or "").strip(),
        "claimants": [str(c) for c in data.getlist("claimants")],
        "reason": str(data.get("reason") or "").strip(),
    }
    dispute, errors = parse_dispute(form)
    if dispute is not None:
        actor = f"web:{viewer.user.username}"
        try:
            dispute_id = await run_in_threadpool(raise_dispute, baton, dispute, actor)
        except LookupError:
            errors = [f"There is no {form['entity']} {form['record_id']}."]
        except Rejected as exc:
            errors = [e.message for e in exc.errors]
    if errors:
        return _raise_page(request, baton, form, errors, status=422)
    flash(request, f"Dispute {dispute_id} raised: it is with the escalation path now.")
    manager = viewer.user.role in MANAGERS
    return RedirectResponse(
        f"/ownership/disputes/{dispute_id}" if manager else "/ownership/rules", status_code=303
    )


def _raise_page(
    request: Request, baton: BatonDep, form: dict, errors: list[str], status: int = 200
) -> Response:
    with baton.db.read() as conn:
        people_list = active_people(conn)
    context = {"current": None, "form": form, "errors": errors, "people": people_list}
    return page(request, "ownership/raise.html", context, status=status)
