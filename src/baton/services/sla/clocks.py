"""Use cases around a lead's SLA clock: start it on assignment, stop it on the first
qualifying touch (or SAL), pause/exclude it as the lead changes, hand it over on
reassignment, recompute it when the rules change.

A clock row is one owner's *charge*; its timers (notices, miss, escalations)
are rows with due times that the worker fires (``sla_timers.py``). The domain
(``baton.domain.sla``) computes every due time and verdict; this module only
loads, stores and decides which domain call applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from baton.domain.calendar import BusinessCalendar
from baton.domain.sla import ClockInput, OnReassign, reassign, schedule, verdict
from baton.services.events import record_event
from baton.store.lookup import every, exists, one, tx_memo
from baton.store.tables import (
    leads,
    people,
    sla_clocks,
    teams,
    timers,
    workspace_versions,
)
from baton.workspace.calendars import build_calendar
from baton.workspace.sla_compile import SlaConfig, SlaRule, compile_sla
from baton.workspace.spec import WorkspaceSpec

OPEN = (
    "pending",
    "miss",
)  # a missed clock stays open until the touch comes (escalations keep running)
ALWAYS_OPEN = BusinessCalendar(
    "UTC", {d: [(datetime.min.time(), datetime.min.time())] for d in range(7)}, name="24/7"
)


@dataclass(frozen=True)
class LiveSla:
    version: int
    config: SlaConfig
    calendars: dict[str, BusinessCalendar]
    default_zone: str

    def rule(self, name: str) -> SlaRule | None:
        return next((r for r in self.config.rules if r.name == name), None)


_CACHE: dict[tuple[int, str], LiveSla] = {}


def load_sla(conn: Connection, version: int | None = None) -> LiveSla | None:
    """The SLA rules of the active version (compiled once per version per process, looked up once per transaction)."""
    memo = tx_memo(conn)
    if ("sla", version) not in memo:
        memo[("sla", version)] = _load_sla(conn, version)
    return memo[("sla", version)]


def _load_sla(conn: Connection, version: int | None) -> LiveSla | None:
    v = workspace_versions.c
    row = conn.execute(
        select(v.number, v.content_hash).where(
            v.number == version if version is not None else v.state == "active"
        )
    ).first()
    if row is None:
        return None
    key = (row.number, row.content_hash)
    if key not in _CACHE:
        document = conn.execute(select(v.document).where(v.number == row.number)).scalar_one()
        spec = WorkspaceSpec.model_validate(document)
        calendars = {name: build_calendar(name, cal) for name, cal in spec.calendars.items()}
        _CACHE[key] = LiveSla(row.number, compile_sla(spec)[0], calendars, spec.workspace.timezone)
    return _CACHE[key]


def lead_getter(lead: Any) -> Callable[[str], Any]:
    get = lead.get if isinstance(lead, dict) else (lambda k: getattr(lead, k, None))
    return lambda name: (
        (get("extra") or {})
        if name == "extra"
        else (get("extra") or {}).get(name[6:])
        if name.startswith("extra.")
        else get(name)
    )


def owner_calendar(
    conn: Connection, live: LiveSla, rule: SlaRule, owner_id: str
) -> tuple[str, BusinessCalendar]:
    """The calendar a clock runs in: the rule's, else the owner's, else their team's, else 24/7."""
    if rule.calendar != "owner":
        return rule.calendar, live.calendars[rule.calendar]
    return person_calendar(conn, live.calendars, owner_id)


def person_calendar(
    conn: Connection, calendars: dict[str, BusinessCalendar], owner_id: str
) -> tuple[str, BusinessCalendar]:
    """A person's calendar, else their team's, else 24/7."""
    person = one(conn, people, columns=("calendar", "team_id"), id=owner_id)
    team = (
        one(conn, teams, columns=("calendar",), id=person.team_id)
        if person and not person.calendar and person.team_id
        else None
    )
    return resolve_calendar(
        calendars, person.calendar if person else None, team.calendar if team else None
    )


def resolve_calendar(
    calendars: dict[str, BusinessCalendar], own: str | None, team: str | None
) -> tuple[str, BusinessCalendar]:
    """The person's own calendar, else their team's, else 24/7 (a name no calendar has counts as none)."""
    name = own or team
    if name and name in calendars:
        return name, calendars[name]
    return ALWAYS_OPEN.name, ALWAYS_OPEN


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


def calendar_of(live: LiveSla, name: str) -> BusinessCalendar:
    return live.calendars.get(name, ALWAYS_OPEN)


def start_clock(
    conn: Connection,
    lead: dict[str, Any],
    owner_id: str,
    at: datetime,
    now: datetime,
    actor: str,
    *,
    elapsed_before: timedelta = timedelta(0),
    pauses: tuple = (),
) -> int | None:
    """Start the owner's charge for a lead that matches an SLA rule; returns the clock id."""
    live = load_sla(conn)
    if live is None:
        return None
    get = lead_getter(lead)
    rule = live.config.rule_for(get)
    if rule is None:
        return None
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
            "pauses": _pauses_json(pauses),
            "excluded_reason": clock.excluded_reason,
            "state": "excluded" if clock.excluded_reason else "pending",
            "created_at": now,
            "updated_at": now,
        },
    ).scalar_one()
    _write_timers(conn, clock_id, schedule(rule.policy, calendar, clock), new=True)
    _refresh_verdict(conn, clock_id, rule, calendar, clock, now)
    record_event(
        conn,
        at=now,
        actor=actor,
        kind="sla.clock_started",
        entity="lead",
        entity_id=lead["id"],
        payload={
            "clock_id": clock_id,
            "rule": rule.name,
            "owner_id": owner_id,
            "started_at": at,
            "calendar": calendar_name,
        },
    )
    return clock_id


def _pauses_json(pauses) -> list[list[str | None]]:
    return [[a.isoformat(), b.isoformat() if b else None] for a, b in pauses]


def _write_timers(conn: Connection, clock_id: int, dues, *, new: bool = False) -> None:
    """Insert timers not yet there; move pending ones whose due time changed; fired ones stay."""
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
    for row in existing.values():
        if row.state == "pending":
            conn.execute(
                update(timers)
                .where(timers.c.id == row.id)
                .values(state="cancelled", outcome="no longer scheduled")
            )


def _refresh_verdict(
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
    conn: Connection,
    lead_id: int,
    person_id: str | None,
    kind: str,
    occurred_at: datetime,
    now: datetime,
    actor: str,
) -> None:
    """A touch on a lead: stamp first_touch_at (speed to lead) and stop its clock when it qualifies."""
    lead = one(conn, leads, id=lead_id)
    if lead is None or person_id is None or person_id != lead.owner_id:
        return
    live = load_sla(conn)
    kinds = live.config.first_touch if live else None
    if kinds is not None and kind not in kinds:
        return
    if lead.assigned_at is not None and occurred_at < lead.assigned_at:
        return  # a touch before the assignment is not a response to it
    if lead.first_touch_at is None or occurred_at < lead.first_touch_at:
        conn.execute(
            update(leads)
            .where(leads.c.id == lead_id)
            .values(first_touch_at=occurred_at, updated_at=now)
        )
    stop_clock(conn, lead_id, occurred_at, "first_touch", now, actor, owner_id=person_id)


def stop_clock(
    conn: Connection,
    lead_id: int,
    at: datetime,
    why: str,
    now: datetime,
    actor: str,
    *,
    owner_id: str | None = None,
) -> None:
    live = load_sla(conn)
    row = open_clock(conn, lead_id)
    if live is None or row is None or row.stopped_at is not None or at < row.started_at:
        return
    if owner_id is not None and row.owner_id != owner_id:
        return
    rule = live.rule(row.rule)
    if rule is None or why not in rule.stop:
        return
    clock = clock_input(row)
    clock = ClockInput(
        clock.started_at,
        clock.owner_id,
        clock.pauses,
        at,
        clock.excluded_reason,
        clock.elapsed_before,
    )
    conn.execute(
        update(sla_clocks).where(sla_clocks.c.id == row.id).values(stopped_at=at, stopped_by=why)
    )
    v = _refresh_verdict(conn, row.id, rule, calendar_of(live, row.calendar), clock, max(now, at))
    conn.execute(
        update(timers)
        .where(timers.c.clock_id == row.id, timers.c.state == "pending", timers.c.due_at > at)
        .values(state="cancelled", outcome=f"stopped by {why}")
    )  # earlier ones still fire (or are recorded, for history)
    record_event(
        conn,
        at=now,
        actor=actor,
        kind="sla.clock_stopped",
        entity="lead",
        entity_id=lead_id,
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


def lead_changed(conn: Connection, lead_id: int, now: datetime, actor: str) -> None:
    """After a lead's fields changed: exclusion, pause or resume, SAL stop, new owner."""
    live = load_sla(conn)
    lead = one(conn, leads, id=lead_id)
    row = open_clock(conn, lead_id)
    if live is None or lead is None:
        return
    if row is None:
        if lead.owner_id and lead.assigned_at and not _has_clock(conn, lead_id):
            start_clock(conn, dict(lead._mapping), lead.owner_id, lead.assigned_at, now, actor)
        return
    if lead.owner_id != row.owner_id:
        hand_over(conn, lead_id, lead.owner_id, lead.assigned_at or now, now, actor)
        return
    rule = live.rule(row.rule)
    if rule is None:
        return
    if lead.status == "sal" and "sal" in rule.stop and row.stopped_at is None:
        stop_clock(conn, lead_id, lead.sal_at or now, "sal", now, actor)
        return
    get = lead_getter(lead)
    clock = clock_input(row)
    excluded = rule.excluded(get)
    pauses = list(clock.pauses)
    paused_now = bool(pauses) and pauses[-1][1] is None
    if rule.paused(get) and not paused_now:
        pauses.append((now, None))
    elif not rule.paused(get) and paused_now:
        pauses[-1] = (pauses[-1][0], now)
    clock = ClockInput(
        clock.started_at,
        clock.owner_id,
        tuple(pauses),
        clock.stopped_at,
        excluded,
        clock.elapsed_before,
    )
    conn.execute(
        update(sla_clocks)
        .where(sla_clocks.c.id == row.id)
        .values(pauses=_pauses_json(clock.pauses), excluded_reason=excluded)
    )
    recompute(conn, live, row.id, rule, clock, now)


def recompute(
    conn: Connection, live: LiveSla, clock_id: int, rule: SlaRule, clock: ClockInput, now: datetime
) -> None:
    calendar = calendar_of(
        live,
        conn.execute(select(sla_clocks.c.calendar).where(sla_clocks.c.id == clock_id)).scalar_one(),
    )
    _write_timers(conn, clock_id, schedule(rule.policy, calendar, clock))
    _refresh_verdict(conn, clock_id, rule, calendar, clock, now)


def _has_clock(conn: Connection, lead_id: int) -> bool:
    return exists(conn, sla_clocks, lead_id=lead_id)


def hand_over(
    conn: Connection, lead_id: int, new_owner: str | None, at: datetime, now: datetime, actor: str
) -> None:
    """The lead changed hands: close the previous owner's charge (they are not blamed for what
    happens after), and start the new owner's by the rule's policy (restart or carry)."""
    live = load_sla(conn)
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
    record_event(
        conn,
        at=now,
        actor=actor,
        kind="sla.charge_closed",
        entity="lead",
        entity_id=lead_id,
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
            conn,
            lead,
            new_owner,
            new_clock.started_at,
            now,
            actor,
            elapsed_before=carried,
            pauses=new_clock.pauses,
        )


def owner_assigned(
    conn: Connection,
    lead_id: int,
    previous: str | None,
    owner: str | None,
    at: datetime,
    actor: str,
) -> None:
    """Routing gave the lead an owner (or a queue): start the clock, or hand it over."""
    if open_clock(conn, lead_id) is not None:
        if owner != previous:
            hand_over(conn, lead_id, owner, at, at, actor)
    elif owner:
        lead = dict(one(conn, leads, id=lead_id)._mapping)
        start_clock(conn, lead, owner, at, at, actor)


def recompute_open_clocks(conn: Connection, now: datetime, actor: str) -> int:
    """After a new version goes live: re-time every open clock with its rule and calendar as they now are."""
    live = load_sla(conn)
    if live is None:
        return 0
    count = 0
    for row in conn.execute(
        select(sla_clocks).where(
            sla_clocks.c.state.in_(OPEN),
            sla_clocks.c.stopped_at.is_(None),
            sla_clocks.c.closed_at.is_(None),
        )
    ).all():
        rule = live.rule(row.rule)
        if rule is None:
            continue
        calendar_name = rule.calendar if rule.calendar != "owner" else row.calendar
        conn.execute(
            update(sla_clocks)
            .where(sla_clocks.c.id == row.id)
            .values(version=live.version, calendar=calendar_name)
        )
        recompute(conn, live, row.id, rule, clock_input(row), now)
        count += 1
    if count:
        record_event(
            conn,
            at=now,
            actor=actor,
            kind="sla.clocks_recomputed",
            entity="workspace_version",
            entity_id=live.version,
            payload={"clocks": count},
        )
    return count
