"""The worker's job: evaluate the monitors every ``health.check_every`` (a minute by default, never
more often), keep each one's last status
in ``health_states``, and when one turns red write an alert to the outbox — once per
transition (green/amber → red), not at every check. The alert goes to the workspace's
executives (people with ``role: executive``), with the monitor's value, threshold, the
records behind it and what the playbook says to do."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from baton.domain.health import Monitor, Status
from baton.reports.scope import health_limits
from baton.services.app import App, Unit
from baton.services.health.registry import evaluate
from baton.store.tables import alerts, health_states, people

HEALTH_RED = "health.red"  # the alert kind
EVERY = timedelta(minutes=1)  # the shortest interval (health.check_every is 1m or more)


class HealthJob:
    """``(baton, now) -> transitions``; the monitors are evaluated in a read transaction
    and only a change of status takes the write lock. ``every``: the interval, else the live
    workspace's ``health.check_every`` (read at most once a minute)."""

    def __init__(self, every: timedelta | None = None) -> None:
        self.every = every
        self.last: datetime | None = None

    def __call__(self, baton: App, now: datetime) -> int:
        if self.last is not None and now - self.last < (self.every or EVERY):
            return 0
        if self.last is not None and self.every is None and now - self.last < _every(baton):
            return 0
        self.last = now
        return check_health(baton, now)


def _every(baton: App) -> timedelta:
    with baton.db.read() as conn:
        return health_limits(conn).check_every


def check_health(baton: App, now: datetime) -> int:
    """Record every monitor's status as of ``now``; returns how many changed status."""
    with baton.db.read() as conn:
        monitors = evaluate(conn, now)
        stored = {r.monitor: r.status for r in conn.execute(select(health_states))}
    changed = [m for m in monitors if stored.get(m.name) != m.status.value]
    if not changed:
        return 0
    with baton.unit("worker", now=now) as unit:  # read again under the write lock: one
        stored = {r.monitor: r.status for r in unit.conn.execute(select(health_states))}
        changed = [m for m in changed if stored.get(m.name) != m.status.value]  # worker alerts
        for m in changed:
            _record(unit, m, stored.get(m.name))
        unit.commit()
    return len(changed)


def _record(unit: Unit, m: Monitor, was: str | None) -> None:
    values = {
        "status": m.status.value,
        "since": unit.now,
        "value": m.value,
        "detail": m.detail,
        "checked_at": unit.now,
    }
    if was is None:
        unit.conn.execute(insert(health_states).values(monitor=m.name, **values))
    else:
        unit.conn.execute(
            update(health_states).where(health_states.c.monitor == m.name).values(**values)
        )
    if m.status is Status.RED:
        for person in _recipients(unit):
            _alert(unit, m, person, was)


def _recipients(unit: Unit) -> list[str]:
    return [
        r.id
        for r in unit.conn.execute(
            select(people.c.id)
            .where(people.c.role == "executive", people.c.active.is_(True))
            .order_by(people.c.id)
        )
    ]


def _alert(unit: Unit, m: Monitor, person: str, was: str | None) -> None:
    key = f"health:{m.name}:red:{unit.now.isoformat()}:{person}"
    why = f"{m.title} turned red (was {was or 'unchecked'}): {m.detail}"
    unit.conn.execute(
        insert(alerts),
        {
            "idempotency_key": key,
            "kind": HEALTH_RED,
            "entity": "health",
            "entity_id": m.name,
            "lead_id": None,
            "recipient_id": person,
            "role": "executive",
            "subject": f"Health: {m.title} is red"[:300],
            "content": {
                "monitor": m.as_dict(),
                "was": was,
                "why": why,
                "links": {"baton": m.records} if m.records else {},
            },
            "state": "pending",
            "due_at": unit.now,
            "created_at": unit.now,
            "attempts": 0,
            "next_attempt_at": unit.now,
        },
    )
