"""A lead's story in order: received, routed, clock started, reminders, touches,
status changes, hand-overs, alerts — each a line a person can read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.store.tables import activities, alerts, events


@dataclass(frozen=True)
class Moment:
    at: datetime
    kind: str
    words: str


def lead_timeline(conn: Connection, lead_id: int) -> list[Moment]:
    moments = [
        m
        for e in conn.execute(
            select(events)
            .where(events.c.entity == "lead", events.c.entity_id == str(lead_id))
            .order_by(events.c.id)
        )
        if (m := _event(e)) is not None
    ]
    for a in conn.execute(select(activities).where(activities.c.lead_id == lead_id)):
        who = a.person_id or "someone"
        moments.append(
            Moment(
                a.occurred_at,
                "activity",
                f"{a.kind} by {who}" + (f": {a.subject}" if a.subject else ""),
            )
        )
    for a in conn.execute(select(alerts).where(alerts.c.lead_id == lead_id)):
        state = (
            f"{a.state}"
            + (f" ({a.suppressed_reason})" if a.suppressed_reason else "")
            + (f" via {a.channel}" if a.channel else "")
        )
        moments.append(
            Moment(
                a.due_at, "alert", f"alert to {a.recipient_id} ({a.role}): {a.subject} — {state}"
            )
        )
    rank = {
        "activity": 0,
        "alert": 2,
    }  # at the same instant: the touch, then what it caused, then alerts
    return sorted(moments, key=lambda m: (m.at, rank.get(m.kind, 1)))


def _event(e: Any) -> Moment | None:
    p = e.payload or {}
    words = {
        "lead.created": lambda: "received",
        "lead.routed": lambda: (
            f"routed by flow {p.get('flow')} ({p.get('node')}) to "
            + (p.get("owner_id") or f"queue {p.get('queue')}")
        ),
        "lead.updated": lambda: (
            "changed: "
            + ", ".join(f"{k} {v[0]!r} → {v[1]!r}" for k, v in (p.get("changed") or {}).items())
        ),
        "lead.assigned": lambda: (
            f"reassigned by hand from {p.get('previous_owner_id') or 'a queue'} to "
            f"{p.get('owner_id') or 'a queue'} by {e.actor}"
            if p.get("by") == "manual"
            else None
        ),
        "lead.misroute_flagged": lambda: f"flagged as misrouted: {p.get('reason')}",
        "sla.clock_started": lambda: (
            f"SLA clock '{p.get('rule')}' started for {p.get('owner_id')} "
            f"({p.get('calendar')} calendar)"
        ),
        "sla.clock_stopped": lambda: f"SLA clock stopped by {p.get('by')}: {p.get('verdict')}",
        "sla.notice": lambda: f"SLA reminder ({p.get('timer')})",
        "sla.miss": lambda: (
            f"SLA missed by {p.get('owner_id')}" + (" (history)" if p.get("history") else "")
        ),
        "sla.escalation": lambda: f"SLA escalation ({p.get('timer')})",
        "sla.charge_closed": lambda: (
            f"SLA charge of {p.get('owner_id')} closed: {p.get('outcome')} "
            f"(now {p.get('next_owner_id') or 'a queue'})"
        ),
    }.get(e.kind)
    if words is None:
        return None
    at = e.occurred_at
    if e.kind == "lead.created" and p.get(
        "received_at"
    ):  # a backfilled lead arrived when the CRM says, not when it was loaded
        at = datetime.fromisoformat(p["received_at"].replace("Z", "+00:00"))
    text = (
        words()
        if e.kind != "lead.created" or at == e.occurred_at
        else f"received (loaded {e.occurred_at:%Y-%m-%d %H:%M} UTC)"
    )
    return Moment(at, e.kind, text) if text else None  # routing's assignments: said by lead.routed
