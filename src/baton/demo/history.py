"""What happened to each demo lead after Baton routed it: its worker's touches, early or
late against the SLA deadline Baton set, and its way through the lifecycle — the status
changes its CRM status implies, in order, each allowed by the demo workspace's lifecycle
(New → MQL → SAL → SQL; Recycled or Disqualified with a reason from its short list), dated
after the conversations they follow and none later than ``now``.

Pure, like the generator: the caller passes what Baton decided for each lead
(``Routed``) and ``now``; one seed gives the same history. Each lead draws from dice of
its own, so a lead's story does not change when another lead's routing does.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from baton.demo.generator import (
    DEPARTED_DAYS_AGO,
    HAND_RAISES,
    OPPORTUNITY_AMOUNTS,
    PEOPLE_BY_ID,
    QUALIFY_SCORE,
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
WORKED = ("sal", "sql", "converted", "recycled")  # reached only after a conversation
RECYCLE_AFTER = 3  # the workspace's lifecycle.recycle.after_attempts: no story reaches it
# The workspace's lifecycle.rejection_reasons, and how often each is given. "not a fit" is
# over 40 % of rejections (more from paid search and list uploads): the Feedback page's flag.
RECYCLE_REASONS = {"not a fit": 34, "no response": 40, "no budget": 26}
DISQUALIFY_REASONS = {"not a fit": 56, "bad contact data": 15, "competitor": 13, "duplicate": 16}
REJECTION_REASONS = tuple(dict.fromkeys([*RECYCLE_REASONS, *DISQUALIFY_REASONS]))
POOR_FIT_SOURCES = ("paid-search", "list-upload")


@dataclass(frozen=True)
class Routed:
    """What Baton decided for a lead: its owner or queue, and its SLA clock's deadline
    (None when it has no running clock: a queue, a test lead, an excluded status)."""

    owner_id: str | None
    queue: str | None
    assigned_at: datetime | None
    due_at: datetime | None


@dataclass(frozen=True)
class Move:
    """A status change: the status reached, when, and why (rejections)."""

    status: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class History:
    activities: list[dict]  # payload dicts for ActivityIn, in the order they happened
    moves: dict[str, list[Move]] = field(default_factory=dict)  # lead external id → its moves

    @property
    def stamps(self) -> dict[str, dict[str, datetime]]:
        """Lead external id → the dates its moves stamp ({"mql_at": …, "sal_at": …})."""
        return {xid: {f"{m.status}_at": m.at for m in moves} for xid, moves in self.moves.items()}


def arrival_status(lead: dict) -> str:
    """What the CRM said when the lead came in: an MQL when its score qualifies it (the
    workspace's lifecycle.qualify), else New. The rest of its way is its ``moves``."""
    return "mql" if lead["score"] >= QUALIFY_SCORE else "new"


def lead_histories(
    leads: list[dict], routed: Mapping[str, Routed], now: datetime, *, seed: int = 7
) -> History:
    """The touches and moves of every lead (``leads`` as ``demo_records`` made them)."""
    activities: list[dict] = []
    moves: dict[str, list[Move]] = {}
    for lead in leads:
        rng = random.Random(f"{seed}:{lead['external_id']}")
        touches, moves[lead["external_id"]] = _story(rng, lead, routed[lead["external_id"]], now)
        activities += touches
    activities.sort(key=lambda a: a["occurred_at"])
    for number, activity in enumerate(activities, 1):
        activity["external_id"] = f"T-{number:06d}"
    return History(activities, moves)


def rule_of(lead_type: str | None) -> str:
    """The demo workspace's SLA rule for a lead type."""
    if lead_type in HAND_RAISES:
        return "hand-raiser"
    return "content" if lead_type == "content" else "event"


def _story(
    rng: random.Random, lead: dict, routed: Routed, now: datetime
) -> tuple[list[dict], list[Move]]:
    received = datetime.fromisoformat(lead["received_at"])
    worker = routed.owner_id or QUEUE_WORKERS.get(routed.queue or "")
    if worker is None or lead.get("is_test"):
        return [], _moves(rng, lead, received, [], now)
    person = PEOPLE_BY_ID[worker]
    until = now if person.active else min(now, now - timedelta(days=DEPARTED_DAYS_AGO))
    first = _first_touch(rng, lead, routed, worker, received, until)
    if first is None:
        return [], _moves(rng, lead, received, [], now)
    moments = _follow_ups(rng, first, worker, until)
    moves = _moves(rng, lead, received, moments, now)
    if moves and moves[-1].status == "disqualified":
        moments = [m for m in moments if m <= moves[-1].at]
    return _answered([_touch(rng, lead, worker, m, i) for i, m in enumerate(moments)]), moves


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


def _answered(touches: list[dict]) -> list[dict]:
    """The lead answers before its rep's attempts in a row reach the workspace's recycling
    rule (a meeting counts as an attempt, as for the rule): the story stays the CRM's, not
    one Baton would have recycled by itself meanwhile."""
    unanswered = 0
    for touch in touches:
        if touch.get("direction") == "inbound":
            unanswered = 0
        elif unanswered + 1 >= RECYCLE_AFTER:
            touch |= {"kind": "email", "direction": "inbound", "subject": "Re: " + touch["subject"]}
            unanswered = 0
        else:
            unanswered += 1
    return touches


def _moves(
    rng: random.Random, lead: dict, received: datetime, touches: list[datetime], now: datetime
) -> list[Move]:
    """The lead's way to its status, in order, none later than ``now``: an MQL on arrival
    when its score qualifies it, by hand later when not (for the leads Sales worked); accepted
    (SAL) after the first conversation, qualified (SQL) days later and converted
    (an opportunity) a few days after that; recycled after the last
    touch (a third of them after being accepted), disqualified soon after the first look (an
    MQL's after it was accepted, now and then)."""
    status, moves = lead["status"], []

    def after(moment: datetime, low_hours: float, high_hours: float) -> datetime:
        later = moment + timedelta(hours=rng.uniform(low_hours, high_hours))
        return later if later <= now else moment + (now - moment) * rng.random()

    def reach(target: str, moment: datetime, reason: str | None = None) -> datetime:
        moves.append(Move(target, moment, reason))
        return moment

    qualified = arrival_status(lead) == "mql"
    rejected = status in ("recycled", "disqualified")
    if qualified or status in ("mql", "sal", "sql", "converted", "recycled"):
        low, high = (0.01, 0.3) if qualified else (0.5, 6)
        mql_at = reach("mql", after(received, low, high))
    accepted = status in ("sal", "sql", "converted") or (
        rejected and touches and moves and rng.random() < (0.35 if status == "recycled" else 0.2)
    )
    if accepted:
        sal_at = reach("sal", after(max(touches[0], mql_at), 0.2, 30))
    if status in ("sql", "converted"):
        sql_at = reach("sql", after(sal_at, 24, 240))
    if status == "converted":
        reach("converted", after(sql_at, 24, 120))
    if status == "recycled":
        last = max(touches[-1] if touches else received, moves[-1].at)
        reach("recycled", after(last, 48, 500), _reason(rng, lead, RECYCLE_REASONS))
    if status == "disqualified":
        first = max(touches[0] if touches else received, moves[-1].at if moves else received)
        reach("disqualified", after(first, 0.1, 72), _reason(rng, lead, DISQUALIFY_REASONS))
    return moves


def _reason(rng: random.Random, lead: dict, weights: dict[str, int]) -> str:
    """A rejection reason; leads from the poorer sources are more often not a fit."""
    poor = lead["source"] in POOR_FIT_SOURCES
    adjusted = [w * (1.6 if poor and r == "not a fit" else 1) for r, w in weights.items()]
    return rng.choices(list(weights), adjusted)[0]


@dataclass(frozen=True)
class Converted:
    """A converted lead Baton matched to an account: where its deal goes."""

    external_id: str  # the lead's
    account: dict  # the account's payload (AccountIn), as demo_records made it
    converted_at: datetime
    owner_id: str | None  # the lead's owner when it converted


DEAL_STAGES = {"Discovery": 20, "Demo": 18, "Proposal": 24, "Closed Won": 23, "Closed Lost": 15}


def converted_deals(converted: list[Converted], now: datetime, *, seed: int = 11) -> list[dict]:
    """The opportunity each converted lead became, on its account: open, or closed some
    days after the conversion (never after ``now``; a deal that could not have closed yet
    is still at Proposal). Payload dicts for OpportunityIn."""
    deals = []
    for number, lead in enumerate(converted, 1):
        rng = random.Random(f"{seed}:{lead.external_id}")
        stage = rng.choices(list(DEAL_STAGES), list(DEAL_STAGES.values()))[0]
        closed_at = lead.converted_at + timedelta(days=rng.uniform(4, 35))
        if stage.startswith("Closed") and closed_at > now:
            stage = "Proposal"
        low, high = OPPORTUNITY_AMOUNTS[lead.account["segment"]]
        deal = {
            "external_id": f"O-L{number:04d}",
            "source_system": SOURCE_SYSTEM,
            "name": f"{lead.account['name']} - New business ({lead.external_id})",
            "account_external_id": lead.account["external_id"],
            "owner_id": lead.account.get("owner_id") or lead.owner_id,
            "stage": stage,
            "amount": float(round(rng.uniform(low, high) / 500) * 500),
        }
        if stage.startswith("Closed"):
            deal |= {"closed_at": iso(closed_at), "close_date": closed_at.date().isoformat()}
        else:
            deal["close_date"] = (now + timedelta(days=rng.randint(14, 90))).date().isoformat()
        deals.append(deal)
    return deals
