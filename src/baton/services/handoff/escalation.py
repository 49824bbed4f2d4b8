"""The worker's job: an incomplete handoff whose business time is up escalates — once, to the
AE's manager and the CS lead, through the alerts outbox, with why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from baton.domain.events import EventKind
from baton.domain.handoff import HandoffState, StepKind, progress, should_escalate
from baton.services.app import App, Unit
from baton.services.handoff.handlers import record_step
from baton.services.live import live_workspace
from baton.store.lookup import one
from baton.store.tables import alerts, handoffs, opportunities, people

HANDOFF_ESCALATED = "handoff.escalated"  # the alert kind
BATCH = 200


def escalate_due_handoffs(baton: App, now: datetime) -> int:
    """Escalate every open handoff due at ``now``; returns how many. Looks first in a read
    transaction, so a round with nothing due never takes the write lock."""
    h = handoffs.c
    query = (
        select(handoffs)
        .where(h.state == HandoffState.OPEN.value, h.escalate_at <= now)
        .order_by(h.escalate_at)
        .limit(BATCH)
    )
    with baton.db.read() as conn:
        if conn.execute(query.with_only_columns(h.id)).first() is None:
            return 0
    with baton.unit("worker") as unit:
        due = unit.conn.execute(query).all()
        done = sum(_escalate(unit, row) for row in due)
        unit.commit()
    return done


def _escalate(unit: Unit, row: Any) -> int:
    state = progress(tuple(row.missing), row.csm_id, row.reviewed_at, None)
    why = should_escalate(state.state, row.escalate_at, unit.now)
    if why is None:
        return 0
    claimed = unit.conn.execute(  # one worker wins a race: the row moves only from open
        update(handoffs)
        .where(handoffs.c.id == row.id, handoffs.c.state == HandoffState.OPEN.value)
        .values(state=HandoffState.ESCALATED.value, escalated_at=unit.now, updated_at=unit.now)
    ).rowcount
    if not claimed:
        return 0
    why += "; left: " + "; ".join(state.left)
    told = _recipients(unit, row)
    record_step(unit, row.id, StepKind.ESCALATED, why + "; told: " + (", ".join(told) or "nobody"))
    deal = one(unit.conn, opportunities, columns=("name",), id=row.opportunity_id)
    for person, role in told.items():
        _alert(unit, row, person, role, why, deal.name if deal else str(row.opportunity_id))
    unit.emit(EventKind.HANDOFF_ESCALATED, row.id, {"to": list(told), "left": list(state.left)})
    return 1


def _recipients(unit: Unit, row: Any) -> dict[str, str]:
    """The AE's manager and the workspace's CS lead (escalation.cs_lead)."""
    out: dict[str, str] = {}
    ae = one(unit.conn, people, columns=("manager_id",), id=row.ae_id) if row.ae_id else None
    if ae is not None and ae.manager_id:
        out[ae.manager_id] = "manager"
    live = live_workspace(unit.conn)
    lead = live.handoff.cs_lead if live and live.handoff else None
    if lead:
        out.setdefault(lead, "cs_lead")
    return out


def _alert(unit: Unit, row: Any, person: str, role: str, why: str, deal: str) -> None:
    key = f"handoff:{row.id}:escalated:{person}"
    if unit.conn.execute(select(alerts.c.id).where(alerts.c.idempotency_key == key)).first():
        return
    unit.conn.execute(
        insert(alerts),
        {
            "idempotency_key": key,
            "kind": HANDOFF_ESCALATED,
            "entity": "handoff",
            "entity_id": str(row.id),
            "lead_id": None,
            "recipient_id": person,
            "role": role,
            "subject": f"Handoff incomplete: {deal} ({row.tier})"[:300],
            "content": {
                "handoff_id": row.id,
                "deal": {"id": row.opportunity_id, "name": deal},
                "tier": row.tier,
                "csm": {"id": row.csm_id},
                "ae": {"id": row.ae_id},
                "why": why,
            },
            "state": "pending",
            "due_at": unit.now,
            "created_at": unit.now,
            "attempts": 0,
            "next_attempt_at": unit.now,
        },
    )
