"""What the rules look at, read from the database: the record whose owner changes, its
account (with its parents and its latest closed-lost deal), a partner's registration."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from baton.domain.ownership import AccountFacts, ExceptionKind, OpportunityFacts, OwnerChange
from baton.store.lookup import one
from baton.store.tables import accounts, leads, opportunities, people

PARENT_DEPTH = 5  # how far up parent accounts are followed


def account_facts(
    conn: Connection, account_id: int | None, lost_stages: frozenset[str], depth: int = 0
) -> AccountFacts | None:
    if account_id is None or depth > PARENT_DEPTH:
        return None
    row = one(conn, accounts, id=account_id)
    if row is None:
        return None
    o = opportunities.c
    lost = conn.execute(
        select(func.coalesce(o.closed_at, o.updated_at).label("at"), o.owner_id)
        .where(o.account_id == account_id, func.lower(o.stage).in_(sorted(lost_stages)))
        .order_by(func.coalesce(o.closed_at, o.updated_at).desc(), o.id.desc())
        .limit(1)
    ).first()
    return AccountFacts(
        id=row.id,
        owner_id=row.owner_id,
        named=bool(row.named),
        segment=row.segment,
        employees=row.employees,
        parent=account_facts(conn, row.parent_id, lost_stages, depth + 1),
        lost_at=lost.at if lost else None,
        lost_owner_id=lost.owner_id if lost else None,
    )


def owner_change(
    conn: Connection,
    entity: str,
    record_id: int,
    payload: dict[str, Any],
    lost_stages: frozenset[str],
) -> OwnerChange:
    """The proposed change an ``{entity}.assigned`` event describes, with the facts."""
    opp = None
    if entity == "account":
        account_id: int | None = record_id
    elif entity == "opportunity":
        row = one(conn, opportunities, id=record_id)
        account_id = row.account_id
        is_open = row.closed_at is None and row.stage.lower() not in lost_stages
        opp = OpportunityFacts(row.id, is_open, row.partner, row.registered_at)
    else:
        account_id = one(conn, leads, columns=("account_id",), id=record_id).account_id
    exc = payload.get("exception") or {}
    account = account_facts(conn, account_id, lost_stages)
    if account is not None and exc.get("from_segment") is not None:  # before the handoff
        account = AccountFacts(**{**account.__dict__, "segment": exc["from_segment"]})
    approver = one(conn, people, columns=("role",), id=exc["approved_by"]) if exc else None
    return OwnerChange(
        entity=entity,
        record_id=record_id,
        old_owner=payload.get("previous_owner_id"),
        new_owner=payload.get("owner_id"),
        account=account,
        opportunity=opp,
        exception=ExceptionKind(exc["kind"]) if exc else None,
        approved_by=exc.get("approved_by"),
        approver_role=approver.role if approver else None,
        reason=exc.get("reason"),
        new_segment=exc.get("new_segment"),
    )
