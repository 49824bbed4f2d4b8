"""Reading the decisions (``GET /v1/ownership/decisions``, ``baton roe decisions``): blocks
and exceptions, newest first or from a cursor, each with the trace that decided it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from baton.store.tables import accounts, opportunities, ownership_decisions, ownership_disputes

KINDS = ("block", "exception", "timeout", "violation")


@dataclass(frozen=True)
class DecisionFilter:
    kind: str | None = None
    entity: str | None = None
    record_id: int | None = None
    rule: str | None = None
    since: datetime | None = None
    after_id: int | None = None
    limit: int = 100


def list_decisions(conn: Connection, f: DecisionFilter) -> list[dict[str, Any]]:
    d = ownership_decisions.c
    query = select(ownership_decisions).order_by(d.id).limit(f.limit)
    for value, column in (
        (f.kind, d.kind),
        (f.entity, d.entity),
        (f.record_id, d.record_id),
        (f.rule, d.rule),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.since is not None:
        query = query.where(d.at >= f.since)
    if f.after_id is not None:
        query = query.where(d.id > f.after_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def ownership_overview(conn: Connection, now: datetime, limit: int = 50) -> dict[str, Any]:
    """The Ownership page: decisions by kind, disputes with their state and age, the latest
    decisions, and how accounts and open opportunities are spread over their owners."""
    d, o, a = ownership_decisions.c, opportunities.c, accounts.c
    counts = dict(conn.execute(select(d.kind, func.count()).group_by(d.kind)).all())
    recent = [
        dict(r._mapping)
        for r in conn.execute(select(ownership_decisions).order_by(d.id.desc()).limit(limit))
    ]
    rows = conn.execute(
        select(ownership_disputes).order_by(ownership_disputes.c.id.desc()).limit(limit)
    ).all()
    disputes = []
    for r in rows:
        end = r.resolved_at or now
        disputes.append(
            {
                **dict(r._mapping),
                "age_days": (end - r.raised_at).total_seconds() / 86400,
                "overdue": r.resolved_at is None and now > r.due_at,
            }
        )
    by_owner: dict[str, dict[str, int]] = {}
    for owner, n in conn.execute(
        select(a.owner_id, func.count()).where(a.owner_id.is_not(None)).group_by(a.owner_id)
    ):
        by_owner.setdefault(owner, {"accounts": 0, "opportunities": 0})["accounts"] = n
    for owner, n in conn.execute(
        select(o.owner_id, func.count())
        .where(o.owner_id.is_not(None), o.closed_at.is_(None))
        .group_by(o.owner_id)
    ):
        by_owner.setdefault(owner, {"accounts": 0, "opportunities": 0})["opportunities"] = n
    open_disputes = conn.execute(
        select(func.count())
        .select_from(ownership_disputes)
        .where(ownership_disputes.c.state == "open")
    ).scalar_one()
    return {
        "counts": {k: int(counts.get(k, 0)) for k in KINDS},
        "open_disputes": int(open_disputes),
        "disputes": disputes,
        "recent": recent,
        "distribution": sorted(by_owner.items()),
    }
