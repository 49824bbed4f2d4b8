"""The worker's job: a CSM's first-touch SLA that ran out untouched is told — once, to the CSM
and the CS lead, through the alerts outbox, with a step. The verdict is the SLA engine's
(``views.first_touch_sla``), in the calendar the workspace names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, select

from baton.domain.handoff import StepKind
from baton.services.app import App, Unit
from baton.services.handoff.handlers import record_step
from baton.services.handoff.views import first_touch_sla
from baton.services.live import live_workspace
from baton.store.lookup import one
from baton.store.tables import alerts, handoff_steps, handoffs, opportunities

HANDOFF_FIRST_TOUCH_MISSED = "handoff.first_touch_missed"  # the alert kind
BATCH = 200


def tell_first_touch_misses(baton: App, now: datetime) -> int:
    """Tell every first-touch SLA missed by ``now`` and not told yet; returns how many."""
    with baton.db.read() as conn:
        live = live_workspace(conn)
        if live is None or live.handoff is None:
            return 0
        # a business calendar's deadline is never before the wall-clock one: a safe prefilter
        since = now - live.handoff.policy.first_touch_within
        h, s = handoffs.c, handoff_steps.c
        told = exists().where(s.handoff_id == h.id, s.kind == StepKind.FIRST_TOUCH_MISSED.value)
        rows = conn.execute(
            select(handoffs)
            .where(h.csm_id.is_not(None), h.first_touch_at.is_(None), h.first_closed_at < since)
            .where(~told)
            .order_by(h.first_closed_at)
            .limit(BATCH)
        ).all()
        missed = [(r, sla) for r in rows if (sla := first_touch_sla(conn, r, now))]
        missed = [(r, sla) for r, sla in missed if sla["state"] == "miss"]
        cs_lead = live.handoff.cs_lead
    if not missed:
        return 0
    with baton.unit("worker") as unit:
        for row, sla in missed:
            _tell(unit, row, sla, cs_lead)
        unit.commit()
    return len(missed)


def _tell(unit: Unit, row: Any, sla: dict[str, Any], cs_lead: str | None) -> None:
    step = handoff_steps.c
    done = select(step.id).where(
        step.handoff_id == row.id, step.kind == StepKind.FIRST_TOUCH_MISSED.value
    )
    if unit.conn.execute(done).first():
        return
    due = sla["due_at"]
    why = f"{row.csm_id} made no first touch by {due.isoformat()} ({sla['calendar']})"
    people = {row.csm_id: "owner", **({cs_lead: "cs_lead"} if cs_lead else {})}
    record_step(unit, row.id, StepKind.FIRST_TOUCH_MISSED, why + "; told: " + ", ".join(people))
    deal = one(unit.conn, opportunities, columns=("name",), id=row.opportunity_id)
    name = deal.name if deal else str(row.opportunity_id)
    for person, role in people.items():
        unit.conn.execute(
            insert(alerts),
            {
                "idempotency_key": f"handoff:{row.id}:first_touch_missed:{person}",
                "kind": HANDOFF_FIRST_TOUCH_MISSED,
                "entity": "handoff",
                "entity_id": str(row.id),
                "lead_id": None,
                "recipient_id": person,
                "role": role,
                "subject": f"No first touch yet: {name} ({row.tier})"[:300],
                "content": {
                    "handoff_id": row.id,
                    "deal": {"id": row.opportunity_id, "name": name},
                    "tier": row.tier,
                    "csm": {"id": row.csm_id},
                    "why": why,
                    "deadline_at": due.isoformat(),
                },
                "state": "pending",
                "due_at": due,
                "created_at": unit.now,
                "attempts": 0,
                "next_attempt_at": unit.now,
            },
        )
