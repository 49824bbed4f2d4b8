"""How SLA clocks react to the lead's life: registered in ``bootstrap.HANDLERS``.

- an owner is assigned (routing, by hand, a re-route) → the owner's clock starts, or the
  running one is handed over;
- a field changes → the clock is paused, resumed or excluded by its rule;
- the status becomes SAL → the clock stops when its rule says so;
- an activity is logged → the owner's first qualifying touch stops it;
- a version goes live → open clocks are re-timed with its rules and calendars.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from baton.domain.events import AssignedBy, EventKind
from baton.domain.records import LeadStatus
from baton.domain.sla import ClockInput
from baton.services.app import Event, Unit
from baton.services.live import live_workspace
from baton.services.sla.clocks import (
    OPEN,
    clock_input,
    hand_over,
    lead_getter,
    open_clock,
    pauses_json,
    recompute,
    start_clock,
    stop_clock,
    touch,
)
from baton.store.lookup import exists, one
from baton.store.tables import leads, sla_clocks


def on_lead_assigned(unit: Unit, event: Event) -> None:
    """The lead has a new owner (or went to a queue): start the clock, or hand it over.

    A hand-over closes the previous owner's charge as of the assignment. An owner set by
    hand on a lead whose clock already ended (hit, released) starts no second clock; a
    routing decision (a re-route) does.
    """
    lead_id = int(event.entity_id)
    owner: str | None = event.payload.get("owner_id")
    at: datetime = event.payload["at"]
    automatic = AssignedBy(event.payload["by"]).automatic
    now = at if automatic else unit.now  # history is judged as of its own time
    if open_clock(unit.conn, lead_id) is not None:
        if owner != event.payload.get("previous_owner_id"):
            hand_over(unit, lead_id, owner, at, now)
        return
    if owner and (automatic or not _has_clock(unit, lead_id)):
        lead = one(unit.conn, leads, id=lead_id)
        start_clock(unit, dict(lead._mapping), owner, at, now)


def on_lead_updated(unit: Unit, event: Event) -> None:
    """A field changed: the rule may now pause, resume or exclude the clock; a lead that
    now matches a rule and has an owner but never had a clock gets one."""
    if "owner_id" not in event.payload["changed"]:  # an owner change: on_lead_assigned
        _reconsider(unit, int(event.entity_id))


def _reconsider(unit: Unit, lead_id: int) -> None:
    """The lead as it now is: pause, resume or exclude its clock; start one it now needs."""
    conn, now = unit.conn, unit.now
    live = live_workspace(conn)
    lead = one(conn, leads, id=lead_id)
    if live is None or lead is None:
        return
    row = open_clock(conn, lead_id)
    if row is None:
        if lead.owner_id and lead.assigned_at and not _has_clock(unit, lead_id):
            start_clock(unit, dict(lead._mapping), lead.owner_id, lead.assigned_at, now)
        return
    rule = live.rule(row.rule)
    if rule is None or row.stopped_at is not None:
        return
    get = lead_getter(lead)
    clock = _paused_or_resumed(clock_input(row), rule.paused(get), now)
    clock = replace(clock, excluded_reason=rule.excluded(get))
    conn.execute(
        update(sla_clocks)
        .where(sla_clocks.c.id == row.id)
        .values(pauses=pauses_json(clock.pauses), excluded_reason=clock.excluded_reason)
    )
    recompute(conn, live, row.id, rule, clock, now)


def _paused_or_resumed(clock: ClockInput, paused: bool, now: datetime) -> ClockInput:
    pauses = list(clock.pauses)
    paused_now = bool(pauses) and pauses[-1][1] is None
    if paused and not paused_now:
        pauses.append((now, None))
    elif not paused and paused_now:
        pauses[-1] = (pauses[-1][0], now)
    return replace(clock, pauses=tuple(pauses))


def on_lead_status_changed(unit: Unit, event: Event) -> None:
    """SAL (the owner accepted the lead) stops the clock when its rule says so; MQL starts a
    ``start: mql`` clock; disqualified or recycled excludes it (the rule's exclusions)."""
    lead_id = int(event.entity_id)
    if event.payload.get("to") == LeadStatus.SAL:
        stop_clock(unit, lead_id, event.payload.get("at") or unit.now, "sal")
    _reconsider(unit, lead_id)


def on_activity_created(unit: Unit, event: Event) -> None:
    """A touch on a lead may be its owner's first response; a reply from the lead pauses
    the clock of a rule that says ``pause_on_reply``."""
    row: dict[str, Any] = event.payload
    if row.get("lead_id") is None:
        return
    if row.get("direction") == "inbound":
        _pause_for_reply(unit, row["lead_id"], row["occurred_at"])
    else:
        touch(unit, row["lead_id"], row.get("person_id"), row["kind"], row["occurred_at"])


def _pause_for_reply(unit: Unit, lead_id: int, at: datetime) -> None:
    conn, live = unit.conn, live_workspace(unit.conn)
    row = open_clock(conn, lead_id)
    rule = live.rule(row.rule) if live and row else None
    if rule is None or not rule.pause_on_reply or row.stopped_at is not None:
        return
    clock = clock_input(row)
    if clock.pauses and clock.pauses[-1][1] is None or at < clock.started_at:
        return  # already paused, or a reply to an earlier charge
    clock = replace(clock, pauses=(*clock.pauses, (at, None)))
    values = {"pauses": pauses_json(clock.pauses)}
    conn.execute(update(sla_clocks).where(sla_clocks.c.id == row.id).values(values))
    recompute(conn, live, row.id, rule, clock, unit.now)


def on_workspace_activated(unit: Unit, event: Event) -> None:
    """Re-time every open clock with its rule and calendar as the new version has them."""
    conn, now = unit.conn, unit.now
    live = live_workspace(conn)
    if live is None:
        return
    count = 0
    query = select(sla_clocks).where(
        sla_clocks.c.state.in_(OPEN),
        sla_clocks.c.stopped_at.is_(None),
        sla_clocks.c.closed_at.is_(None),
    )
    for row in conn.execute(query).all():
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
        unit.emit(EventKind.SLA_CLOCKS_RECOMPUTED, live.version, {"clocks": count})
        unit.warnings.append(
            f"{count} open SLA clocks re-timed with this version's rules and calendars"
        )


def _has_clock(unit: Unit, lead_id: int) -> bool:
    return exists(unit.conn, sla_clocks, lead_id=lead_id)
