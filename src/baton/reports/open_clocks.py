"""The open SLA clocks, most late first: ``baton sla status``, the API's ``/reports/sla/open``
and the dashboard's open-clock tables.

Open means still running: pending, or missed and still untouched (escalations run). A
pending clock whose deadline has passed is overdue as of ``now`` whether or not the
worker has recorded the miss (``domain.sla.state``). Overdue clocks come first, the
latest first (earliest deadline), then the pending ones by deadline; paused clocks have
no deadline and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.domain.sla.state import state_as_of
from baton.reports.result import NOT_JSON, Result
from baton.reports.scope import health_limits
from baton.reports.sla import threshold_seconds
from baton.services.live import live_workspace
from baton.services.sla.calendars import ALWAYS_OPEN, calendar_of
from baton.services.sla.clocks import OPEN
from baton.store.tables import leads, people, sla_clocks


@dataclass(frozen=True)
class OpenClock(Result):
    lead_id: int
    lead: str
    company: str | None
    lead_type: str | None
    rule: str
    owner_id: str
    owner_name: str
    started_at: datetime
    due_at: datetime
    state: str  # "overdue" | "pending"
    time_left_business_seconds: float  # in the clock's calendar; negative once overdue
    time_left_seconds: float  # wall clock; negative once overdue
    used: float | None  # share of the rule's threshold spent (≥ 1 overdue; None: rule gone)
    approaching: bool = field(default=False, metadata=NOT_JSON)  # pending, past health's share

    @property
    def late_seconds(self) -> float:
        """How late (wall clock) an overdue clock is; 0 for a pending one."""
        return max(0.0, -self.time_left_seconds)

    @property
    def late_business_seconds(self) -> float:
        return max(0.0, -self.time_left_business_seconds)


@dataclass(frozen=True)
class OpenClocks(Result):
    now: datetime
    clocks: tuple[OpenClock, ...]


def open_clocks(
    conn: Connection,
    now: datetime,
    limit: int = 20,
    *,
    owner: str | None = None,
    team: str | None = None,
    lead_ids: Any = None,
    due_after: datetime | None = None,
) -> OpenClocks:
    """The ``limit`` most late open clocks (overdue first, then by deadline).

    ``lead_ids``: a SELECT of the only lead ids to list (see ``ReportScope.lead_ids``);
    ``due_after``: only the clocks due after that instant (``now``: the next deadlines,
    none overdue).
    """
    rows: list[Any] = []
    for state in OPEN if due_after is None else ("pending",):
        query = _walk(
            state, limit
        )  # one state at a time: each is one ordered walk of (state, due_at)
        if owner is not None:
            query = query.where(sla_clocks.c.owner_id == owner)
        if team is not None:
            query = query.where(
                sla_clocks.c.owner_id.in_(select(people.c.id).where(people.c.team_id == team))
            )
        if lead_ids is not None:
            query = query.where(sla_clocks.c.lead_id.in_(lead_ids))
        if due_after is not None:
            query = query.where(sla_clocks.c.due_at > due_after)
        rows += conn.execute(query).all()
    most_late_first = sorted(rows, key=lambda r: (r.due_at, r.id))[:limit]
    return OpenClocks(now, tuple(_clocks(conn, most_late_first, now)))


def _walk(state: str, limit: int):
    c = sla_clocks.c
    return (
        select(
            c.id,
            c.lead_id,
            c.rule,
            c.version,
            c.owner_id,
            c.calendar,
            c.due_at,
            c.state,
            c.started_at,
            people.c.name.label("owner_name"),
            leads.c.first_name,
            leads.c.last_name,
            leads.c.email,
            leads.c.company,
            leads.c.lead_type,
        )
        .join(leads, leads.c.id == c.lead_id)
        .outerjoin(people, people.c.id == c.owner_id)
        .where(
            c.state == state,
            c.stopped_at.is_(None),
            c.closed_at.is_(None),
            c.due_at.is_not(None),
        )
        .order_by(c.due_at, c.id)
        .limit(limit)
    )


def _clocks(conn: Connection, rows: Iterable[Any], now: datetime) -> Iterable[OpenClock]:
    live, threshold = live_workspace(conn), threshold_seconds(conn)
    approaching = health_limits(conn).sla_approaching
    for r in rows:
        calendar = calendar_of(live, r.calendar) if live else ALWAYS_OPEN
        left = calendar.between(now, r.due_at).total_seconds()
        full = threshold(r.version, r.rule)
        used = round(1 - left / full, 4) if full else None
        overdue = state_as_of(r.state, r.due_at, now) == "miss"
        yield OpenClock(
            r.lead_id,
            " ".join(p for p in (r.first_name, r.last_name) if p) or r.email or f"lead {r.lead_id}",
            r.company,
            r.lead_type,
            r.rule,
            r.owner_id,
            r.owner_name or r.owner_id,
            r.started_at,
            r.due_at,
            "overdue" if overdue else "pending",
            left,
            (r.due_at - now).total_seconds(),
            used,
            approaching=not overdue and used is not None and used >= approaching,
        )
