"""Routing over HTTP: a lead's trace, misroute flags, the distribution report, departures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baton.api.deps import Admin, BatonDep, Ingest, PathId, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.domain.routing.vocabulary import NodeKind, StepOutcome
from baton.reports.routing import distribution
from baton.reports.scope import default_period, report_zone
from baton.services.jsonable import jsonable
from baton.services.limits import Instant
from baton.services.outcomes import Rejected
from baton.services.routing.departure import DepartureError, reroute_departed
from baton.services.routing.traces import flag_misroute, lead_trace

router = APIRouter(prefix="/v1", tags=["Routing"], route_class=GuardedRoute)


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


class TraceStep(BaseModel):
    """One node the flow visited, in words, with the values it tested."""

    node: str = Field(description="the node's name in the flow, e.g. 'round robin sdr-americas'")
    kind: NodeKind
    outcome: StepOutcome = Field(
        description="passed (a condition held), failed (continue), assigned (the flow stops)"
    )
    words: str = Field(description="what the node did, as the explanation's line says it")
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="what the node tested or chose, e.g. {region: NA} or "
        "{pool, owner, credit, skipped}",
    )


class TraceDecision(BaseModel):
    """One routing decision as stored: where the lead went, by which node, and why."""

    id: int
    lead_id: int | None
    account_id: int | None = Field(description="set when an account was re-homed")
    version: int = Field(description="the workspace version whose rules decided")
    trigger: str = Field(description="what asked for routing, e.g. lead.created, sla.miss")
    flow: str
    owner_id: str | None
    queue: str | None
    team_id: str | None
    pool_id: str | None
    node: str | None = Field(description="the node that assigned")
    node_kind: NodeKind | None
    via_fallback: bool
    matched_account_id: int | None
    steps: list[TraceStep]
    decided_at: AwareDatetime = Field(description="UTC, e.g. 2026-11-02T15:00:00Z")
    actor: str = Field(description="who asked: api:TOKEN-NAME, cli:USER, web:USER, worker")
    explanation: list[str] = Field(
        description="the decision in words: 'flow F:', one numbered line per step, "
        "then '→ owner NAME (ID)' or '→ queue Q'"
    )


class LeadTrace(BaseModel):
    lead_id: int
    decisions: list[TraceDecision] = Field(description="every routing decision, oldest first")


@router.get(
    "/leads/{lead_id}/trace",
    summary="Why this lead went where it went",
    response_model=LeadTrace,
)
def trace(lead_id: PathId, baton: BatonDep, token: Read) -> dict[str, Any]:
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
def misroute(lead_id: PathId, body: MisrouteIn, baton: BatonDep, token: Ingest) -> dict[str, Any]:
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
        Instant | None,
        Query(
            description="default: the local midnight starting the 30 calendar days (in the "
            "workspace time zone) that end with until's day — the dashboard's 'Last 30 days'"
        ),
    ] = None,
    until: Annotated[Instant | None, Query(description="default: no upper bound")] = None,
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
