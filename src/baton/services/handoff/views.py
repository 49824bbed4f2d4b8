"""Reading handoffs (``GET /v1/handoffs``, ``baton handoff list|show``): one row each with the
deal's name, and one in full with its steps, task, trace, summary and what is left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from baton.domain.handoff import HandoffState, progress
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


def handoff_detail(conn: Connection, handoff_id: int) -> dict[str, Any] | None:
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
        "steps": [{k: v for k, v in s._mapping.items() if k != "handoff_id"} for s in steps],
        "task": {k: v for k, v in task._mapping.items() if k != "handoff_id"} if task else None,
    }
