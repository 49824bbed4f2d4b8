"""Use case: the CSM reviewed the handoff summary (one click, one API call or one command).
With the fields present and a CSM assigned, that completes the handoff; the review task is
done."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from baton.domain.events import EventKind
from baton.domain.handoff import HandoffState, StepKind, progress
from baton.services.app import App, Unit
from baton.services.handoff.handlers import record_step
from baton.store.lookup import one
from baton.store.tables import handoff_tasks, handoffs


def review_handoff(app: App, handoff_id: int, actor: str) -> dict[str, Any]:
    """Mark the summary reviewed; returns {state, left}. LookupError: no such handoff."""
    return app.run(actor, _review, handoff_id)


def _review(unit: Unit, handoff_id: int) -> dict[str, Any]:
    conn, now = unit.conn, unit.now
    row = one(conn, handoffs, id=handoff_id)
    if row is None:
        raise LookupError(f"no handoff {handoff_id}")
    if row.reviewed_at is not None:
        p = progress(tuple(row.missing), row.csm_id, row.reviewed_at, row.escalated_at)
        return {"state": p.state.value, "left": list(p.left), "already": True}
    p = progress(tuple(row.missing), row.csm_id, now, row.escalated_at)
    done = p.state is HandoffState.COMPLETE
    conn.execute(
        update(handoffs)
        .where(handoffs.c.id == handoff_id)
        .values(
            reviewed_at=now,
            reviewed_by=unit.actor,
            state=p.state.value,
            completed_at=now if done else None,
            updated_at=now,
        )
    )
    conn.execute(
        update(handoff_tasks)
        .where(handoff_tasks.c.handoff_id == handoff_id, handoff_tasks.c.state == "open")
        .values(state="done", done_at=now, updated_at=now)
    )
    why = f"summary reviewed by {unit.actor}"
    record_step(
        unit, handoff_id, StepKind.REVIEWED, why + ("" if done else "; left: " + "; ".join(p.left))
    )
    if done:
        why = "complete: required fields present, CSM assigned, summary reviewed"
        record_step(unit, handoff_id, StepKind.COMPLETED, why)
    unit.emit(EventKind.HANDOFF_REVIEWED, handoff_id, {"state": p.state.value})
    return {"state": p.state.value, "left": list(p.left), "already": False}
