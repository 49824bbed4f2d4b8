"""Blocks and allowed exceptions, kept with the trace that decided them (``ownership_decisions``).

A block is refused: its unit of work rolls back, so it is recorded in a unit of its own by
the door that caught it (``record_block``); an exception is recorded with the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert

from baton.domain.ownership import OwnerChange, Verdict
from baton.services.app import App, Unit
from baton.store.tables import ownership_decisions


class OwnershipBlocked(Exception):
    """An owner change a rule of engagement refuses (the 409): nothing of it is kept."""

    def __init__(self, change: OwnerChange, verdict: Verdict, version: int) -> None:
        super().__init__(verdict.message)
        self.change = change
        self.verdict = verdict
        self.version = version
        self.decision_id: int | None = None  # set once the block is recorded

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": self.verdict.message,
            "rule": self.verdict.rule.value if self.verdict.rule else None,
            "entity": self.change.entity,
            "record_id": self.change.record_id,
            "decision_id": self.decision_id,
            "steps": [s.as_dict() for s in self.verdict.steps],
            "fix": "ask a manager: POST /v1/ownership/transfers with exception "
            "manager_override, segment_handoff or arbiter_decision, approved_by and reason",
        }


def store(
    conn: Connection, at: Any, actor: str, change: OwnerChange, verdict: Verdict, version: int
) -> int:
    account_id = change.account.id if change.account else None
    row = {
        "at": at,
        "actor": actor,
        "kind": "block" if not verdict.allowed else "exception",
        "entity": change.entity,
        "record_id": change.record_id,
        "account_id": account_id,
        "old_owner_id": change.old_owner,
        "new_owner_id": change.new_owner,
        "rule": verdict.rule.value if verdict.rule else None,
        "exception": verdict.exception.value if verdict.exception else None,
        "approved_by": change.approved_by,
        "reason": (change.reason or "")[:500] or None,
        "message": verdict.message,
        "steps": [s.as_dict() for s in verdict.steps],
        "version": version,
    }
    return int(conn.execute(insert(ownership_decisions).values(**row)).inserted_primary_key[0])


def record_block(app: App, blocked: OwnershipBlocked, actor: str) -> int:
    """Keep a refused change's trace, in a unit of its own (the change itself rolled back)."""

    def step(unit: Unit) -> int:
        return store(
            unit.conn, unit.now, unit.actor, blocked.change, blocked.verdict, blocked.version
        )

    blocked.decision_id = app.run(actor, step)
    return blocked.decision_id
