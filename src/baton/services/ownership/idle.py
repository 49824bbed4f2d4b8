"""Which records have been idle long enough to time out, read from the database: open
opportunities, and accounts when ``timeout.applies_to`` lists them. Each comes with the instant
it has been idle since — the latest of its creation, its last activity and its latest change of
owner (so a reassigned record starts a new period)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, or_, select

from baton.domain.events import EventKind
from baton.domain.ownership import is_named
from baton.services.live import LiveWorkspace
from baton.services.ownership.facts import account_facts
from baton.store.tables import accounts, activities, events, opportunities

BATCH = 500


@dataclass(frozen=True)
class Idle:
    entity: str  # opportunity | account
    record_id: int
    name: str
    owner_id: str
    idle_since: datetime


def idle_records(conn: Connection, live: LiveWorkspace, now: datetime) -> list[Idle]:
    assert live.ownership is not None
    applies = live.ownership.rules.timeout.applies_to
    found = _opportunities(conn, live, now) if "opportunity" in applies else []
    return found + (_accounts(conn, live, now) if "account" in applies else [])


def _last_owner_change(conn: Connection, entity: str, record_id: int) -> datetime | None:
    e = events.c
    kind = EventKind.OPPORTUNITY_ASSIGNED if entity == "opportunity" else EventKind.ACCOUNT_ASSIGNED
    return conn.execute(
        select(func.max(e.occurred_at)).where(
            e.entity == entity, e.entity_id == str(record_id), e.kind == kind.value
        )
    ).scalar()


def _since(conn: Connection, entity: str, record_id: int, *times: datetime | None) -> datetime:
    moved = _last_owner_change(conn, entity, record_id)
    return max(t for t in (*times, moved) if t is not None)


def _opportunities(conn: Connection, live: LiveWorkspace, now: datetime) -> list[Idle]:
    assert live.ownership is not None
    cutoff = now - live.ownership.rules.timeout.after_for("opportunity")
    o, a = opportunities.c, activities.c
    last = (
        select(a.opportunity_id, func.max(a.occurred_at).label("at"))
        .where(a.opportunity_id.is_not(None))
        .group_by(a.opportunity_id)
        .subquery()
    )
    rows = conn.execute(
        select(o.id, o.name, o.owner_id, o.stage, o.created_at, last.c.at)
        .outerjoin(last, last.c.opportunity_id == o.id)
        .where(o.closed_at.is_(None), o.owner_id.is_not(None), o.created_at <= cutoff)
        .where((last.c.at.is_(None)) | (last.c.at <= cutoff))
        .order_by(o.id)
        .limit(BATCH)
    ).all()
    closed = live.ownership.lost_stages
    return [
        Idle(
            "opportunity",
            r.id,
            r.name,
            r.owner_id,
            _since(conn, "opportunity", r.id, r.created_at, r.at),
        )
        for r in rows
        if not (r.stage.lower() in closed or r.stage.lower().startswith("closed"))
    ]


def _accounts(conn: Connection, live: LiveWorkspace, now: datetime) -> list[Idle]:
    """Owned accounts with no activity on them or on their opportunities since the cutoff;
    a named (protected) account never times out: it is its rep's regardless of activity."""
    assert live.ownership is not None
    config = live.ownership
    cutoff = now - config.rules.timeout.after_for("account")
    c, a, o = accounts.c, activities.c, opportunities.c
    direct = (
        select(a.account_id.label("id"), func.max(a.occurred_at).label("at"))
        .where(a.account_id.is_not(None))
        .group_by(a.account_id)
        .subquery()
    )
    deals = (
        select(o.account_id.label("id"), func.max(a.occurred_at).label("at"))
        .join(opportunities, o.id == a.opportunity_id)
        .where(o.account_id.is_not(None))
        .group_by(o.account_id)
        .subquery()
    )
    rows = conn.execute(
        select(c.id, c.name, c.owner_id, c.created_at, direct.c.at, deals.c.at.label("deal_at"))
        .outerjoin(direct, direct.c.id == c.id)
        .outerjoin(deals, deals.c.id == c.id)
        .where(c.owner_id.is_not(None), c.created_at <= cutoff)
        .where(or_(direct.c.at.is_(None), direct.c.at <= cutoff))
        .where(or_(deals.c.at.is_(None), deals.c.at <= cutoff))
        .order_by(c.id)
        .limit(BATCH)
    ).all()
    out = []
    for r in rows:
        facts = account_facts(conn, r.id, config.lost_stages)
        if facts is not None and is_named(config.rules, facts)[0]:
            continue
        since = _since(conn, "account", r.id, r.created_at, r.at, r.deal_at)
        out.append(Idle("account", r.id, r.name, r.owner_id, since))
    return out
