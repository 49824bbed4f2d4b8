"""The worker's job: the disputes' resolution SLA. An open dispute ``ownership.disputes.
remind_before`` its due instant reminds whoever holds it at its level; an overdue one escalates
to the final arbiter or is flagged and its holder told (``ownership.disputes.when_overdue``).
Each notice is given once per level — kept on the dispute as a step, and as the alert's
idempotency key — so the sweep may run every round and tell nobody twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from baton.domain.ownership import OwnershipRules
from baton.domain.ownership.disputes import DisputeState, Notice, SlaAction, sla_action
from baton.services.app import App, Unit
from baton.services.live import live_workspace
from baton.services.ownership.disputes import handler_of
from baton.services.ownership.transfer import TABLES
from baton.store.lookup import one
from baton.store.tables import alerts, ownership_disputes

ALERT_KIND = "ownership.dispute"


def sent_notices(steps: list[dict[str, Any]]) -> set[tuple[int, Notice]]:
    """The (level, notice) pairs a dispute's steps show were given."""
    return {(int(s["level"]), Notice(s["notice"])) for s in steps if s.get("notice")}


def _rules(conn: Connection) -> OwnershipRules | None:
    live = live_workspace(conn)
    return live.ownership.rules if live and live.ownership else None


def _owed(conn: Connection, rules: OwnershipRules, now: datetime) -> list[tuple[Any, SlaAction]]:
    """Open disputes within ``remind_before`` of their due instant, and what each is owed."""
    d = ownership_disputes.c
    horizon = now + rules.disputes.remind_before
    rows = conn.execute(
        select(d.id, d.entity, d.record_id, d.level, d.handler_id, d.due_at, d.steps, d.updated_at)
        .where(d.state == DisputeState.OPEN.value, d.due_at <= horizon)
        .order_by(d.due_at, d.id)
    ).all()
    out = []
    for row in rows:
        action = sla_action(
            rules.escalation, rules.disputes, row.due_at, row.level, sent_notices(row.steps), now
        )
        if action is not None:
            out.append((row, action))
    return out


def remind_due_disputes(app: App, now: datetime) -> int:
    """Give every notice the disputes owe at ``now``; returns how many. Looks first in a read
    transaction, so a round that owes nothing never takes the write lock."""
    with app.db.read() as conn:
        rules = _rules(conn)
        if rules is None or not _owed(conn, rules, now):
            return 0
    with app.unit("worker:dispute-sla", now=now) as unit:
        rules = _rules(unit.conn)
        done = sum(_give(unit, row, a) for row, a in _owed(unit.conn, rules, now)) if rules else 0
        unit.commit()
    return done


def _give(unit: Unit, row: Any, action: SlaAction) -> int:
    conn = unit.conn
    holder, level = row.handler_id, row.level
    values: dict[str, Any] = {}
    if action.escalates:
        rules = _rules(conn)
        assert rules is not None
        record = one(conn, TABLES[row.entity], columns=("owner_id",), id=row.record_id)
        level, holder, handler_why = handler_of(
            conn, rules.escalation, action.level, record.owner_id if record else None
        )
        values = {"level": level, "handler_id": holder}
        why = f"{action.why} → {handler_why}"
    else:
        why = action.why
    kind = "escalated" if action.escalates else action.notice.value
    step = {
        "kind": kind,
        "at": unit.now.isoformat(),
        "by": unit.actor,
        "why": why,
        "level": level,
        "notice": action.notice.value,
        "handler": holder,
    }
    claimed = conn.execute(  # one worker wins: the row moves only from the steps it read
        update(ownership_disputes)
        .where(
            ownership_disputes.c.id == row.id,
            ownership_disputes.c.state == DisputeState.OPEN.value,
            ownership_disputes.c.updated_at == row.updated_at,
        )
        .values(steps=[*row.steps, step], updated_at=unit.now, **values)
    ).rowcount
    if not claimed:
        return 0
    if holder:
        _alert(unit, row, level, action, holder, why)
    return 1


def _alert(unit: Unit, row: Any, level: int, action: SlaAction, person: str, why: str) -> None:
    key = f"ownership:dispute:{row.id}:{level}:{action.notice.value}:{person}"
    if unit.conn.execute(select(alerts.c.id).where(alerts.c.idempotency_key == key)).first():
        return
    title = {
        Notice.REMINDER: "due soon",
        Notice.OVERDUE: "escalated to you, overdue" if action.escalates else "overdue",
    }[action.notice]
    unit.conn.execute(
        insert(alerts),
        {
            "idempotency_key": key,
            "kind": ALERT_KIND,
            "entity": "dispute",
            "entity_id": str(row.id),
            "lead_id": None,
            "recipient_id": person,
            "role": "arbiter" if action.escalates else "holder",
            "subject": f"Dispute {row.id} {title}: {row.entity} {row.record_id}"[:300],
            "content": {
                "dispute_id": row.id,
                "record": {"entity": row.entity, "id": row.record_id},
                "notice": action.notice.value,
                "level": level,
                "due_at": row.due_at.isoformat(),
                "why": why,
            },
            "state": "pending",
            "due_at": unit.now,
            "created_at": unit.now,
            "attempts": 0,
            "next_attempt_at": unit.now,
        },
    )
