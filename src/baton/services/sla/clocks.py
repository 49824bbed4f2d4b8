"""A lead's SLA clock as stored: start it, stop it, hand it over, re-time it.

A clock row is one owner's *charge*; its timers (notices, miss, escalations)
are rows with due times that the worker fires (``timers.py``). The domain
(``baton.domain.sla``) computes every due time and verdict; this module only
loads, stores and records what it did. What starts and stops clocks is
``handlers.py``: the reactions to the events of the lead's life.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from baton.domain.calendar import BusinessCalendar
from baton.domain.events import EventKind
from baton.domain.sla import ClockInput, OnReassign, Start, reassign, schedule, verdict
from baton.services.app import Unit
from baton.services.live import LiveWorkspace, live_workspace
from baton.services.sla.calendars import calendar_of, owner_calendar
from baton.store.lookup import every, one
from baton.store.tables import leads, sla_clocks, timers
from baton.workspace.sla_compile import SlaRule

UNSCHEDULED = "no longer scheduled"  # a cancelled timer's outcome when a pause took it off
OPEN = ("pending", "miss")  # a missed clock stays open until the touch comes (escalations run)


def lead_getter(lead: Any) -> Callable[[str], Any]:
    get = lead.get if isinstance(lead, dict) else (lambda k: getattr(lead, k, None))

    def field(name: str) -> Any:
        extra = get("extra") or {}
        if name == "extra":
            return extra
        return extra.get(name[6:]) if name.startswith("extra.") else get(name)

    return field


def clock_input(row: Any) -> ClockInput:
    pauses = tuple(
        (datetime.fromisoformat(a), datetime.fromisoformat(b) if b else None)
        for a, b in (row.pauses or [])
    )
    return ClockInput(
        row.started_at,
        row.owner_id,
        pauses,
        row.stopped_at,
        row.excluded_reason,
        timedelta(seconds=row.elapsed_before_seconds or 0),
    )


def start_clock(
    unit: Unit,
    lead: dict[str, Any],
    owner_id: str,
    at: datetime,
    now: datetime,
    *,
    elapsed_before: timedelta = timedelta(0),
    pauses: tuple = (),
) -> int | None:
    """Start the owner's charge for a lead that matches an SLA rule; returns the clock id."""
    conn = unit.conn
    live = live_workspace(conn)
    if live is None:
        return None
    get = lead_getter(lead)
    rule = live.sla.rule_for(get)
    if rule is None:
        return None
    if rule.policy.start is Start.MQL:  # runs from the lead's MQL date, once it has one
        if not get("mql_at"):
            return None
        at = max(at, get("mql_at"))
    calendar_name, calendar = owner_calendar(conn, live, rule, owner_id)
    clock = ClockInput(at, owner_id, pauses, None, rule.excluded(get), elapsed_before)
    clock_id = conn.execute(
        insert(sla_clocks).returning(sla_clocks.c.id),
        {
            "lead_id": lead["id"],
            "rule": rule.name,
            "version": live.version,
            "owner_id": owner_id,
            "calendar": calendar_name,
            "started_at": at,
            "elapsed_before_seconds": elapsed_before.total_seconds(),
            "pauses": pauses_json(pauses),
            "excluded_reason": clock.excluded_reason,
            "state": "excluded" if clock.excluded_reason else "pending",
            "created_at": now,
            "updated_at": now,
        },
    ).scalar_one()
    _write_timers(conn, clock_id, schedule(rule.policy, calendar, clock), new=True)
    refresh_verdict(conn, clock_id, rule, calendar, clock, now)
    unit.emit(
        EventKind.SLA_CLOCK_STARTED,
        lead["id"],
        at=now,
        payload={
            "clock_id": clock_id,
            "rule": rule.name,
            "owner_id": owner_id,
            "started_at": at,
            "calendar": calendar_name,
        },
    )
    return clock_id


def pauses_json(pauses) -> list[list[str | None]]:
    return [[a.isoformat(), b.isoformat() if b else None] for a, b in pauses]


def _write_timers(conn: Connection, clock_id: int, dues, *, new: bool = False) -> None:
    """Insert timers not yet there; move pending ones whose due time changed; fired ones stay.
    A timer a pause took off the schedule is armed again when the schedule has it back."""
    existing = {r.key: r for r in every(conn, timers, clock_id=clock_id)} if not new else {}
    fresh = [
        {"clock_id": clock_id, "key": d.key, "due_at": d.due_at, "state": "pending"}
        for d in dues
        if d.key not in existing
    ]
    if fresh:
        conn.execute(insert(timers), fresh)
    for due in dues:
        row = existing.pop(due.key, None)
        if row is None:
            continue
        elif row.state == "pending" and row.due_at != due.due_at:
            conn.execute(update(timers).where(timers.c.id == row.id).values(due_at=due.due_at))
        elif row.state == "cancelled" and row.outcome == UNSCHEDULED:
            rearm = {"state": "pending", "outcome": None, "due_at": due.due_at}
            conn.execute(update(timers).where(timers.c.id == row.id).values(**rearm))
    for row in existing.values():
        if row.state == "pending":
            conn.execute(
                update(timers)
                .where(timers.c.id == row.id)
                .values(state="cancelled", outcome=UNSCHEDULED)
            )


def refresh_verdict(
    conn: Connection,
    clock_id: int,
    rule: SlaRule,
    calendar: BusinessCalendar,
    clock: ClockInput,
    now: datetime,
) -> Any:
    v = verdict(rule.policy, calendar, clock, now)
    values = {
        "state": v.state.value,
        "due_at": v.due_at,
        "updated_at": now,
        "response_business_seconds": v.response_business.total_seconds()
        if v.response_business is not None
        else None,
        "miss_business_seconds": v.miss_duration.total_seconds()
        if v.miss_duration is not None
        else None,
    }
    if v.state.value in ("hit",) or (clock.stopped_at is not None and v.state.value == "miss"):
        values["closed_at"] = clock.stopped_at
    conn.execute(update(sla_clocks).where(sla_clocks.c.id == clock_id).values(**values))
    return v


_OPEN_CLOCK = (
    select(sla_clocks)
    .where(
        sla_clocks.c.lead_id == bindparam("lead_id"),
        sla_clocks.c.state.in_(OPEN + ("excluded",)),
        sla_clocks.c.closed_at.is_(None),
    )
    .order_by(sla_clocks.c.id.desc())
    .limit(1)
)


def open_clock(conn: Connection, lead_id: int) -> Any | None:
    return conn.execute(_OPEN_CLOCK, {"lead_id": lead_id}).first()


def touch(
    unit: Unit, lead_id: int, person_id: str | None, kind: str, occurred_at: datetime
) -> None:
    """A touch on a lead: stamp first_touch_at (speed to lead) and stop its clock when it
    qualifies (the owner's, of a first-touch kind, after the assignment)."""
    conn = unit.conn
    lead = one(conn, leads, id=lead_id)
    if lead is None or person_id is None or person_id != lead.owner_id:
        return
    live = live_workspace(conn)
    kinds = live.sla.first_touch if live else None
    if kinds is not None and kind not in kinds:
        return
    if lead.assigned_at is not None and occurred_at < lead.assigned_at:
        return  # a touch before the assignment is not a response to it
    if lead.first_touch_at is None or occurred_at < lead.first_touch_at:
        conn.execute(
            update(leads)
            .where(leads.c.id == lead_id)
            .values(first_touch_at=occurred_at, updated_at=unit.now)
        )
    stop_clock(unit, lead_id, occurred_at, "first_touch", owner_id=person_id)


def stop_clock(
    unit: Unit, lead_id: int, at: datetime, why: str, *, owner_id: str | None = None
) -> None:
    """Stop the lead's open clock at ``at`` when its rule stops on ``why`` (first_touch, sal)."""
    conn, now = unit.conn, unit.now
    live = live_workspace(conn)
    row = open_clock(conn, lead_id)
    if live is None or row is None or row.stopped_at is not None or at < row.started_at:
        return
    if owner_id is not None and row.owner_id != owner_id:
        return
    rule = live.rule(row.rule)
    if rule is None or why not in rule.stop:
        return
    clock = replace(clock_input(row), stopped_at=at)
    conn.execute(
        update(sla_clocks).where(sla_clocks.c.id == row.id).values(stopped_at=at, stopped_by=why)
    )
    v = refresh_verdict(conn, row.id, rule, calendar_of(live, row.calendar), clock, max(now, at))
    conn.execute(
        update(timers)
        .where(timers.c.clock_id == row.id, timers.c.state == "pending", timers.c.due_at > at)
        .values(state="cancelled", outcome=f"stopped by {why}")
    )  # earlier ones still fire (or are recorded, for history)
    unit.emit(
        EventKind.SLA_CLOCK_STOPPED,
        lead_id,
        payload={
            "clock_id": row.id,
            "by": why,
            "at": at,
            "verdict": v.state.value,
            "response_business_seconds": v.response_business.total_seconds()
            if v.response_business
            else None,
        },
    )


def recompute(
    conn: Connection,
    live: LiveWorkspace,
    clock_id: int,
    rule: SlaRule,
    clock: ClockInput,
    now: datetime,
) -> None:
    """Re-time a clock's timers and verdict after its history or its rule changed."""
    calendar = calendar_of(
        live,
        conn.execute(select(sla_clocks.c.calendar).where(sla_clocks.c.id == clock_id)).scalar_one(),
    )
    _write_timers(conn, clock_id, schedule(rule.policy, calendar, clock))
    refresh_verdict(conn, clock_id, rule, calendar, clock, now)


def hand_over(unit: Unit, lead_id: int, new_owner: str | None, at: datetime, now: datetime) -> None:
    """The lead changed hands: close the previous owner's charge (they are not blamed for what
    happens after), and start the new owner's by the rule's policy (restart or carry)."""
    conn = unit.conn
    live = live_workspace(conn)
    row = open_clock(conn, lead_id)
    if live is None or row is None or row.stopped_at is not None:
        return
    rule = live.rule(row.rule)
    if rule is None:
        return
    clock = clock_input(row)
    calendar = calendar_of(live, row.calendar)
    new_clock, charge = reassign(
        rule.policy, calendar, clock, new_owner or "(queue)", max(at, clock.started_at)
    )
    conn.execute(
        update(sla_clocks)
        .where(sla_clocks.c.id == row.id)
        .values(
            state=charge.outcome.value,
            closed_at=charge.ended_at,
            updated_at=now,
            miss_business_seconds=charge.miss_duration.total_seconds()
            if charge.miss_duration
            else None,
        )
    )
    conn.execute(
        update(timers)
        .where(timers.c.clock_id == row.id, timers.c.state == "pending")
        .values(state="cancelled", outcome="lead reassigned")
    )
    unit.emit(
        EventKind.SLA_CHARGE_CLOSED,
        lead_id,
        at=now,
        payload={
            "clock_id": row.id,
            "owner_id": row.owner_id,
            "outcome": charge.outcome.value,
            "next_owner_id": new_owner,
        },
    )
    if new_owner:
        lead = dict(one(conn, leads, id=lead_id)._mapping)
        carried = (
            new_clock.elapsed_before
            if rule.policy.on_reassign is OnReassign.CARRY
            else timedelta(0)
        )
        start_clock(
            unit,
            lead,
            new_owner,
            new_clock.started_at,
            now,
            elapsed_before=carried,
            pauses=new_clock.pauses,
        )
