"""Handoffs over HTTP: the Sales → CS handoffs that closed deals started, read-only here
(a deal is closed through PATCH /v1/opportunities/ID with its stage)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from baton.api.deps import MAX_ID, AfterId, BatonDep, HandoffWriter, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.reports.handoff import live_handoff_report
from baton.reports.scope import default_period, report_zone
from baton.services.handoff.review import review_handoff
from baton.services.handoff.views import STATES, HandoffFilter, handoff_detail, list_handoffs
from baton.services.jsonable import jsonable
from baton.services.limits import Instant

router = APIRouter(prefix="/v1/handoffs", tags=["Handoffs"], route_class=GuardedRoute)
HandoffId = Annotated[int, Path(ge=1, le=MAX_ID, description="a handoff id")]
OpportunityId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="an opportunity id")]


class HandoffRow(BaseModel):
    id: int
    opportunity_id: int
    deal_name: str
    account_id: int | None
    ae_id: str | None = Field(description="the deal's owner at the close")
    csm_id: str | None = Field(description="the CSM the routing flow chose")
    queue: str | None
    stage: str
    tier: str = Field(examples=["high-touch"])
    variation: str = Field(description="full, or light for a renewal or an upsell")
    state: str = Field(description="one of " + ", ".join(STATES))
    missing: list[str] = Field(description="required fields absent at the latest close")
    overridden: bool = Field(description="closed without its fields: a manager allowed it")
    closes: int = Field(description="how many times the deal entered a handoff stage")
    closed_at: datetime
    notified_at: datetime | None
    escalate_at: datetime | None
    escalated_at: datetime | None
    reviewed_at: datetime | None
    first_touch_at: datetime | None
    completed_at: datetime | None


class HandoffStep(BaseModel):
    id: int
    kind: str = Field(examples=["assigned"])
    at: datetime
    actor: str
    why: str = Field(description="why it happened, in words")
    data: dict[str, Any]


class HandoffTask(BaseModel):
    id: int
    assignee_id: str | None
    title: str
    state: str = Field(description="open or done")
    due_at: datetime | None
    done_at: datetime | None
    external_id: str | None = Field(description="the CRM's task, once written back")
    created_at: datetime
    updated_at: datetime


class FirstTouchSla(BaseModel):
    state: str = Field(description="pending, hit or miss, as of now", examples=["pending"])
    due_at: datetime | None = Field(description="the close + first_touch_within of its calendar")
    threshold_seconds: float
    calendar: str = Field(description="24/7, or the calendar it runs in")
    response_business_seconds: float | None = Field(description="close → first touch")
    elapsed_business_seconds: float


class Handoff(HandoffRow):
    override_reason: str | None
    override_by: str | None
    assignment: dict[str, Any] = Field(description="the CSM's routing trace: flow, node, steps")
    summary_md: str
    summary_html: str
    summary_data: dict[str, Any]
    summary_changes: dict[str, list[Any]] = Field(description="what the latest re-close changed")
    first_closed_at: datetime
    reviewed_by: str | None
    created_at: datetime
    updated_at: datetime
    left: list[str] = Field(description="what completion still needs, in words")
    first_touch_sla: FirstTouchSla | None = Field(
        description="the CSM's first-touch SLA by the SLA engine, as of now (null: no CSM)"
    )
    steps: list[HandoffStep]
    task: HandoffTask | None


class HandoffPage(BaseModel):
    items: list[HandoffRow]
    next_after_id: int | None


@router.get("", summary="List handoffs (oldest first from the cursor)")
def read_handoffs(
    baton: BatonDep,
    token: Read,
    state: Annotated[str | None, Query(description="one of " + ", ".join(STATES))] = None,
    csm: Annotated[str | None, Query(description="a CSM's person id", max_length=100)] = None,
    tier: Annotated[str | None, Query(description="e.g. high-touch", max_length=60)] = None,
    opportunity_id: OpportunityId = None,
    after_id: AfterId = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> HandoffPage:
    if state is not None and state not in STATES:
        detail = {"field": "state", "message": f"expected one of {', '.join(STATES)}"}
        raise HTTPException(422, [{"loc": ["query", "state"], **detail, "type": "enum"}])
    f = HandoffFilter(state, csm, tier, opportunity_id, after_id, limit)
    with baton.db.read() as conn:
        items = list_handoffs(conn, f)
    next_after_id = items[-1]["id"] if len(items) == limit else None
    return HandoffPage(items=jsonable(items), next_after_id=next_after_id)


@router.get(
    "/{handoff_id}",
    summary="One handoff: its CSM and trace, steps with why, task, summary",
    responses={404: {"description": "no such handoff"}},
)
def read_handoff(handoff_id: HandoffId, baton: BatonDep, token: Read) -> Handoff:
    with baton.db.read() as conn:
        found = handoff_detail(conn, handoff_id, baton.clock.now())
    if found is None:
        raise HTTPException(404, f"no handoff {handoff_id}")
    return Handoff(**jsonable(found))


class Reviewed(BaseModel):
    state: str = Field(description="complete, or still open / escalated")
    left: list[str] = Field(description="what completion still needs, in words")
    already: bool = Field(description="it had been reviewed before: nothing changed")


@router.post(
    "/{handoff_id}/review",
    summary="The CSM reviewed the summary (completes the handoff when nothing else is left)",
    responses={404: {"description": "no such handoff"}},
)
def review(handoff_id: HandoffId, baton: BatonDep, token: HandoffWriter) -> Reviewed:
    try:
        result = review_handoff(baton, handoff_id, actor_of(token))
    except LookupError:
        raise HTTPException(404, f"no handoff {handoff_id}") from None
    return Reviewed(**result)


reports_router = APIRouter(prefix="/v1/reports", tags=["Reports"], route_class=GuardedRoute)


@reports_router.get(
    "/handoff",
    summary="Handoffs: completion, fields at close, time to first touch, escalations — overall, "
    "by segment, AE and CSM; the pilot's first deals; open handoffs with their age",
    responses={422: {"description": "since is not before until"}},
)
def handoff_report(
    baton: BatonDep,
    token: Read,
    since: Annotated[
        Instant | None,
        Query(description="first close at or after (default: 30 calendar days before until)"),
    ] = None,
    until: Annotated[Instant | None, Query(description="first close before (default: now)")] = None,
) -> dict[str, Any]:
    now = baton.clock.now()
    with baton.db.read() as conn:
        start, end = default_period(now, report_zone(conn), since, until)
        if start >= end:
            detail = {"field": "since", "message": "since must be before until", "type": "value"}
            raise HTTPException(422, [{"loc": ["query", "since"], **detail}])
        report = live_handoff_report(conn, start, end, now)
    return jsonable(report.as_dict())
