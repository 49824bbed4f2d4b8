"""What happened to each demo lead after Baton routed it: its worker's touches, early or
late against the SLA deadline Baton set, and the lifecycle stamps its status implies
(``mql_at ≤ sal_at ≤ sql_at``, ``recycled_at``, ``disqualified_at``).

Pure, like the generator: the caller passes what Baton decided for each lead
(``Routed``) and ``now``; one seed gives the same history. Each lead draws from dice of
its own, so a lead's story does not change when another lead's routing does.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from baton.demo.generator import (
    DEPARTED_DAYS_AGO,
    HAND_RAISES,
    PEOPLE_BY_ID,
    SOURCE_SYSTEM,
    SUBJECTS,
    iso,
    working_hours,
    zone_named,
)

QUEUE_WORKERS = {"inbound-triage": "maria-chen", "partner-desk": "david-okafor"}  # no test-leads
ON_TIME = {"hand-raiser": 0.8, "content": 0.86, "event": 0.9}  # share answered before the deadline
SLOWER = {"carlos-mendoza": 0.22, "liam-oconnor": 0.12}  # the demo's late answerers
FORGOTTEN = 0.004  # clocks nobody ever answers: overdue when the demo is loaded
WORKED = ("sal", "sql", "recycled")  # statuses a lead reaches only after a conversation


@dataclass(frozen=True)
class Routed:
    """What Baton decided for a lead: its owner or queue, and its SLA clock's deadline
    (None when it has no running clock: a queue, a test lead, an excluded status)."""

    owner_id: str | None
    queue: str | None
    assigned_at: datetime | None
    due_at: datetime | None


@dataclass(frozen=True)
class History:
    activities: list[dict]  # payload dicts for ActivityIn, in the order they happened
    stamps: dict[str, dict[str, datetime]]  # lead external id → {"mql_at": …, "sal_at": …}


def lead_histories(
    leads: list[dict], routed: Mapping[str, Routed], now: datetime, *, seed: int = 7
) -> History:
    """The touches and stamps of every lead (``leads`` as ``demo_records`` made them)."""
    activities: list[dict] = []
    stamps: dict[str, dict[str, datetime]] = {}
    for lead in leads:
        rng = random.Random(f"{seed}:{lead['external_id']}")
        touches, stamps[lead["external_id"]] = _story(rng, lead, routed[lead["external_id"]], now)
        activities += touches
    activities.sort(key=lambda a: a["occurred_at"])
    for number, activity in enumerate(activities, 1):
        activity["external_id"] = f"T-{number:06d}"
    return History(activities, stamps)


def rule_of(lead_type: str | None) -> str:
    """The demo workspace's SLA rule for a lead type."""
    if lead_type in HAND_RAISES:
        return "hand-raiser"
    return "content" if lead_type == "content" else "event"


def _story(
    rng: random.Random, lead: dict, routed: Routed, now: datetime
) -> tuple[list[dict], dict[str, datetime]]:
    received = datetime.fromisoformat(lead["received_at"])
    worker = routed.owner_id or QUEUE_WORKERS.get(routed.queue or "")
    if worker is None or lead.get("is_test"):
        return [], _stamps(rng, lead, received, [], now)
    person = PEOPLE_BY_ID[worker]
    until = now if person.active else min(now, now - timedelta(days=DEPARTED_DAYS_AGO))
    first = _first_touch(rng, lead, routed, worker, received, until)
    if first is None:
        return [], _stamps(rng, lead, received, [], now)
    moments = _follow_ups(rng, first, worker, until)
    stamps = _stamps(rng, lead, received, moments, now)
    if "disqualified_at" in stamps:
        moments = [m for m in moments if m <= stamps["disqualified_at"]]
    return [_touch(rng, lead, worker, m, i) for i, m in enumerate(moments)], stamps


def _first_touch(
    rng: random.Random, lead: dict, routed: Routed, worker: str, received: datetime, until: datetime
) -> datetime | None:
    """When the worker first called or emailed: before the deadline as often as ``ON_TIME``
    says (less for the slow ones), else late; never for a forgotten few, and not yet when
    that moment is still to come."""
    zone = zone_named(PEOPLE_BY_ID[worker].timezone)
    start = routed.assigned_at or received
    must = lead["status"] in WORKED or (lead["status"] == "disqualified" and rng.random() < 0.8)
    if routed.due_at is None:
        moment = working_hours(start + _gap(rng), zone, rng)
    else:
        roll = rng.random()
        if not must and roll < FORGOTTEN and routed.due_at < until:
            return None
        on_time = ON_TIME[rule_of(lead.get("lead_type"))] - SLOWER.get(worker, 0)
        moment = (
            _before(rng, start, routed.due_at, zone)
            if roll < on_time
            else working_hours(routed.due_at + _lateness(rng), zone, rng)
        )
    if moment < until:
        return moment
    if not must:
        return None  # not answered yet: pending, or overdue if its deadline has passed
    return _before(rng, start, min(routed.due_at or until, until), zone)


def _before(rng: random.Random, start: datetime, deadline: datetime, zone) -> datetime:
    """A working-hours moment after ``start`` and before ``deadline``, mostly early."""
    span = deadline - start
    moment = working_hours(start + span * rng.random() ** 1.6, zone, rng)
    if moment >= deadline:
        moment = deadline - min(span / 2, timedelta(minutes=rng.uniform(1, 10)))
    return max(moment, start + min(span / 2, timedelta(seconds=30)))


def _lateness(rng: random.Random) -> timedelta:
    low, high = rng.choices(((0.1, 0.8), (1, 6), (20, 72)), (40, 40, 20))[0]
    return timedelta(hours=rng.uniform(low, high))


def _gap(rng: random.Random) -> timedelta:
    low, high = rng.choices(((0.05, 1), (1, 6), (6, 48)), (45, 35, 20))[0]
    return timedelta(hours=rng.uniform(low, high))


def _follow_ups(
    rng: random.Random, first: datetime, worker: str, until: datetime
) -> list[datetime]:
    zone, moments = zone_named(PEOPLE_BY_ID[worker].timezone), [first]
    for _ in range(rng.choices((0, 1, 2, 3), (55, 30, 11, 4))[0]):
        hours = rng.uniform(*rng.choices(((1, 4), (20, 72)), (40, 60))[0])
        moment = working_hours(moments[-1] + timedelta(hours=hours), zone, rng)
        if moment >= until:
            break
        moments.append(moment)
    return moments


def _touch(rng: random.Random, lead: dict, worker: str, moment: datetime, step: int) -> dict:
    weights = (50, 50, 0, 0) if step == 0 else (35, 40, 15, 10)  # a first touch counts
    kind = rng.choices(tuple(SUBJECTS), weights)[0]
    touch = {
        "source_system": SOURCE_SYSTEM,
        "kind": kind,
        "person_id": worker,
        "occurred_at": iso(moment),
        "lead_external_id": lead["external_id"],
        "subject": rng.choice(SUBJECTS[kind]),
    }
    if kind != "meeting":
        inbound = kind == "email" and step and rng.random() < 0.2
        touch["direction"] = "inbound" if inbound else "outbound"
    return touch


def _stamps(
    rng: random.Random, lead: dict, received: datetime, touches: list[datetime], now: datetime
) -> dict[str, datetime]:
    """The lifecycle stamps of the lead's status, in order, none later than ``now``: an MQL
    on arrival (hand-raisers and engaged scores), accepted (SAL) after the first
    conversation, qualified (SQL) days later; recycled after the last touch; disqualified
    soon after the first look."""
    status, stamps = lead["status"], {}

    def after(moment: datetime, low_hours: float, high_hours: float) -> datetime:
        later = moment + timedelta(hours=rng.uniform(low_hours, high_hours))
        return later if later <= now else moment + (now - moment) * rng.random()

    if status in ("mql", "sal", "sql") or (
        status in ("recycled", "disqualified") and lead["score"] >= 60
    ):
        stamps["mql_at"] = after(received, 0.01, 0.3)
    if status in ("sal", "sql"):
        stamps["sal_at"] = after(max(touches[0], stamps["mql_at"]), 0.2, 30)
    if status == "sql":
        stamps["sql_at"] = after(stamps["sal_at"], 24, 240)
    if status == "recycled":
        stamps["recycled_at"] = after(touches[-1], 48, 500)
    if status == "disqualified":
        stamps["disqualified_at"] = after(touches[0] if touches else received, 0.1, 72)
    return stamps
