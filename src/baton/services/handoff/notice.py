"""What the CSM gets on a close: one notice in the alerts outbox (delivered by the worker,
Slack or email by ``alerts.routes``) and one handoff review task — each at most once per
handoff, so a re-opened and re-closed deal does not tell or task anyone twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from baton.services.app import Unit
from baton.services.handoff.summary import compiled
from baton.store.tables import alerts, handoff_tasks

HANDOFF_ASSIGNED = "handoff.assigned"  # the alert kind: a CSM has a new handoff


def notify_csm(unit: Unit, handoff_id: int, csm_id: str, content: dict[str, Any]) -> bool:
    """Write the CSM's notice to the outbox (False: it was written before)."""
    key = f"handoff:{handoff_id}:assigned:{csm_id}"
    conn = unit.conn
    if conn.execute(select(alerts.c.id).where(alerts.c.idempotency_key == key)).first():
        return False
    deal = content["deal"]
    account = content["account"].get("name")
    subject = f"New handoff: {deal['name']}" + (f" ({account})" if account else "")
    subject += f" — {content['tier']}"
    conn.execute(
        insert(alerts),
        {
            "idempotency_key": key,
            "kind": HANDOFF_ASSIGNED,
            "entity": "handoff",
            "entity_id": str(handoff_id),
            "lead_id": None,
            "recipient_id": csm_id,
            "role": "owner",
            "subject": subject[:300],
            "content": {**content, "owner": content["csm"]},
            "state": "pending",
            "due_at": unit.now,
            "created_at": unit.now,
            "attempts": 0,
            "next_attempt_at": unit.now,
        },
    )
    return True


def create_task(
    unit: Unit,
    handoff_id: int,
    assignee: str | None,
    template: str,
    context: dict[str, Any],
    due_at: datetime | None,
) -> str | None:
    """The CSM's handoff review task (None: the handoff has one already)."""
    conn = unit.conn
    t = handoff_tasks.c
    if conn.execute(select(t.id).where(t.handoff_id == handoff_id)).first():
        return None
    try:
        title = compiled(template).render(context).strip()[:300] or "Review the handoff"
    except Exception:  # a workspace template failing must not refuse the close
        title = f"Review the handoff of {context['deal']['name']}"[:300]
    conn.execute(
        insert(handoff_tasks),
        {
            "handoff_id": handoff_id,
            "assignee_id": assignee,
            "title": title,
            "state": "open",
            "due_at": due_at,
            "created_at": unit.now,
            "updated_at": unit.now,
        },
    )
    return title
