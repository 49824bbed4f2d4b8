"""Reports over HTTP: speed to lead, SLA compliance, open clocks; and the outage
windows that speed to lead leaves out of its averages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from baton.api.deps import Admin, BatonDep, Read, actor_of
from baton.reports.scope import ReportScope, scope_of
from baton.reports.sla import open_clocks, sla_report
from baton.reports.speed import speed_report
from baton.services.jsonable import jsonable
from baton.services.sla.outages import declare_outage, list_outages

router = APIRouter(prefix="/v1", tags=["Reports"])

Since = Annotated[
    AwareDatetime | None,
    Query(description="start, inclusive, with a time zone (default: 30 days before until)"),
]
Until = Annotated[
    AwareDatetime | None, Query(description="end, exclusive, with a time zone (default: now)")
]
Filter = Annotated[str | None, Query(max_length=200)]


def _scope(baton, since, until, source, lead_type, owner, team) -> ReportScope:
    try:
        return scope_of(
            baton.clock.now(),
            since,
            until,
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
    summary="Systems, human and total delay (wall clock and business time) by day, week, source, lead type, owner, team",
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
    scope = _scope(baton, since, until, source, lead_type, owner, team)
    with baton.db.read() as conn:
        return jsonable(speed_report(conn, scope))


@router.get(
    "/reports/sla",
    summary="SLA hit/miss and compliance by lead type (rule), owner, team and ISO week; response and miss times",
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
    scope = _scope(baton, since, until, source, lead_type, owner, team)
    with baton.db.read() as conn:
        return jsonable(sla_report(conn, scope, baton.clock.now()))


@router.get(
    "/reports/sla/open",
    summary="Open SLA clocks nearest to breach: overdue first, then by deadline",
)
def sla_open(
    baton: BatonDep,
    token: Read,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    owner: Filter = None,
    team: Filter = None,
) -> dict[str, Any]:
    with baton.db.read() as conn:
        return {
            "now": jsonable(baton.clock.now()),
            "clocks": jsonable(open_clocks(conn, baton.clock.now(), limit, owner=owner, team=team)),
        }


class OutageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime = Field(
        description="when the outage began, with a time zone, e.g. 2026-11-02T14:00:00Z"
    )
    ends_at: AwareDatetime = Field(description="when it ended (exclusive); after starts_at")
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
