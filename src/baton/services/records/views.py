"""Read models: how a stored record is shown to API clients and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.services.jsonable import jsonable
from baton.services.sla.lead_view import sla_block, speed_block
from baton.store.tables import people

LEAD_TIMESTAMPS = (
    "engaged_at",
    "received_at",
    "assigned_at",
    "notified_at",
    "first_touch_at",
    "mql_at",
    "sal_at",
    "sql_at",
    "recycled_at",
    "disqualified_at",
    "converted_at",
)


def record_view(conn: Connection, kind, record_id: int, now: datetime) -> dict[str, Any] | None:
    """The record as JSON-ready dict, or None; leads get their owner (``owner_id`` and the
    ``owner`` object), a timestamps block and their SLA clock as of ``now``."""
    row = conn.execute(select(kind.table).where(kind.table.c.id == record_id)).first()
    if row is None:
        return None
    data = dict(row._mapping)
    if kind.entity == "lead":
        data = _lead_shape(conn, data, now)
    return jsonable(data)


def _lead_shape(conn: Connection, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    data["sla"] = sla_block(conn, data["id"], now)
    data["speed_to_lead"] = speed_block(conn, data)
    owner_id = data["owner_id"]  # at the top level, as POST and PATCH take it
    owner = None
    if owner_id:
        person = conn.execute(
            select(people.c.id, people.c.name, people.c.email, people.c.team_id).where(
                people.c.id == owner_id
            )
        ).first()
        owner = dict(person._mapping) if person else {"id": owner_id}
    data["owner"] = owner
    data["timestamps"] = {name: data.pop(name) for name in LEAD_TIMESTAMPS}
    return data
