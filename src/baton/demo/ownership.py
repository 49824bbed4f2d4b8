"""The demo's rules of engagement, live for the last three weeks, told through the same use
cases as the API at the moments they happened: the reps acknowledge the rules (all but
one), a rep's grab of a named account is blocked, a manager moves another one with an
override, two reps touch one account within the duplicate-outreach window (a violation a
manager resolves; a second one, from yesterday, is still open), a deal nobody touched for
60 days is taken by the timeout sweep, and two disputes: one the VP settles, one open.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from baton.demo.generator import DEMO_PEOPLE, PEOPLE_BY_ID, SOURCE_SYSTEM, iso, working_hours
from baton.demo.generator import zone_named as zone
from baton.demo.timeline import at
from baton.domain.ownership import ExceptionKind
from baton.domain.ownership.disputes import Outcome
from baton.services.app import App
from baton.services.ownership.acks import REP_ROLES, acknowledge
from baton.services.ownership.decisions import OwnershipBlocked
from baton.services.ownership.disputes import (
    DisputeIn,
    Resolution,
    escalate_dispute,
    raise_dispute,
    resolve_dispute,
)
from baton.services.ownership.health import resolve_violation
from baton.services.ownership.timeouts import apply_timeouts
from baton.services.ownership.transfer import Transfer, transfer_owner
from baton.services.records.intake import Submission, submit
from baton.services.records.kinds import KINDS
from baton.services.records.payloads import AccountPatch
from baton.services.records.updates import patch_record
from baton.store.tables import accounts, activities, leads, opportunities, ownership_decisions

UNACKNOWLEDGED = "carlos-mendoza"  # the rep who has not read the rules yet
ARBITER = "jordan-blake"
IDLE_DAYS = 74  # the idle deal's age: created before the rules, untouched since
NA_AES = ("grace-kim", "henry-castillo", "isabel-moreno", "jamal-wright")
EMEA_AES = ("klara-fischer", "olivier-dubois", "emma-jansen")


def replay_ownership(baton: App, now: datetime, went_live: datetime) -> int:
    """Tell the story (the rules went live at ``went_live``); returns how many steps."""
    rng = random.Random(17)

    def day(days: float, person: str) -> datetime:
        raw = went_live + timedelta(days=days)
        return working_hours(raw, zone(PEOPLE_BY_ID[person].timezone), rng)

    steps = _acknowledge(baton, rng, went_live)
    steps += _idle_deal(baton, now)
    named_na, named_emea = _named(baton, NA_AES), _named(baton, EMEA_AES)
    owner, taker = named_na[1], _other(NA_AES, named_na[1])
    blocked = day(3, taker)
    steps += _blocked(baton, blocked, named_na[0], taker)
    dispute = raise_dispute(
        at(baton, blocked + timedelta(hours=20)),
        DisputeIn("account", named_na[0], (owner, taker), _why_claim(taker)),
        taker,
    )
    manager = PEOPLE_BY_ID[owner].manager or ARBITER
    escalated = day(6, manager)
    why = "the reps and their manager disagree on who sourced it: to the VP"
    escalate_dispute(at(baton, escalated), dispute, manager, why)
    resolution = Resolution(Outcome.SPLIT, ARBITER, split={owner: 70, taker: 30}, note=_note(taker))
    _resolve(baton, day(8, ARBITER), dispute, resolution)
    steps += 3
    new_owner = _other(EMEA_AES, named_emea[1])
    reason = f"territory rebalance: {PEOPLE_BY_ID[new_owner].name} takes over the account"
    move = Transfer(
        "account", named_emea[0], new_owner, ExceptionKind.MANAGER_OVERRIDE, "lukas-weber", reason
    )
    transfer_owner(at(baton, day(5, "lukas-weber")), move, "lukas-weber")
    steps += 1
    first = day(9, "ava-thompson")  # a quiet account: no touch within the window either side
    quiet = _quiet_account(baton, first - timedelta(days=15), "SMB", 1)
    steps += _duplicate_outreach(baton, quiet, first, ("ava-thompson", "fatima-hassan"))
    recent = now - timedelta(hours=30)
    quiet = _quiet_account(baton, recent - timedelta(days=15), "Enterprise", 1)
    steps += _duplicate_outreach(
        baton, quiet, recent, ("grace-kim", "isabel-moreno"), resolve=False
    )
    steps += _open_dispute(baton, now - timedelta(days=2))
    return steps


def _other(team: tuple[str, ...], person: str) -> str:
    return team[(team.index(person) + 1) % len(team)]


def _why_claim(taker: str) -> str:
    first = PEOPLE_BY_ID[taker].name.split()[0]
    return f"{first} booked the first meeting with their CFO, before the account was named"


def _note(taker: str) -> str:
    first = PEOPLE_BY_ID[taker].name.split()[0]
    return f"the owner keeps it; {first} gets 30 % of the credit for the sourced meeting"


def _resolve(baton: App, moment: datetime, dispute: int, resolution: Resolution) -> None:
    resolve_dispute(at(baton, moment), dispute, resolution, ARBITER)


def _acknowledge(baton: App, rng: random.Random, went_live: datetime) -> int:
    """Every active rep acknowledges the live rules in their first days, but one."""
    reps = [p for p in DEMO_PEOPLE if p.active and p.role in REP_ROLES]
    for person in reps:
        if person.id != UNACKNOWLEDGED:
            raw = went_live + timedelta(days=rng.uniform(0.1, 4))
            acknowledge(
                at(baton, working_hours(raw, zone(person.timezone), rng)), person.id, person.id
            )
    return len(reps) - 1


def _named(baton: App, owners: tuple[str, ...]) -> tuple[int, str]:
    """The first named account one of ``owners`` holds: its id and owner."""
    a = accounts.c
    query = (
        select(a.id, a.owner_id)
        .where(a.source_system == SOURCE_SYSTEM, a.named, a.owner_id.in_(owners))
        .order_by(a.id)
        .limit(1)
    )
    with baton.db.read() as conn:
        row = conn.execute(query).one()
    return row.id, row.owner_id


def _blocked(baton: App, moment: datetime, account_id: int, taker: str) -> int:
    """A rep makes themself the owner of a named account: refused (409), recorded."""
    try:
        patch = AccountPatch.model_validate({"owner_id": taker})
        patch_record(at(baton, moment), KINDS["account"], account_id, patch, taker)
    except OwnershipBlocked:
        return 1
    raise RuntimeError(f"demo: taking named account {account_id} was not blocked")


def _idle_deal(baton: App, now: datetime) -> int:
    """A deal created before the rules and never touched: the sweep gives it to the
    owner's manager once it has been idle 60 days."""
    created = now - timedelta(days=IDLE_DAYS)
    a = accounts.c
    query = select(a.id).where(
        a.source_system == SOURCE_SYSTEM, a.region == "NA", a.segment == "Mid-Market"
    )
    with baton.db.read() as conn:
        account = conn.execute(query.where(a.named.is_not(True)).order_by(a.id)).scalars().first()
    deal = {
        "external_id": "O-I0001",
        "source_system": SOURCE_SYSTEM,
        "account_id": account,
        "name": "Platform upgrade (stalled)",
        "owner_id": "jamal-wright",
        "stage": "Discovery",
        "amount": 48_000.0,
        "currency": "USD",
        "close_date": (now + timedelta(days=30)).date().isoformat(),
    }
    submit(baton, Submission(KINDS["opportunity"], [deal], "jamal-wright"), now=created)
    sweep = created + timedelta(days=61)
    if apply_timeouts(at(baton, sweep), sweep) != 1:
        raise RuntimeError("demo: the idle deal did not time out")
    return 2


def _quiet_account(baton: App, since: datetime, segment: str, skip: int) -> int:
    """An unnamed North American account nobody touched since ``since`` and with no lost
    deal: a story on it starts no other rule."""
    a, t, o, ld = accounts.c, activities.c, opportunities.c, leads.c
    recent = t.occurred_at >= since
    busy = (
        select(t.account_id).where(recent, t.account_id.is_not(None)),
        select(o.account_id).join(activities, t.opportunity_id == o.id).where(recent),
        select(ld.account_id).join(activities, t.lead_id == ld.id).where(recent),
        select(o.account_id).where(o.stage == "Closed Lost"),
    )
    candidates = (
        select(a.id)
        .where(a.source_system == SOURCE_SYSTEM, a.region == "NA", a.segment == segment)
        .where(a.named.is_not(True), a.parent_id.is_(None))
        .order_by(a.id)
    )
    with baton.db.read() as conn:
        taken = {i for query in busy for i in conn.execute(query).scalars()}
        return [i for i in conn.execute(candidates).scalars() if i not in taken][skip]


def _duplicate_outreach(
    baton: App, account: int, first: datetime, reps: tuple[str, str], *, resolve: bool = True
) -> int:
    """Two reps touch one account hours apart: a violation; the first rep's manager deals
    with it the next day (or not yet)."""
    second = first + timedelta(hours=26 if resolve else 10)
    for n, (rep, moment) in enumerate(zip(reps, (first, second), strict=True)):
        touch = {
            "external_id": f"T-O{account:04d}{n}",
            "source_system": SOURCE_SYSTEM,
            "kind": "call" if n else "email",
            "direction": "outbound",
            "person_id": rep,
            "occurred_at": iso(moment),
            "account_id": account,
            "subject": "Intro call" if n else "Quick question about your reporting",
        }
        submit(baton, Submission(KINDS["activity"], [touch], rep), now=moment)
    if not resolve:
        return 2
    d = ownership_decisions.c
    query = select(d.id).where(d.kind == "violation", d.account_id == account)
    with baton.db.read() as conn:
        decision = conn.execute(query.order_by(d.id.desc())).scalars().first()
    if decision is None:
        raise RuntimeError(f"demo: no duplicate-outreach violation on account {account}")
    manager = PEOPLE_BY_ID[reps[0]].manager or ARBITER
    note = "talked to both: the first rep keeps the conversation, notes shared"
    resolve_violation(at(baton, second + timedelta(hours=20)), decision, manager, note, manager)
    return 3


def _open_dispute(baton: App, moment: datetime) -> int:
    """An open deal two EMEA reps both claim, raised two days ago: with their manager."""
    o = opportunities.c
    query = (
        select(o.id, o.owner_id)
        .where(o.source_system == SOURCE_SYSTEM, o.owner_id.in_(EMEA_AES), o.closed_at.is_(None))
        .order_by(o.id)
        .limit(1)
    )
    with baton.db.read() as conn:
        deal, owner = conn.execute(query).one()
    claimant = _other(EMEA_AES, owner)
    first = PEOPLE_BY_ID[claimant].name.split()[0]
    reason = f"{first} ran the discovery workshop before the deal was created"
    raise_dispute(
        at(baton, moment), DisputeIn("opportunity", deal, (owner, claimant), reason), claimant
    )
    return 1
