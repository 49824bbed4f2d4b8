"""Routing over HTTP: a lead's trace, misroute flags, the distribution report, departures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baton.api.deps import Admin, BatonDep, Ingest, Read, actor_of
from baton.reports.routing import distribution
from baton.reports.scope import default_period, report_zone
from baton.services.jsonable import jsonable
from baton.services.outcomes import Rejected
from baton.services.routing.departure import DepartureError, reroute_departed
from baton.services.routing.traces import flag_misroute, lead_trace

router = APIRouter(prefix="/v1", tags=["Routing"])


class MisrouteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: str = Field(
        min_length=3,
        max_length=500,
        description="what was wrong, e.g. 'account is in EMEA, not NA'",
    )
    reported_by: str | None = Field(
        None, max_length=200, description="who flags it (a person id or name)"
    )
    expected_owner: str | None = Field(None, description="who should have got it, if known")


@router.get("/leads/{lead_id}/trace", summary="Why this lead went where it went")
def trace(lead_id: int, baton: BatonDep, token: Read) -> dict[str, Any]:
    with baton.db.read() as conn:
        decisions = lead_trace(conn, lead_id)
    if not decisions:
        raise HTTPException(
            404,
            f"no routing decision for lead {lead_id} "
            "(it does not exist, or arrived before routing was configured)",
        )
    return {"lead_id": lead_id, "decisions": jsonable(decisions)}


@router.post(
    "/leads/{lead_id}/misroute", status_code=201, summary="Flag a lead as misrouted, with a reason"
)
def misroute(lead_id: int, body: MisrouteIn, baton: BatonDep, token: Ingest) -> dict[str, Any]:
    try:
        misroute_id = flag_misroute(
            baton, lead_id, body.reason, actor_of(token), body.expected_owner, body.reported_by
        )
    except LookupError:
        raise HTTPException(404, f"no lead {lead_id}") from None
    except Rejected as exc:
        raise HTTPException(422, [e.as_dict() for e in exc.errors]) from exc
    return {"id": misroute_id, "lead_id": lead_id}


@router.get(
    "/reports/routing",
    summary=(
        "Distribution per member, pool, team, flow and node; fallback share; imbalance; misroutes"
    ),
)
def report(
    baton: BatonDep,
    token: Read,
    since: Annotated[
        AwareDatetime | None,
        Query(
            description="default: the local midnight starting the 30 calendar days (in the "
            "workspace time zone) that end with until's day — the dashboard's 'Last 30 days'"
        ),
    ] = None,
    until: Annotated[AwareDatetime | None, Query(description="default: no upper bound")] = None,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        if since is None:
            since = default_period(baton.clock.now(), report_zone(conn), None, until)[0]
        return jsonable(distribution(conn, since, until).as_dict())


@router.post(
    "/people/{person_id}/reroute",
    summary=(
        "Re-route a departed person's open leads and named accounts (dry run unless apply=true)"
    ),
)
def reroute(person_id: str, baton: BatonDep, token: Admin, apply: bool = False) -> dict[str, Any]:
    try:
        plan = reroute_departed(baton, person_id, actor_of(token), apply=apply)
    except DepartureError as exc:
        raise HTTPException(409, str(exc)) from exc
    moves = [
        {
            "kind": m.kind,
            "id": m.record_id,
            "label": m.label,
            "owner_id": m.decision.owner_id,
            "queue": m.decision.queue,
            "path": [s.words for s in m.decision.steps],
        }
        for m in plan.moves
    ]
    return {"applied": apply, **plan.summary(), "moves": moves}
