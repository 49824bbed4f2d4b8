"""Declared outages of the lead pipeline (a form, a sync, the router was down): leads
whose systems delay meets one are left out of speed-to-lead averages. Declaring
one is a recorded change like any other."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from baton.domain.events import EventKind
from baton.domain.speed import OutageWindow
from baton.services.app import App, Unit
from baton.store.tables import outages


def declare_outage(
    app: App, starts_at: datetime, ends_at: datetime, reason: str, actor: str
) -> dict[str, Any]:
    """Store an outage ``[starts_at, ends_at)``; ValueError when it does not end after it
    starts or has no reason."""
    return app.run(actor, _declare_outage, starts_at, ends_at, reason)


def _declare_outage(
    unit: Unit, starts_at: datetime, ends_at: datetime, reason: str
) -> dict[str, Any]:
    conn = unit.conn
    now = unit.now
    actor = unit.actor
    if not reason.strip():
        raise ValueError("an outage needs a reason, e.g. 'web form webhook failing'")
    window = OutageWindow(
        starts_at, ends_at, reason.strip()
    )  # refuses an end at or before the start
    row = {
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "reason": window.reason,
        "created_by": actor,
        "created_at": now,
    }
    outage_id = conn.execute(insert(outages).returning(outages.c.id), row).scalar_one()
    unit.emit(
        EventKind.OUTAGE_DECLARED,
        outage_id,
        {"starts_at": window.starts_at, "ends_at": window.ends_at, "reason": window.reason},
    )
    return {"id": outage_id, **row}


def list_outages(
    conn: Connection, since: datetime | None = None, until: datetime | None = None
) -> list[dict[str, Any]]:
    """Outages overlapping ``[since, until)`` (either bound optional), earliest first."""
    query = select(outages).order_by(outages.c.starts_at, outages.c.id)
    if since is not None:
        query = query.where(outages.c.ends_at > since)
    if until is not None:
        query = query.where(outages.c.starts_at < until)
    return [dict(r._mapping) for r in conn.execute(query)]
