"""Reading the decisions (``GET /v1/ownership/decisions``, ``baton roe decisions``): blocks
and exceptions, newest first or from a cursor, each with the trace that decided it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.store.tables import ownership_decisions

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
