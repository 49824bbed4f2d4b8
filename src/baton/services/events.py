"""The append-only event log: every accepted change, who made it, when, and what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from baton.services.jsonable import jsonable
from baton.store.tables import events

_INSERT = insert(events).returning(events.c.id)


def record_event(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    kind: str,
    entity: str,
    entity_id: object,
    payload: dict[str, Any],
) -> int:
    """Append one event; its id. Events are never updated or deleted (``Unit.emit`` also
    runs the handlers of its kind: use that for a change records react to)."""
    return conn.execute(
        _INSERT,
        {
            "occurred_at": at,
            "actor": actor,
            "kind": kind,
            "entity": entity,
            "entity_id": str(entity_id),
            "payload": jsonable(payload),
        },
    ).scalar_one()


@dataclass(frozen=True)
class EventFilter:
    kind: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_id: int | None = None
    limit: int = 100


def list_events(conn: Connection, f: EventFilter) -> list[dict[str, Any]]:
    """Events oldest first, from ``after_id`` (cursor) on."""
    query = select(events).order_by(events.c.id).limit(f.limit)
    conditions = {
        "kind": (
            f.kind,
            lambda v: (
                events.c.kind == v if not v.endswith(".*") else events.c.kind.startswith(v[:-1])
            ),
        ),
        "entity": (f.entity, lambda v: events.c.entity == v),
        "entity_id": (f.entity_id, lambda v: events.c.entity_id == v),
        "actor": (f.actor, lambda v: events.c.actor == v),
        "since": (f.since, lambda v: events.c.occurred_at >= v),
        "until": (f.until, lambda v: events.c.occurred_at < v),
        "after_id": (f.after_id, lambda v: events.c.id > v),
    }
    for value, condition in conditions.values():
        if value is not None:
            query = query.where(condition(value))
    return [dict(row._mapping) for row in conn.execute(query)]
