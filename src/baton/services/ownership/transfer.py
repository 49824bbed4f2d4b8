"""Use case: the legitimate door past a protection — a manager's override, a segment handoff
or the final arbiter's decision changes an owner, judged by the same rules and recorded with
who and why (``POST /v1/ownership/transfers``, ``baton roe transfer``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from baton.domain.events import AssignedBy, EventKind
from baton.domain.ownership import ExceptionKind
from baton.services.app import App, Unit
from baton.services.outcomes import FieldError, Rejected
from baton.services.ownership.decisions import OwnershipBlocked, record_block
from baton.store.lookup import one
from baton.store.tables import accounts, leads, opportunities, ownership_decisions, people

TABLES = {"account": accounts, "opportunity": opportunities, "lead": leads}


@dataclass(frozen=True)
class Transfer:
    entity: str  # account | opportunity | lead
    record_id: int
    owner_id: str
    exception: ExceptionKind
    approved_by: str
    reason: str
    new_segment: str | None = None  # a segment handoff: the account's new segment


def transfer_owner(app: App, t: Transfer, actor: str) -> dict[str, Any]:
    """The change and its recorded decision; raises LookupError (no record), Rejected (an
    unknown person, a segment handoff without new_segment) or OwnershipBlocked (recorded)."""
    try:
        return app.run(actor, apply_transfer, t)
    except OwnershipBlocked as blocked:
        record_block(app, blocked, actor)
        raise


def apply_transfer(unit: Unit, t: Transfer) -> dict[str, Any]:
    """The transfer inside a unit of work (a dispute's resolution makes one)."""
    conn, table = unit.conn, TABLES[t.entity]
    row = one(conn, table, id=t.record_id)
    if row is None:
        raise LookupError(t.record_id)
    errors = [
        FieldError((name,), f"no person '{value}'")
        for name, value in (("owner_id", t.owner_id), ("approved_by", t.approved_by))
        if one(conn, people, columns=("id",), id=value) is None
    ]
    handoff = t.exception is ExceptionKind.SEGMENT_HANDOFF
    if handoff and (t.entity != "account" or not t.new_segment):
        errors.append(
            FieldError(
                ("new_segment",),
                "a segment handoff moves an account: give the account's new segment",
            )
        )
    if errors:
        raise Rejected(errors)
    values: dict[str, Any] = {"owner_id": t.owner_id}
    if handoff:
        values["segment"] = t.new_segment
    changed = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        return {"changed": {}, "decision": None}
    conn.execute(
        update(table).where(table.c.id == t.record_id).values(updated_at=unit.now, **values)
    )
    unit.emit(EventKind.updated(t.entity), t.record_id, {"changed": changed})
    exception = {
        "kind": t.exception.value,
        "approved_by": t.approved_by,
        "reason": t.reason,
        "new_segment": t.new_segment,
        "from_segment": row.segment if handoff else None,
    }
    unit.emit(
        EventKind.assigned(t.entity),
        t.record_id,
        {
            "previous_owner_id": row.owner_id,
            "owner_id": t.owner_id,
            "at": unit.now,
            "by": AssignedBy.MANUAL,
            "exception": exception,
        },
    )
    d = ownership_decisions.c
    decision = conn.execute(
        select(d.id, d.rule, d.exception, d.message)
        .where(d.entity == t.entity, d.record_id == t.record_id, d.at == unit.now)
        .order_by(d.id.desc())
        .limit(1)
    ).first()
    return {"changed": changed, "decision": dict(decision._mapping) if decision else None}
