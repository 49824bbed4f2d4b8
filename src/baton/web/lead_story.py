"""What the lead page shows beyond the fields: why it went where it went (the routing
trace in words), its SLA clock, speed to lead, the timeline, and the alerts sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.services.records.timeline import lead_timeline
from baton.services.routing.traces import lead_trace
from baton.services.sla.lead_view import sla_block, speed_block
from baton.store.tables import alerts


def lead_story(conn: Connection, lead: dict[str, Any], now: datetime) -> dict[str, Any]:
    sent = conn.execute(
        select(alerts).where(alerts.c.lead_id == lead["id"]).order_by(alerts.c.due_at, alerts.c.id)
    ).all()
    return {
        "decisions": lead_trace(conn, lead["id"]),
        "sla": sla_block(conn, lead["id"], now),
        "speed": speed_block(conn, lead),
        "timeline": lead_timeline(conn, lead["id"]),
        "alerts": [dict(a._mapping) for a in sent],
    }
