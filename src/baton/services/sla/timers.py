"""The worker job that fires SLA timers: each due timer is claimed, judged against the
clock's history, and turned into alerts in the outbox — in one transaction, so a
crash before commit fires it again and a crash after commit never fires it twice.

Claiming: PostgreSQL locks due rows with ``FOR UPDATE SKIP LOCKED`` so workers
share the load; SQLite's ``BEGIN IMMEDIATE`` makes one worker at a time.
Alerts carry an idempotency key (clock, timer, recipient), unique in the table.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from baton.domain.alerts import AlertKind
from baton.domain.events import EventKind
from baton.domain.sla import Due, DueKind, backfill_suppressed, schedule, still_due, verdict
from baton.services.app import App, Unit
from baton.services.live import live_workspace
from baton.services.sla.calendars import calendar_of
from baton.services.sla.clocks import clock_input, refresh_verdict
from baton.store.tables import alerts, leads, people, sla_clocks, teams, timers

BATCH = 100
YIELD_SECONDS = (
    0.05  # SQLite's busy handler retries every ≤ 100 ms: a 50 ms gap lets a waiting writer in
)


def fire_due_timers(baton: App, now: datetime) -> int:
    """Fire every timer due at ``now``; returns how many were handled.

    Works in batches of ``BATCH``, each its own short transaction. On SQLite,
    where there is one writer at a time, it pauses between batches so that API
    requests waiting for the write lock get it even while a large backlog
    (e.g. after a restart) is being worked off.
    """
    done = 0
    while True:
        with baton.unit("worker") as unit:
            rows = _claim(unit.conn, now)
            for row in rows:
                # stamped when it fires, not when the round began
                unit.now = max(now, baton.clock.now())
                _fire(unit, row, baton.settings.public_url)
            unit.commit()
        done += len(rows)
        if len(rows) < BATCH:
            return done
        if baton.db.dialect == "sqlite":
            time.sleep(YIELD_SECONDS)


def next_due_at(baton: App) -> datetime | None:
    """When the next pending timer falls due (the worker sleeps until then)."""
    with baton.db.read() as conn:
        return conn.execute(
            select(func.min(timers.c.due_at)).where(timers.c.state == "pending")
        ).scalar_one()


def _claim(conn: Connection, now: datetime) -> list[Any]:
    query = (
        select(timers)
        .where(timers.c.state == "pending", timers.c.due_at <= now)
        .order_by(timers.c.due_at)
        .limit(BATCH)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return conn.execute(query).all()


def _fire(unit: Unit, timer: Any, public_url: str) -> None:
    conn, now = unit.conn, unit.now
    clock_row = conn.execute(select(sla_clocks).where(sla_clocks.c.id == timer.clock_id)).first()
    live = live_workspace(conn)
    rule = live.rule(clock_row.rule) if live else None
    if rule is None:
        _settle(conn, timer, now, "skipped", "the rule no longer exists")
        return
    calendar = calendar_of(live, clock_row.calendar)
    clock = clock_input(clock_row)
    due = next((d for d in schedule(rule.policy, calendar, clock) if d.key == timer.key), None)
    lead = conn.execute(select(leads).where(leads.c.id == clock_row.lead_id)).first()
    history = due is not None and backfill_suppressed(
        due, lead.created_at
    )  # due before Baton had the lead
    judged_at = (
        due.due_at if history else now
    )  # history is judged as it stood then; live timers as they stand now
    if (
        due is None
        or not still_due(due, clock, judged_at)
        or (clock_row.closed_at is not None and not history)
    ):
        _settle(conn, timer, now, "skipped", _why_not(clock_row, clock, now))
        return
    if due.kind is DueKind.MISS:  # the verdict turns, and the owner hears of it (sla.miss)
        if clock_row.stopped_at is None:
            refresh_verdict(
                conn,
                clock_row.id,
                rule,
                calendar,
                clock,
                max(now, due.due_at + timedelta(microseconds=1)),
            )
        created = _alerts(conn, clock_row, due, lead, rule, calendar, clock, judged_at, public_url)
        _settle(conn, timer, now, "fired", f"verdict: miss, {created} alert(s)")
        missed = {"clock_id": clock_row.id, "owner_id": clock_row.owner_id, "rule": rule.name}
        missed |= {"due_at": due.due_at, "history": history, "alerts": created}
        unit.emit(EventKind.SLA_MISS, clock_row.lead_id, missed)  # on_miss reacts to it
        return
    created = _alerts(
        conn, clock_row, due, lead, rule, calendar, clock, judged_at if history else now, public_url
    )
    _settle(conn, timer, now, "fired", f"{created} alert(s)")
    fired = {"clock_id": clock_row.id, "timer": timer.key, "due_at": due.due_at, "alerts": created}
    unit.emit(EventKind(AlertKind.for_due(due.kind).value), clock_row.lead_id, fired)


def _why_not(row: Any, clock, now: datetime) -> str:
    if row.closed_at is not None or row.stopped_at is not None:
        return "clock stopped or handed over"
    if clock.excluded_reason:
        return f"excluded ({clock.excluded_reason})"
    if clock.paused_at(now):
        return "paused"
    return "no longer due"


def _settle(conn: Connection, timer: Any, now: datetime, state: str, outcome: str) -> None:
    conn.execute(
        update(timers)
        .where(timers.c.id == timer.id)
        .values(state=state, fired_at=now, outcome=outcome)
    )


def _recipients(conn: Connection, due: Due, owner_id: str) -> list[tuple[str, str]]:
    """(person id, role) for the timer's recipient and its cc, resolving owner/manager."""
    owner = conn.execute(
        select(people.c.manager_id, people.c.team_id).where(people.c.id == owner_id)
    ).first()
    manager = owner.manager_id if owner else None
    if not manager and owner and owner.team_id:
        manager = conn.execute(
            select(teams.c.manager_id).where(teams.c.id == owner.team_id)
        ).scalar_one_or_none()
    resolve = {"owner": owner_id, "manager": manager}
    out = []
    for who, role in [
        (
            due.recipient,
            "owner"
            if due.recipient == "owner"
            else "manager"
            if due.recipient == "manager"
            else "executive",
        )
    ] + [(c, "cc") for c in due.cc]:
        person = resolve.get(who, who)
        if person and person not in [p for p, _ in out]:
            out.append((person, role))
    return out


def _alerts(
    conn: Connection,
    row: Any,
    due: Due,
    lead: Any,
    rule,
    calendar,
    clock,
    now: datetime,
    public_url: str,
) -> int:
    elapsed = calendar.between(clock.started_at, now) + clock.elapsed_before
    owner_name = conn.execute(
        select(people.c.name).where(people.c.id == row.owner_id)
    ).scalar_one_or_none()
    content = _content(row, due, lead, rule, elapsed, owner_name, public_url)
    deadline_at = verdict(rule.policy, calendar, clock, now).due_at
    content["deadline_at"] = deadline_at.isoformat() if deadline_at else None
    content["timezone"] = calendar.timezone.key  # the clock's calendar: times read in it
    suppressed = backfill_suppressed(due, lead.created_at)
    created = 0
    for person_id, role in _recipients(conn, due, row.owner_id):
        key = f"sla:{row.id}:{due.key}:{person_id}"
        if conn.execute(select(alerts.c.id).where(alerts.c.idempotency_key == key)).first():
            continue
        conn.execute(
            insert(alerts),
            {
                "idempotency_key": key,
                "kind": AlertKind.for_due(due.kind),
                "entity": "lead",
                "entity_id": str(lead.id),
                "lead_id": lead.id,
                "recipient_id": person_id,
                "role": role,
                "subject": _subject(due, content),
                "content": content,
                "state": "suppressed" if suppressed else "pending",
                "suppressed_reason": "backfill" if suppressed else None,
                "due_at": due.due_at,
                "created_at": now,
                "attempts": 0,
                "next_attempt_at": None if suppressed else now,
            },
        )
        created += 1
    return created


def _content(
    row: Any, due: Due, lead: Any, rule, elapsed: timedelta, owner_name: str | None, public_url: str
) -> dict[str, Any]:
    """The facts every template renders (playbook: lead, type, company, owner, rule, time
    elapsed, link); ``_alerts`` adds the SLA deadline and the calendar's zone."""
    name = (
        " ".join(p for p in (lead.first_name, lead.last_name) if p)
        or lead.email
        or f"lead {lead.id}"
    )
    return {
        "lead": {
            "id": lead.id,
            "name": name,
            "email": lead.email,
            "company": lead.company,
            "lead_type": lead.lead_type,
            "source": lead.source,
            "crm_id": lead.external_id,
            "source_system": lead.source_system,
        },
        "owner": {"id": row.owner_id, "name": owner_name or row.owner_id},
        "rule": rule.name,
        "threshold": _words(rule.policy.threshold),
        "elapsed_business": _words(elapsed),
        "elapsed_business_seconds": elapsed.total_seconds(),
        "timer": due.key,
        "timer_at": due.due_at.isoformat(),  # this alert's own time; the SLA's is deadline_at
        "fraction": due.fraction,
        "tier": due.tier,
        "links": {"baton": f"{public_url}/leads/{lead.id}", "crm": None},
    }


def _subject(due: Due, content: dict[str, Any]) -> str:
    lead = content["lead"]
    who = f"{lead['name']}" + (f" ({lead['company']})" if lead["company"] else "")
    if due.kind is DueKind.NOTICE:
        return (
            f"SLA reminder: {due.fraction:.0%} of {content['threshold']} used — "
            f"{who}, {lead['lead_type'] or 'lead'}"
        )
    if due.kind is DueKind.MISS:
        return f"SLA missed ({content['rule']}, {content['threshold']}) — {who}"
    return (
        f"SLA escalation tier {due.tier}: still no touch after "
        f"{content['elapsed_business']} — {who}"
    )


def _words(delta: timedelta) -> str:
    """A threshold or business time elapsed for a subject line: ``2 h 30 min``, ``45 min``
    (whole minutes, rounded down), and under a minute in seconds (``40 s``), never ``0 min``."""
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else f"{secs} s"
