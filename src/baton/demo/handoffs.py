"""The demo's Sales → Customer Success handoffs: every deal won closes
through the same use case as ``PATCH /v1/opportunities/ID`` at the moment it closed, so the
gate, the CSM's routing, the notice, the task and the summary really run; then, at the
moments they happened, the CSM's review (most within the business day the workspace allows,
a few late, a few never), the CSM's first touch (some after the 48 hours), one close let
through by a manager with its fields filled two days later, a renewal, and the worker's jobs
(escalation, first-touch misses) run when they were due. The deals closed in the last hours
are still open.

``plan_handoffs`` is pure (one seed, the same story); ``replay_handoffs`` tells it.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from baton.demo.generator import (
    FIRST_NAMES,
    LAST_NAMES,
    PEOPLE_BY_ID,
    PRODUCTS,
    SOURCE_SYSTEM,
    iso,
    working_hours,
    zone_named,
)
from baton.demo.timeline import at, office_hours_before
from baton.services.app import App
from baton.services.handoff.escalation import escalate_due_handoffs
from baton.services.handoff.first_touch import tell_first_touch_misses
from baton.services.handoff.review import review_handoff
from baton.services.records.intake import Submission, submit
from baton.services.records.kinds import KINDS
from baton.services.records.payloads import OpportunityPatch
from baton.services.records.updates import patch_record
from baton.store.tables import handoffs, opportunities

WON = "Closed Won"
PRE_CLOSE = "Negotiation"  # where a deal waits until the story closes it
RECENT_HOURS = (3, 7, 26)  # the last closes, hours before now: still open when the demo starts
NEVER, LATE = 0.04, 0.05  # shares of handoffs never reviewed, or reviewed after escalating
GOALS = (
    "Cut month-end reporting from five days to one",
    "One source of truth for pipeline and bookings",
    "Self-serve dashboards for 40 regional managers",
    "Replace spreadsheets in the board pack",
    "Embed usage analytics in their customer portal",
)
ROLES = ("champion", "admin", "executive sponsor", "procurement")
RISKS = (
    "Their data team is stretched until the warehouse migration ends",
    "The incumbent's contract runs until March",
    "Go-live is tied to the start of their fiscal year",
    "Security review still open",
    "The champion changes roles next quarter",
)
CHANNELS = (
    "Email, a weekly status on Tuesdays",
    "Slack Connect channel and a monthly steering call",
    "A call with the champion every two weeks",
    "Email only; no calls before 10:00 their time",
)
CRITERIA = (
    "80 % weekly active users after 90 days",
    "Board pack built in Northwind by the end of Q2",
    "Month-end close two days faster",
    "Three embedded dashboards live within 60 days",
)
TOUCHES = (("call", "Kickoff call"), ("email", "Welcome to Northwind"), ("meeting", "Onboarding"))


@dataclass(frozen=True)
class Closing:
    """One deal's close and what followed it (delays; the replay knows the CSM and the
    escalation time the close was given)."""

    deal: str  # external id
    at: datetime
    ae: str | None
    region: str
    fields: dict[str, Any]
    review: str  # on_time | late | never | not yet (the last closes)
    review_share: float  # on time: the share of the business day to the escalation used
    touch_after: timedelta  # the CSM's first touch after the close (before office hours)
    override: dict[str, str] | None = None
    filled_after: timedelta | None = None  # the missing fields, filled in by the AE
    full: dict[str, Any] = field(default_factory=dict)


def plan_handoffs(
    deals: list[dict], regions: dict[str, str], now: datetime, *, seed: int = 13
) -> tuple[list[dict], list[Closing]]:
    """The deals to submit (those the story closes wait at ``PRE_CLOSE``) and the closes, in
    order: every deal won (each closes through the gate, as it happened), three more closed
    in the last hours, a renewal. ``regions``: account external id → region."""
    rng = random.Random(seed)
    won = sorted((d for d in deals if d["stage"] == WON), key=lambda d: d["closed_at"])
    recent = [d for d in deals if d["stage"] == PRE_CLOSE][: len(RECENT_HOURS)]
    closings = [_closing(rng, d, regions, datetime.fromisoformat(d["closed_at"])) for d in won]
    for deal, hours in zip(recent, RECENT_HOURS, strict=False):
        zone = zone_named(PEOPLE_BY_ID[deal["owner_id"]].timezone)
        moment = office_hours_before(now - timedelta(hours=hours), zone)
        closings.append(replace(_closing(rng, deal, regions, moment), review="not yet"))
    renewal = _renewal(won[0], now) if won else None
    if renewal is not None:
        closings.append(
            _closing(rng, renewal, regions, datetime.fromisoformat(renewal["closed_at"]))
        )
    closings.sort(key=lambda c: c.at)
    _fates(rng, closings, now)
    story = {c.deal for c in closings}
    out = [d for d in deals if d["external_id"] not in story]
    out += [
        _waiting(d) for d in [*deals, *([renewal] if renewal else [])] if d["external_id"] in story
    ]
    return out, closings


def _waiting(deal: dict) -> dict:
    """The deal as the CRM had it before the close: at ``PRE_CLOSE``, no close, no fields."""
    waiting = {k: v for k, v in deal.items() if k not in ("closed_at", "handoff")}
    return waiting | {"stage": PRE_CLOSE}


def _renewal(first: dict, now: datetime) -> dict:
    """The renewal of the first deal won since Baton went live: a lighter handoff."""
    zone = zone_named(PEOPLE_BY_ID[first["owner_id"]].timezone)
    closed = office_hours_before(now - timedelta(days=6), zone)
    return {
        "external_id": "O-R0001",
        "source_system": SOURCE_SYSTEM,
        "name": first["name"].split(" - ")[0] + " - Renewal",
        "account_external_id": first["account_external_id"],
        "owner_id": first["owner_id"],
        "stage": WON,
        "amount": float(round(first["amount"] * 1.08 / 500) * 500),
        "closed_at": iso(closed),
        "close_date": closed.date().isoformat(),
        "extra": {"type": "renewal"},
    }


def _closing(rng: random.Random, deal: dict, regions: dict[str, str], moment: datetime) -> Closing:
    region = regions.get(deal["account_external_id"], "NA")
    full = _fields(rng, region)
    low, high = rng.choices(((0.5, 6), (6, 28), (50, 80)), (50, 40, 10))[0]
    return Closing(
        deal["external_id"],
        moment,
        deal["owner_id"],
        region,
        full,
        "on_time",
        rng.uniform(0.05, 0.8),
        timedelta(hours=rng.uniform(low, high)),
        full=full,
    )


def _fates(rng: random.Random, closings: list[Closing], now: datetime) -> None:
    """Among the closes older than a week: one let through by a manager (the rest of its
    fields filled two days later), a few its CSM never reviews, a few reviewed only after
    the escalation — shares of the deals, at least one of each however few there are."""
    older = [i for i, c in enumerate(closings) if c.at < now - timedelta(days=7)]
    never, late = (max(1, round(len(closings) * share)) for share in (NEVER, LATE))
    if len(older) < 1 + never + late:
        return
    first, *chosen = rng.sample(older, 1 + never + late)
    c = closings[first]
    manager = (PEOPLE_BY_ID[c.ae].manager if c.ae else None) or "jordan-blake"
    reason = "signed on the last day of the month; the goals call is booked for Monday"
    partial = {k: v for k, v in c.full.items() if k in ("stakeholders", "scope")}
    closings[first] = replace(
        c,
        fields=partial,
        override={"reason": reason, "approved_by": manager},
        filled_after=timedelta(days=2, hours=3),
    )
    for n, index in enumerate(chosen):
        closings[index] = replace(closings[index], review="never" if n < never else "late")


def _fields(rng: random.Random, region: str) -> dict[str, Any]:
    people = [
        f"{rng.choice(FIRST_NAMES[region])} {rng.choice(LAST_NAMES[region])} ({role})"
        for role in rng.sample(ROLES, rng.randint(2, 3))
    ]
    seats = rng.choice((25, 40, 60, 120, 250))
    return {
        "customer_goals": rng.choice(GOALS),
        "stakeholders": people,
        "scope": f"{rng.choice(PRODUCTS)}, {seats} seats, onboarding package",
        "risks": rng.choice(RISKS),
        "communication_preferences": rng.choice(CHANNELS),
        "success_criteria": rng.choice(CRITERIA),
    }


# --- the replay ------------------------------------------------------------------------

Step = Callable[[], None]


class _Agenda:
    """What happens next, in time order (ties in the order they were planned)."""

    def __init__(self, now: datetime) -> None:
        self.now, self._n = now, 0
        self._heap: list[tuple[datetime, int, Step]] = []

    def plan(self, moment: datetime, step: Step) -> None:
        if moment <= self.now:  # what is still to come has not happened yet
            self._n += 1
            heapq.heappush(self._heap, (moment, self._n, step))

    def run(self) -> None:
        while self._heap:
            heapq.heappop(self._heap)[2]()


def replay_handoffs(baton: App, closings: list[Closing], now: datetime) -> int:
    """Tell the closes and what followed them through the use cases; returns how many closed."""
    ids = _deal_ids(baton, [c.deal for c in closings])
    agenda = _Agenda(now)
    touches = iter(range(1, 10_000))
    for closing in closings:
        agenda.plan(closing.at, lambda c=closing: _close(baton, agenda, c, ids[c.deal], touches))
    agenda.run()
    _worker(baton, now)
    return len(closings)


def _deal_ids(baton: App, external_ids: list[str]) -> dict[str, int]:
    o = opportunities.c
    query = select(o.external_id, o.id).where(
        o.source_system == SOURCE_SYSTEM, o.external_id.in_(external_ids)
    )
    with baton.db.read() as conn:
        return {x: i for x, i in conn.execute(query)}


def _worker(baton: App, moment: datetime) -> None:
    """The worker's handoff jobs, as they ran at ``moment``."""
    app = at(baton, moment)
    escalate_due_handoffs(app, moment)
    tell_first_touch_misses(app, moment)


def _patch(baton: App, moment: datetime, deal_id: int, actor: str, **values: Any) -> None:
    patch = OpportunityPatch.model_validate(values)
    patch_record(at(baton, moment), KINDS["opportunity"], deal_id, patch, actor)


def _close(baton: App, agenda: _Agenda, c: Closing, deal_id: int, touches: Any) -> None:
    values: dict[str, Any] = {"stage": WON, "closed_at": iso(c.at), "handoff": c.fields}
    values["close_date"] = c.at.date().isoformat()
    if c.override:
        values["handoff_override"] = c.override
    _patch(baton, c.at, deal_id, c.ae or SOURCE_SYSTEM, **values)
    with baton.db.read() as conn:
        row = conn.execute(select(handoffs).where(handoffs.c.opportunity_id == deal_id)).one()
    escalate_at, csm = row.escalate_at, row.csm_id
    agenda.plan(escalate_at + timedelta(seconds=1), lambda: _worker(baton, escalate_at))
    told = c.at + timedelta(hours=48, seconds=1)
    agenda.plan(told, lambda: _worker(baton, told))
    filled = c.at + c.filled_after if c.filled_after else None
    if filled:
        agenda.plan(
            filled, lambda: _patch(baton, filled, deal_id, c.ae or SOURCE_SYSTEM, handoff=c.full)
        )
    if csm is None:
        return
    review = _review_at(c, escalate_at, filled)
    if review is not None:
        agenda.plan(review, lambda: review_handoff(at(baton, review), row.id, csm))
    touch = working_hours(c.at + c.touch_after, zone_named(PEOPLE_BY_ID[csm].timezone), _rng(c))
    agenda.plan(touch, lambda: _touch(baton, touch, c, csm, next(touches)))


def _rng(c: Closing) -> random.Random:
    return random.Random(f"handoff:{c.deal}")


def _review_at(c: Closing, escalate_at: datetime, filled: datetime | None) -> datetime | None:
    """When the CSM reviewed the summary: within the business time before the escalation,
    after it, never — and not before the fields they review are there."""
    if c.review in ("never", "not yet"):
        return None
    if c.review == "late":
        return escalate_at + timedelta(hours=_rng(c).uniform(3, 30))
    moment = c.at + (escalate_at - c.at) * c.review_share
    return max(moment, filled + timedelta(hours=2)) if filled else moment


def _touch(baton: App, moment: datetime, c: Closing, csm: str, number: int) -> None:
    kind, subject = _rng(c).choice(TOUCHES)
    touch = {
        "external_id": f"T-H{number:04d}",
        "source_system": SOURCE_SYSTEM,
        "kind": kind,
        "person_id": csm,
        "occurred_at": iso(moment),
        "opportunity_external_id": c.deal,
        "subject": subject,
    }
    if kind != "meeting":
        touch["direction"] = "outbound"
    result = submit(baton, Submission(KINDS["activity"], [touch], csm), now=moment)
    if result.count("created") != 1:
        raise RuntimeError(f"demo handoff touch rejected: {result.results[0].as_dict()}")
