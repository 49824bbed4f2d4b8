"""Reading handoffs (``GET /v1/handoffs``, ``baton handoff list|show``): one row each with the
deal's name, and one in full with its steps, task, trace, summary and what is left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.domain.handoff import HandoffState, first_touch_verdict, progress
from baton.services.live import live_workspace
from baton.services.sla.calendars import ALWAYS_OPEN, calendar_of, person_calendar
from baton.store.tables import handoff_steps, handoff_tasks, handoffs, opportunities

STATES = tuple(s.value for s in HandoffState)
LIST_COLUMNS = (
    "id",
    "opportunity_id",
    "account_id",
    "ae_id",
    "csm_id",
    "queue",
    "stage",
    "tier",
    "variation",
    "state",
    "missing",
    "overridden",
    "closes",
    "closed_at",
    "notified_at",
    "escalate_at",
    "escalated_at",
    "reviewed_at",
    "first_touch_at",
    "completed_at",
)


@dataclass(frozen=True)
class HandoffFilter:
    state: str | None = None
    csm: str | None = None
    tier: str | None = None
    opportunity_id: int | None = None
    after_id: int | None = None
    limit: int = 100


def list_handoffs(conn: Connection, f: HandoffFilter) -> list[dict[str, Any]]:
    h = handoffs.c
    query = (
        select(*(h[c] for c in LIST_COLUMNS), opportunities.c.name.label("deal_name"))
        .join(opportunities, opportunities.c.id == h.opportunity_id)
        .order_by(h.id)
        .limit(f.limit)
    )
    for value, column in (
        (f.state, h.state),
        (f.csm, h.csm_id),
        (f.tier, h.tier),
        (f.opportunity_id, h.opportunity_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.after_id is not None:
        query = query.where(h.id > f.after_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def first_touch_sla(conn: Connection, row: Any, now: datetime) -> dict[str, Any] | None:
    """The CSM's first-touch SLA as of now (the SLA engine's verdict; nothing stored)."""
    live = live_workspace(conn)
    config = live.handoff if live is not None else None
    if config is None or not row.csm_id:
        return None
    name = config.first_touch_calendar
    if name == "owner":
        name, calendar = person_calendar(conn, live.calendars, row.csm_id)
    elif name == ALWAYS_OPEN.name:
        calendar = ALWAYS_OPEN
    else:
        calendar = calendar_of(live, name)
    within = config.policy.first_touch_within
    v = first_touch_verdict(
        calendar, within, row.first_closed_at, row.csm_id, row.first_touch_at, now
    )
    if v is None:
        return None
    response = v.response_business
    return {
        "state": v.state.value,
        "due_at": v.due_at,
        "threshold_seconds": within.total_seconds(),
        "calendar": name,
        "response_business_seconds": response.total_seconds() if response else None,
        "elapsed_business_seconds": v.elapsed_business.total_seconds(),
    }


def handoff_detail(
    conn: Connection, handoff_id: int, now: datetime | None = None
) -> dict[str, Any] | None:
    row = conn.execute(
        select(handoffs, opportunities.c.name.label("deal_name"))
        .join(opportunities, opportunities.c.id == handoffs.c.opportunity_id)
        .where(handoffs.c.id == handoff_id)
    ).first()
    if row is None:
        return None
    steps = conn.execute(
        select(handoff_steps)
        .where(handoff_steps.c.handoff_id == handoff_id)
        .order_by(handoff_steps.c.id)
    )
    task = conn.execute(
        select(handoff_tasks).where(handoff_tasks.c.handoff_id == handoff_id)
    ).first()
    left = progress(tuple(row.missing), row.csm_id, row.reviewed_at, row.escalated_at).left
    return {
        **dict(row._mapping),
        "left": list(left),
        "first_touch_sla": first_touch_sla(conn, row, now) if now is not None else None,
        "steps": [{k: v for k, v in s._mapping.items() if k != "handoff_id"} for s in steps],
        "task": {k: v for k, v in task._mapping.items() if k != "handoff_id"} if task else None,
    }
