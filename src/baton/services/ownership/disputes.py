"""Use cases: ownership disputes — raised with the claimants, the record and why; they climb
the escalation path (``ownership.escalation.path``) one step at a time; the final arbiter
resolves them: keep, transfer (applied as an arbiter decision, recorded) or split credit.
Every step is kept on the dispute with who and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update

from baton.domain.ownership import Escalation, ExceptionKind
from baton.domain.ownership.disputes import (
    DisputeState,
    Outcome,
    check_outcome,
    handler_at,
    resolution_due,
)
from baton.services.app import App, Unit
from baton.services.outcomes import FieldError, Rejected
from baton.services.ownership.rules_doc import rules_of
from baton.services.ownership.transfer import TABLES, Transfer, apply_transfer
from baton.store.lookup import one
from baton.store.tables import ownership_disputes, people

ROLES = ("manager", "executive", "revops")


@dataclass(frozen=True)
class DisputeIn:
    entity: str  # account | opportunity
    record_id: int
    claimants: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Resolution:
    outcome: Outcome
    resolved_by: str
    new_owner: str | None = None
    split: dict[str, float] = field(default_factory=dict)
    note: str = ""


def handler_of(
    conn: Connection, esc: Escalation, level: int, owner: str | None
) -> tuple[int, str | None, str]:
    """The level, the person who handles it there (a role resolved to a person) and why."""
    h = handler_at(esc, level)
    if h.arbiter or h.who not in ROLES:
        return h.level, (esc.arbiter if h.arbiter else h.who), h.why
    if h.who == "manager":
        manager = one(conn, people, columns=("manager_id",), id=owner) if owner else None
        who = manager.manager_id if manager else None
        return h.level, who, f"{h.why} — {who or 'the owner has no manager'}"
    found = conn.execute(
        select(people.c.id).where(people.c.role == h.who, people.c.active).order_by(people.c.id)
    ).scalar()
    return h.level, found, f"{h.why} — {found or 'nobody holds the role'}"


def _step(kind: str, at: Any, by: str, why: str, **values: Any) -> dict[str, Any]:
    return {"kind": kind, "at": at.isoformat(), "by": by, "why": why, **values}


def raise_dispute(app: App, d: DisputeIn, actor: str) -> int:
    return app.run(actor, _raise, d)


def _raise(unit: Unit, d: DisputeIn) -> int:
    conn = unit.conn
    row = one(conn, TABLES[d.entity], id=d.record_id)
    if row is None:
        raise LookupError(d.record_id)
    errors = [
        FieldError(("claimants", i), f"no person '{p}'")
        for i, p in enumerate(d.claimants)
        if one(conn, people, columns=("id",), id=p) is None
    ]
    if errors:
        raise Rejected(errors)
    _, rules = rules_of(conn)
    level, who, why = handler_of(conn, rules.escalation, 0, row.owner_id)
    account_id = d.record_id if d.entity == "account" else row.account_id
    step = _step("raised", unit.now, unit.actor, f"{d.reason} → {why}", handler=who)
    return int(
        conn.execute(
            insert(ownership_disputes).values(
                entity=d.entity,
                record_id=d.record_id,
                account_id=account_id,
                claimants=list(d.claimants),
                reason=d.reason,
                raised_by=unit.actor,
                raised_at=unit.now,
                state=DisputeState.OPEN.value,
                level=level,
                handler_id=who,
                due_at=resolution_due(rules.escalation, unit.now),
                steps=[step],
                updated_at=unit.now,
            )
        ).inserted_primary_key[0]
    )


def escalate_dispute(app: App, dispute_id: int, actor: str, why: str = "") -> dict[str, Any]:
    return app.run(actor, _escalate, dispute_id, why)


def _open(conn: Connection, dispute_id: int) -> Any:
    row = one(conn, ownership_disputes, id=dispute_id)
    if row is None:
        raise LookupError(dispute_id)
    if row.state != DisputeState.OPEN.value:
        raise Rejected([FieldError(("state",), f"dispute {dispute_id} is already resolved")])
    return row


def _escalate(unit: Unit, dispute_id: int, why: str) -> dict[str, Any]:
    conn = unit.conn
    row = _open(conn, dispute_id)
    _, rules = rules_of(conn)
    top = len(rules.escalation.path)
    if row.level >= top:
        raise Rejected([FieldError(("level",), "the dispute is with the final arbiter already")])
    record = one(conn, TABLES[row.entity], id=row.record_id)
    level, who, handler_why = handler_of(
        conn, rules.escalation, row.level + 1, record.owner_id if record else None
    )
    step = _step(
        "escalated", unit.now, unit.actor, f"{why or 'escalated'} → {handler_why}", handler=who
    )
    conn.execute(
        update(ownership_disputes)
        .where(ownership_disputes.c.id == dispute_id)
        .values(level=level, handler_id=who, steps=[*row.steps, step], updated_at=unit.now)
    )
    return {"level": level, "handler_id": who}


def resolve_dispute(app: App, dispute_id: int, r: Resolution, actor: str) -> dict[str, Any]:
    """Raises LookupError, Rejected (not the arbiter, an invalid outcome) or OwnershipBlocked."""
    return app.run(actor, _resolve, dispute_id, r)


def _resolve(unit: Unit, dispute_id: int, r: Resolution) -> dict[str, Any]:
    conn = unit.conn
    row = _open(conn, dispute_id)
    _, rules = rules_of(conn)
    arbiter = rules.escalation.arbiter
    if arbiter is None or r.resolved_by != arbiter:
        fix = f"the final arbiter is {arbiter}" if arbiter else "set ownership.escalation.arbiter"
        raise Rejected([FieldError(("resolved_by",), f"only the final arbiter resolves: {fix}")])
    problems = check_outcome(r.outcome, tuple(row.claimants), r.new_owner, r.split)
    if problems:
        place = "split" if r.outcome is Outcome.SPLIT else "new_owner"
        raise Rejected([FieldError((place,), p) for p in problems])
    changed: dict[str, Any] = {}
    if r.outcome is Outcome.TRANSFER:
        assert r.new_owner is not None
        reason = f"dispute {dispute_id}: {r.note or row.reason}"[:500]
        t = Transfer(
            row.entity,
            row.record_id,
            r.new_owner,
            ExceptionKind.ARBITER_DECISION,
            r.resolved_by,
            reason,
        )
        changed = apply_transfer(unit, t)["changed"]
    why = {
        Outcome.KEEP: "the owner keeps it",
        Outcome.TRANSFER: f"transferred to {r.new_owner}",
        Outcome.SPLIT: "credit split " + ", ".join(f"{p} {v:g} %" for p, v in r.split.items()),
    }
    step = _step("resolved", unit.now, r.resolved_by, f"{why[r.outcome]}. {r.note}".strip())
    conn.execute(
        update(ownership_disputes)
        .where(ownership_disputes.c.id == dispute_id)
        .values(
            state=DisputeState.RESOLVED.value,
            outcome=r.outcome.value,
            new_owner_id=r.new_owner,
            split=r.split or None,
            resolved_at=unit.now,
            resolved_by=r.resolved_by,
            note=r.note or None,
            steps=[*row.steps, step],
            updated_at=unit.now,
        )
    )
    return {"outcome": r.outcome.value, "changed": changed}


def list_disputes(
    conn: Connection, state: str | None = None, after_id: int | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    d = ownership_disputes.c
    query = select(ownership_disputes).order_by(d.id).limit(limit)
    if state is not None:
        query = query.where(d.state == state)
    if after_id is not None:
        query = query.where(d.id > after_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def dispute_detail(conn: Connection, dispute_id: int) -> dict[str, Any] | None:
    row = one(conn, ownership_disputes, id=dispute_id)
    return dict(row._mapping) if row else None
