"""What a lead's page and ``GET /v1/leads/{id}`` show beyond its fields: the SLA clock
with its next deadline, and speed to lead (systems vs human delay)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from baton.domain.sla import verdict
from baton.domain.speed import measure, rate
from baton.services.live import live_workspace
from baton.services.sla.calendars import ALWAYS_OPEN, calendar_of, person_calendar
from baton.services.sla.clocks import OPEN, clock_input
from baton.store.tables import sla_clocks, timers
from baton.workspace.health_schema import DEFAULT_LIMITS


def sla_block(conn: Connection, lead_id: int, now: datetime) -> dict[str, Any] | None:
    """The lead's latest charge as of ``now``: an open clock's verdict is computed (a clock
    past its deadline is a miss, with its miss time so far), never waited for."""
    row = conn.execute(
        select(sla_clocks)
        .where(sla_clocks.c.lead_id == lead_id)
        .order_by(sla_clocks.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    upcoming = conn.execute(
        select(timers.c.key, timers.c.due_at)
        .where(timers.c.clock_id == row.id, timers.c.state == "pending")
        .order_by(timers.c.due_at)
        .limit(1)
    ).first()
    state, due_at, miss = _as_of(conn, row, now)
    return {
        "rule": row.rule,
        "state": state,
        "owner_id": row.owner_id,
        "calendar": row.calendar,
        "started_at": row.started_at,
        "due_at": due_at,
        "stopped_at": row.stopped_at,
        "stopped_by": row.stopped_by,
        "excluded_reason": row.excluded_reason,
        "response_business_seconds": row.response_business_seconds,
        "miss_business_seconds": miss,
        "next": {"timer": upcoming.key, "due_at": upcoming.due_at} if upcoming else None,
        "charges": conn.execute(select(sla_clocks.c.id).where(sla_clocks.c.lead_id == lead_id))
        .all()
        .__len__(),
    }


def _as_of(conn: Connection, row: Any, now: datetime) -> tuple[str, Any, float | None]:
    """(state, deadline, miss business seconds) of a stored charge as of ``now``."""
    live = live_workspace(conn)
    rule = live.rule(row.rule) if live else None
    if row.closed_at is not None or row.state not in OPEN or rule is None:
        return row.state, row.due_at, row.miss_business_seconds
    v = verdict(rule.policy, calendar_of(live, row.calendar), clock_input(row), now)
    miss = v.miss_duration.total_seconds() if v.miss_duration is not None else None
    return v.state.value, v.due_at, miss


def speed_block(conn: Connection, lead: dict[str, Any]) -> dict[str, Any]:
    """Systems delay (assigned − engaged), human delay (first touch − assigned), total;
    wall clock and business time of the owner's calendar. Never conflated."""
    live = live_workspace(conn)
    calendars = live.calendars if live else {}
    bands = (live.health.limits if live else DEFAULT_LIMITS).systems_delay
    owner = lead.get("owner_id")
    calendar = person_calendar(conn, calendars, owner)[1] if owner else ALWAYS_OPEN
    s = measure(
        lead.get("engaged_at"), lead.get("assigned_at"), lead.get("first_touch_at"), calendar
    )
    seconds = lambda d: d.total_seconds() if isinstance(d, timedelta) else None  # noqa: E731
    return {
        "systems_delay_seconds": seconds(s.systems_delay),
        "human_delay_seconds": seconds(s.human_delay),
        "total_seconds": seconds(s.total),
        "systems_delay_business_seconds": seconds(s.systems_delay_business),
        "human_delay_business_seconds": seconds(s.human_delay_business),
        "total_business_seconds": seconds(s.total_business),
        "systems_delay_rating": rate(s.systems_delay, bands).value
        if s.systems_delay is not None
        else None,
        "anomalies": [a.measure for a in s.anomalies],
    }
