"""The ownership timeout (the worker's job and ``baton roe timeouts``): an open opportunity
with no activity for ``ownership.timeout.after`` (60 days) — and an account, when
``applies_to`` lists accounts, for ``account_after`` — is reassigned to the configured target:
the owner's manager, the pool member with the fewest open deals, or the queue's manager. The
old owner and their manager are told through the alerts outbox, and the move is recorded
with why (``ownership_decisions``, kind ``timeout``). Which records are idle: idle.py.

The worker sweeps once per business day of the workspace calendar at ``timeout.run_at``
(``domain.ownership.timing.sweep_due``). Idle periods are calendar days, like the playbook's
60."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, update

from baton.domain.events import AssignedBy, EventKind
from baton.domain.ownership import Rule, TargetKind, timed_out
from baton.domain.ownership.timing import sweep_due
from baton.services.app import App, Unit
from baton.services.live import LiveWorkspace, live_workspace
from baton.services.ownership.idle import idle_records
from baton.store.tables import accounts, alerts, opportunities, ownership_decisions, people

ALERT_KIND = "ownership.timeout"


@dataclass(frozen=True)
class Timeout:
    entity: str  # opportunity | account
    record_id: int
    name: str
    owner_id: str
    idle_since: datetime
    to_owner: str | None  # None: no one to give it to (the why says so); it stays
    target: str  # in words: "manager maria-chen", "pool ae-pool", "queue triage"
    why: str


def plan_timeouts(conn: Connection, now: datetime) -> list[Timeout]:
    """What the timeout would do at ``now`` (nothing is written)."""
    live = live_workspace(conn)
    if live is None or live.ownership is None:
        return []
    rules = live.ownership.rules
    out = []
    for idle in idle_records(conn, live, now):
        finding = timed_out(rules, idle.idle_since, now, idle.entity)
        if finding.hit:
            to, target = _target(conn, live, idle.owner_id)
            why = f"{finding.why}; to {target}" if to else f"{finding.why}; {target}"
            out.append(
                Timeout(
                    idle.entity,
                    idle.record_id,
                    idle.name,
                    idle.owner_id,
                    idle.idle_since,
                    to,
                    target,
                    why,
                )
            )
    return out


def _manager(conn: Connection, person: str | None) -> str | None:
    if person is None:
        return None
    return conn.execute(select(people.c.manager_id).where(people.c.id == person)).scalar()


def _target(conn: Connection, live: LiveWorkspace, owner: str) -> tuple[str | None, str]:
    assert live.ownership is not None
    t = live.ownership.rules.timeout
    if t.target_kind is TargetKind.MANAGER:
        manager = _manager(conn, owner)
        return (manager, f"manager {manager}") if manager else (None, f"{owner} has no manager")
    if t.target_kind is TargetKind.QUEUE:
        queues = live.spec.routing.queues if live.spec.routing else []
        watcher = next((q.manager for q in queues if q.id == t.target), None)
        if watcher is None:
            return None, f"queue {t.target} has no manager to take it"
        return watcher, f"queue {t.target} (its manager {watcher})"
    pool = live.routing.pools.get(t.target or "")
    members = [m for m, _ in pool.members] if pool else []
    active = set(
        conn.execute(select(people.c.id).where(people.c.id.in_(members), people.c.active)).scalars()
    )
    o = opportunities.c
    load = dict(
        conn.execute(
            select(o.owner_id, func.count())
            .where(o.owner_id.in_(members), o.closed_at.is_(None))
            .group_by(o.owner_id)
        ).all()
    )
    choices = [m for m in members if m in active and m != owner]
    if not choices:
        return None, f"pool {t.target} has no other active member"
    pick = min(choices, key=lambda m: (load.get(m, 0), members.index(m)))
    return pick, f"pool {t.target}: {pick}, fewest open deals ({load.get(pick, 0)})"


def apply_timeouts(app: App, now: datetime) -> int:
    """Reassign every idle record due at ``now``; returns how many moved."""
    with app.db.read() as conn:
        if not plan_timeouts(conn, now):
            return 0
    with app.unit("worker:ownership-timeout", now=now) as unit:
        done = sum(_apply(unit, t) for t in plan_timeouts(unit.conn, now))
        unit.commit()
    return done


TABLE = {"opportunity": opportunities, "account": accounts}
KINDS = {
    "opportunity": (EventKind.OPPORTUNITY_UPDATED, EventKind.OPPORTUNITY_ASSIGNED),
    "account": (EventKind.ACCOUNT_UPDATED, EventKind.ACCOUNT_ASSIGNED),
}


def _apply(unit: Unit, t: Timeout) -> int:
    if t.to_owner is None:
        return 0
    table = TABLE[t.entity]
    claimed = unit.conn.execute(  # one worker wins: the owner moves only from the idle owner
        update(table)
        .where(table.c.id == t.record_id, table.c.owner_id == t.owner_id)
        .values(owner_id=t.to_owner, updated_at=unit.now)
    ).rowcount
    if not claimed:
        return 0
    updated, assigned = KINDS[t.entity]
    unit.emit(updated, t.record_id, {"changed": {"owner_id": [t.owner_id, t.to_owner]}})
    unit.emit(
        assigned,
        t.record_id,
        {
            "previous_owner_id": t.owner_id,
            "owner_id": t.to_owner,
            "at": unit.now,
            "by": AssignedBy.TIMEOUT,
            "why": t.why,
        },
    )
    live = live_workspace(unit.conn)
    step = {
        "rule": Rule.OWNERSHIP_TIMEOUT.value,
        "outcome": "reassigns",
        "why": t.why,
        "values": {"idle_since": t.idle_since.isoformat(), "target": t.target},
    }
    decision = unit.conn.execute(
        insert(ownership_decisions).values(
            at=unit.now,
            actor=unit.actor,
            kind="timeout",
            entity=t.entity,
            record_id=t.record_id,
            old_owner_id=t.owner_id,
            new_owner_id=t.to_owner,
            rule=Rule.OWNERSHIP_TIMEOUT.value,
            message=f"{t.name}: {t.why}",
            steps=[step],
            version=live.version if live else None,
        )
    ).inserted_primary_key[0]
    told = {t.owner_id: "owner"}
    manager = _manager(unit.conn, t.owner_id)
    if manager:
        told.setdefault(manager, "manager")
    for person, role in told.items():
        _alert(unit, t, int(decision), person, role)
    return 1


def _alert(unit: Unit, t: Timeout, decision: int, person: str, role: str) -> None:
    unit.conn.execute(
        insert(alerts),
        {
            "idempotency_key": f"ownership:timeout:{decision}:{person}",
            "kind": ALERT_KIND,
            "entity": t.entity,
            "entity_id": str(t.record_id),
            "lead_id": None,
            "recipient_id": person,
            "role": role,
            "subject": f"Ownership timeout: {t.name} moved to {t.to_owner}"[:300],
            "content": {
                t.entity: {"id": t.record_id, "name": t.name},
                "from": t.owner_id,
                "to": t.to_owner,
                "why": t.why,
            },
            "state": "pending",
            "due_at": unit.now,
            "created_at": unit.now,
            "attempts": 0,
            "next_attempt_at": unit.now,
        },
    )


def as_rows(plan: list[Timeout]) -> list[dict[str, Any]]:
    return [asdict(t) for t in plan]


@dataclass
class TimeoutJob:
    """The worker's job: the sweep once per business day of the workspace calendar at
    ``ownership.timeout.run_at`` local time (``sweep_due``). A process that starts after
    the day's instant sweeps once at start; a second sweep the same day finds nothing new
    (a moved record starts a new idle period)."""

    _last: datetime | None = None  # the scheduled instant of the last sweep

    def __call__(self, app: App, now: datetime) -> int:
        with app.db.read() as conn:
            live = live_workspace(conn)
        if live is None or live.ownership is None:
            return 0
        timeout = live.ownership.rules.timeout
        calendar = live.calendars.get(timeout.calendar) if timeout.calendar else None
        due = sweep_due(live.ownership.rules, calendar, ZoneInfo(live.zone), self._last, now)
        if due is None:
            return 0
        self._last = due
        return apply_timeouts(app, now)
