"""Reports over HTTP: speed to lead, SLA compliance, open clocks, the lifecycle's funnel,
feedback loop and leakage; and the outage windows that speed to lead leaves out of its
averages.

Without ``since`` and ``until`` a report covers the last 30 local calendar days of the
workspace's time zone, today included — the dashboard's "Last 30 days"; the answer
states the instants it covered (``since``, ``until``) and the zone (``timezone``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from baton.api.deps import Admin, BatonDep, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.reports.disputes import dispute_report
from baton.reports.feedback import feedback_report
from baton.reports.funnel import funnel_report
from baton.reports.leakage import leakage_report
from baton.reports.open_clocks import open_clocks
from baton.reports.scope import ReportScope, report_zone, scope_of
from baton.reports.sla import sla_report
from baton.reports.speed import speed_report
from baton.services.jsonable import jsonable
from baton.services.limits import Instant
from baton.services.sla.outages import declare_outage, list_outages

router = APIRouter(prefix="/v1", tags=["Reports"], route_class=GuardedRoute)

Since = Annotated[
    Instant | None,
    Query(
        description="start, inclusive, with a time zone (default: 30 calendar days before "
        "until, in the workspace's time zone)"
    ),
]
Until = Annotated[
    Instant | None,
    Query(
        description="end, exclusive, with a time zone (default: the midnight that ends today "
        "in the workspace's time zone)"
    ),
]
Filter = Annotated[str | None, Query(max_length=200)]


def _scope(conn, baton, since, until, source, lead_type, owner, team) -> ReportScope:
    try:
        return scope_of(
            baton.clock.now(),
            since,
            until,
            report_zone(conn),
            source=source,
            lead_type=lead_type,
            owner=owner,
            team=team,
        )
    except ValueError as exc:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["query", "since"],
                    "field": "since",
                    "message": str(exc),
                    "type": "value_error",
                }
            ],
        ) from exc


@router.get(
    "/reports/speed-to-lead",
    summary=(
        "Systems, human and total delay (wall clock and business time) by day, week, source, "
        "lead type, owner, team"
    ),
)
def speed_to_lead(
    baton: BatonDep,
    token: Read,
    since: Since = None,
    until: Until = None,
    source: Filter = None,
    lead_type: Filter = None,
    owner: Filter = None,
    team: Filter = None,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        scope = _scope(conn, baton, since, until, source, lead_type, owner, team)
        return jsonable(speed_report(conn, scope).as_dict())


@router.get(
    "/reports/sla",
    summary=(
        "SLA hit/miss and compliance by lead type (rule), owner, team and ISO week; "
        "response and miss times"
    ),
)
def sla(
    baton: BatonDep,
    token: Read,
    since: Since = None,
    until: Until = None,
    source: Filter = None,
    lead_type: Filter = None,
    owner: Filter = None,
    team: Filter = None,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        scope = _scope(conn, baton, since, until, source, lead_type, owner, team)
        return jsonable(sla_report(conn, scope, baton.clock.now()).as_dict())


@router.get(
    "/reports/funnel",
    summary=(
        "MQL → SAL → SQL → Opportunity → Won of the leads that became MQL in the period: "
        "rates and median times (wall clock and business) by source, campaign, lead type, "
        "owner, team and MQL week"
    ),
)
def funnel(
    baton: BatonDep,
    token: Read,
    since: Since = None,
    until: Until = None,
    source: Filter = None,
    lead_type: Filter = None,
    owner: Filter = None,
    team: Filter = None,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        scope = _scope(conn, baton, since, until, source, lead_type, owner, team)
        return jsonable(funnel_report(conn, scope).as_dict())


@router.get(
    "/reports/feedback",
    summary=(
        "Rejections by reason and week (a reason over health.rejection_reason_share flagged); "
        "acceptance (SAL ÷ MQL) and SQL rates by source and campaign"
    ),
)
def feedback(
    baton: BatonDep,
    token: Read,
    since: Since = None,
    until: Until = None,
    source: Filter = None,
    lead_type: Filter = None,
    owner: Filter = None,
    team: Filter = None,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        scope = _scope(conn, baton, since, until, source, lead_type, owner, team)
        return jsonable(feedback_report(conn, scope, baton.clock.now()).as_dict())


@router.get(
    "/reports/leakage",
    summary=(
        "MQLs handed to Sales longer than lifecycle.leakage_after ago that nobody touched: "
        "their share (flagged over health.leakage_share), by owner, team and source, and "
        "the leads, longest waiting first"
    ),
)
def leakage(
    baton: BatonDep,
    token: Read,
    since: Since = None,
    until: Until = None,
    source: Filter = None,
    lead_type: Filter = None,
    owner: Filter = None,
    team: Filter = None,
    limit: Annotated[
        int, Query(ge=0, le=10_000, description="leaked leads listed at most (0: none)")
    ] = 100,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        scope = _scope(conn, baton, since, until, source, lead_type, owner, team)
        return jsonable(leakage_report(conn, scope, baton.clock.now(), limit).as_dict())


@router.get(
    "/reports/sla/open",
    summary="Open SLA clocks, most late first: overdue (latest first), then by deadline",
)
def sla_open(
    baton: BatonDep,
    token: Read,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    owner: Filter = None,
    team: Filter = None,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        clocks = open_clocks(conn, baton.clock.now(), limit, owner=owner, team=team)
        return jsonable(clocks.as_dict())


@router.get(
    "/reports/disputes",
    summary=(
        "Ownership disputes raised in the period: per month, time to resolution (median, mean, "
        "p90) and within the resolution SLA, outcomes (keep / transfer / split), the most "
        "contested accounts"
    ),
)
def disputes(
    baton: BatonDep, token: Read, since: Since = None, until: Until = None
) -> dict[str, Any]:
    now = baton.clock.now()
    with baton.db.read() as conn:
        scope = _scope(conn, baton, since, until, None, None, None, None)
        zone = report_zone(conn, scope)
        return jsonable(dispute_report(conn, scope.since, scope.until, zone, now).as_dict())


class OutageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: Instant = Field(
        description="when the outage began, with a time zone, e.g. 2026-11-02T14:00:00Z"
    )
    ends_at: Instant = Field(description="when it ended (exclusive); after starts_at")
    reason: str = Field(
        min_length=1, max_length=300, description="what was down, e.g. 'web form webhook failing'"
    )

    @field_validator("ends_at")
    @classmethod
    def _after_start(cls, ends_at, info: ValidationInfo):
        starts_at = info.data.get("starts_at")
        if starts_at is not None and ends_at <= starts_at:
            raise ValueError(
                f"ends_at must be after starts_at ({starts_at.isoformat()}), e.g. one hour later"
            )
        return ends_at


@router.post(
    "/outages",
    status_code=201,
    tags=["Outages"],
    summary="Declare an outage window: leads it delayed leave speed-to-lead averages",
)
def add_outage(body: OutageIn, baton: BatonDep, token: Admin) -> dict[str, Any]:
    try:
        outage = declare_outage(baton, body.starts_at, body.ends_at, body.reason, actor_of(token))
    except ValueError as exc:
        raise HTTPException(
            422,
            [{"loc": ["body"], "field": "(body)", "message": str(exc), "type": "value_error"}],
        ) from exc
    return jsonable(outage)


@router.get("/outages", tags=["Outages"], summary="Declared outage windows, earliest first")
def get_outages(
    baton: BatonDep, token: Read, since: Since = None, until: Until = None
) -> list[dict[str, Any]]:
    with baton.db.read() as conn:
        return jsonable(list_outages(conn, since, until))
