"""Shared by the lifecycle reports' tests: a believable history made through the services
(leads, moves with their reasons at their own times, recycles that qualify again, touches,
accounts and won opportunities), and the funnel, feedback and leakage figures recomputed
from the stored rows — the status changes as they happened, not the stamps the reports
read — in plain Python."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from baton.services.lifecycle.status import change_status
from baton.store.tables import accounts, activities, leads, opportunities, people, status_changes

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OWNERS = ("sam-ortiz", "priya-nair", "emma-schulz", "maria-chen", None)
SOURCES = ("web", "event", "", "partner")
CAMPAIGNS = ("q4", "spring", None)
TYPES = ("demo-request", "content", "webinar")
REASONS = ("not a fit", "no budget", "duplicate", "competitor")
REASON_WEIGHTS = (6, 2, 1, 1)  # "not a fit" over 40 % of the rejects


@dataclass
class History:
    ids: list[int]
    owners: dict[int, str | None]


def make_history(api, baton, clock, count: int, seed: int, now: datetime = NOW) -> History:
    """``count`` leads received over the 70 days before ``now`` and moved through the funnel."""
    rnd = random.Random(seed)
    clock.set(now)
    items, plans = [], []
    for i in range(count):
        received = now - timedelta(seconds=rnd.randrange(70 * 86400))
        owner = rnd.choice(OWNERS)
        item = {
            "email": f"h{seed}-{i}@example.com",
            "source": rnd.choice(SOURCES),
            "campaign": rnd.choice(CAMPAIGNS),
            "lead_type": rnd.choice(TYPES),
            "received_at": received.isoformat(),
            "engaged_at": received.isoformat(),
        }
        if owner:
            assigned = received + timedelta(minutes=3)
            item |= {"owner_id": owner, "assigned_at": assigned.isoformat()}
        items.append({k: v for k, v in item.items() if v is not None})
        plans.append((received, owner))
    ids = []
    for start in range(0, count, 500):
        response = api.post("/v1/leads", json={"items": items[start : start + 500]})
        assert response.status_code == 201, response.text
        ids += [it["id"] for it in response.json()["items"]]
    owners = {}
    touches = []
    for lead_id, (received, owner) in zip(ids, plans, strict=True):
        owners[lead_id] = _walk(api, baton, clock, rnd, lead_id, received, owner, now, touches)
    clock.set(now)
    if touches:
        for start in range(0, len(touches), 500):
            response = api.post("/v1/activities", json={"items": touches[start : start + 500]})
            assert response.status_code == 201, response.text
    _wins(api, baton, rnd, ids, now)
    clock.set(now)
    return History(ids, owners)


def _walk(api, baton, clock, rnd, lead_id, received, owner, now, touches) -> str | None:
    """One lead's moves, each at its own time (before ``now``)."""
    t = received + timedelta(hours=rnd.uniform(0, 48))

    def at(hours: float) -> bool:
        nonlocal t
        t += timedelta(hours=rnd.uniform(0.1, hours))
        if t >= now:
            return False
        clock.set(t)
        return True

    def to(status: str, reason: str | None = None) -> None:
        change_status(baton, lead_id, status, "test", reason=reason)

    if rnd.random() < 0.12 or not at(1):
        return owner
    if rnd.random() < 0.05:
        to("disqualified", rnd.choices(REASONS, REASON_WEIGHTS)[0])
        return owner
    for cycle in range(2):
        to("mql")
        if owner and rnd.random() < 0.5:  # a touch after the hand-off (or none: leakage)
            touch = t + timedelta(hours=rnd.uniform(1, 300))
            direction = "inbound" if rnd.random() < 0.25 else "outbound"
            if touch < now:
                touches.append(
                    {
                        "kind": "call",
                        "person_id": owner,
                        "occurred_at": touch.isoformat(),
                        "lead_id": lead_id,
                        "direction": direction,
                    }
                )
        r = rnd.random()
        if r < 0.25 or not at(120):
            return owner
        if r < 0.45:
            rejected = rnd.choice(("recycled", "disqualified"))
            to(rejected, rnd.choices(REASONS, REASON_WEIGHTS)[0])
            if rejected == "recycled" and cycle == 0 and rnd.random() < 0.6 and at(300):
                owner = _reassigned(api, lead_id, rnd)
                continue
            return owner
        to("sal")
        if rnd.random() < 0.3 or not at(200):
            return owner
        if rnd.random() < 0.2:
            to("recycled", rnd.choices(REASONS, REASON_WEIGHTS)[0])
            return None if owner is None else owner
        to("sql")
        if rnd.random() < 0.4 or not at(400):
            return owner
        to("converted")
        return owner
    return owner


def _reassigned(api, lead_id: int, rnd) -> str | None:
    """A recycled lead (released) qualifies again; half get an owner by hand."""
    if rnd.random() < 0.5:
        return None
    owner = rnd.choice(OWNERS[:4])
    assert api.patch(f"/v1/leads/{lead_id}", json={"owner_id": owner}).status_code == 200
    return owner


def _wins(api, baton, rnd, ids: list[int], now: datetime) -> None:
    """Accounts for most converted leads and, on them, opportunities: won after the conversion,
    won before it (not this lead's win), won without a close date, lost, open."""
    with baton.db.read() as conn:
        converted = conn.execute(
            select(leads.c.id, leads.c.converted_at)
            .where(leads.c.id.in_(ids), leads.c.converted_at.is_not(None))
            .order_by(leads.c.id)
        ).all()
    with baton.db.write() as conn:
        for lead_id, converted_at in converted:
            if rnd.random() < 0.15:
                continue
            account = conn.execute(
                insert(accounts)
                .values(
                    name=f"Account {lead_id}",
                    domains=[],
                    named=False,
                    source_system="",
                    extra={},
                    created_at=now,
                    updated_at=now,
                )
                .returning(accounts.c.id)
            ).scalar_one()
            conn.execute(update(leads).where(leads.c.id == lead_id).values(account_id=account))
            kind = rnd.choice(("won", "won", "early", "no-date", "lost", "open"))
            closed = {
                "won": converted_at + timedelta(days=rnd.uniform(1, 20)),
                "early": converted_at - timedelta(days=3),
                "lost": converted_at + timedelta(days=4),
            }.get(kind)
            stage = {"won": "Closed Won", "early": "Closed Won", "no-date": "closed won "}.get(
                kind, "Closed Lost" if kind == "lost" else "Proposal"
            )
            stamp = min(closed or converted_at + timedelta(days=2), now)
            conn.execute(
                insert(opportunities).values(
                    name=f"Deal {lead_id}",
                    account_id=account,
                    stage=stage,
                    closed_at=min(closed, now) if closed else None,
                    handoff={},
                    source_system="",
                    extra={},
                    created_at=converted_at,
                    updated_at=stamp,
                )
            )
        conn.commit()


# ---- the figures again, from the stored rows ---------------------------------------------


@dataclass(frozen=True)
class Cohort:
    """One lead of a period's cohort, from its status changes (not its stamps)."""

    lead_id: int
    source: str
    campaign: str
    lead_type: str
    owner: str
    team: str
    week: str
    reached: tuple[bool, ...]  # sal, sql, opportunity, won
    walls: dict[str, float]  # step → seconds


def cohort(conn, since, until, zone: ZoneInfo, **filters) -> list[Cohort]:
    """The leads whose latest move into MQL is in ``[since, until)``, what they reached after it
    (their moves since then, and a won opportunity of their account closed since the
    conversion), whose they are (owner, else the owner of their latest move) and their team."""
    moves = defaultdict(list)
    for r in conn.execute(select(status_changes).order_by(status_changes.c.id)):
        moves[r.lead_id].append(r)
    team_of = dict(conn.execute(select(people.c.id, people.c.team_id)).all())
    wins = defaultdict(list)
    for o in conn.execute(select(opportunities)):
        if o.stage.strip().lower() == "closed won":
            wins[o.account_id].append(o.closed_at or o.updated_at)
    out = []
    for lead in conn.execute(select(leads)):
        history = sorted(moves.get(lead.id, []), key=lambda m: (m.changed_at, m.id))
        into_mql = [m for m in history if m.to_status == "mql"]
        if not into_mql or not since <= into_mql[-1].changed_at < until:
            continue
        start = into_mql[-1]
        after = {m.to_status: m.changed_at for m in history if m.changed_at >= start.changed_at}
        owner = lead.owner_id or (history[-1].owner_id if history else None)
        if filters.get("source") and lead.source != filters["source"]:
            continue
        if filters.get("lead_type") and lead.lead_type != filters["lead_type"]:
            continue
        if filters.get("owner") and owner != filters["owner"]:
            continue
        if filters.get("team") and team_of.get(owner) != filters["team"]:
            continue
        if filters.get("campaign") and lead.campaign != filters["campaign"]:
            continue
        dates = [start.changed_at, after.get("sal"), after.get("sql"), after.get("converted")]
        won = None
        if dates[3] is not None:
            later = [w for w in wins.get(lead.account_id, []) if w >= dates[3]]
            won = min(later) if later else None
        dates.append(won)
        walls = {}
        for name, a, b in zip(STEP_NAMES, dates, dates[1:], strict=False):
            if a is not None and b is not None:
                walls[name] = (b - a).total_seconds()
        year, week, _ = start.changed_at.astimezone(zone).isocalendar()
        out.append(
            Cohort(
                lead.id,
                lead.source or "(none)",
                lead.campaign or "(none)",
                lead.lead_type or "(none)",
                owner or "(unassigned)",
                team_of.get(owner) or "(none)",
                f"{year}-W{week:02d}",
                (dates[1] is not None, dates[2] is not None, dates[3] is not None, won is not None),
                walls,
            )
        )
    return out


STEP_NAMES = ("mql_to_sal", "sal_to_sql", "sql_to_opportunity", "opportunity_to_won")


def median(values: list[float]) -> float | None:
    s = sorted(values)
    n = len(s)
    return None if not n else (s[(n - 1) // 2] + s[n // 2]) / 2


def funnel_counts(rows: list[Cohort]) -> tuple[int, ...]:
    return (len(rows), *(sum(r.reached[k] for r in rows) for k in range(4)))


def by(rows: list[Cohort], field: str) -> dict[str, list[Cohort]]:
    out = defaultdict(list)
    for r in rows:
        out[getattr(r, field)].append(r)
    return out


def rejections(conn, since, until, zone: ZoneInfo, **filters) -> list[tuple[str, str, int]]:
    """(reason, ISO week, lead id) of every move to Recycled or Disqualified in the period."""
    lead_of = {r.id: r for r in conn.execute(select(leads))}
    team_of = dict(conn.execute(select(people.c.id, people.c.team_id)).all())
    out = []
    for m in conn.execute(select(status_changes)):
        if m.to_status not in ("recycled", "disqualified"):
            continue
        if not since <= m.changed_at < until:
            continue
        lead = lead_of[m.lead_id]
        if filters.get("source") and lead.source != filters["source"]:
            continue
        if filters.get("owner") and m.owner_id != filters["owner"]:
            continue
        if filters.get("team") and team_of.get(m.owner_id) != filters["team"]:
            continue
        year, week, _ = m.changed_at.astimezone(zone).isocalendar()
        out.append((m.reason or "(none)", f"{year}-W{week:02d}", m.lead_id))
    return out


def reason_counts(rows) -> Counter:
    return Counter(reason for reason, _, _ in rows)


def leaked(conn, since, until, now, after: timedelta) -> tuple[set[int], set[int]]:
    """(the period's MQLs handed to Sales longer than ``after`` ago, those of them still MQL
    with an owner and no outbound touch since the hand-off) — from the moves and activities."""
    moves = defaultdict(list)
    for r in conn.execute(select(status_changes)):
        moves[r.lead_id].append(r)
    touches = defaultdict(list)
    for a in conn.execute(select(activities)):
        if a.lead_id is not None and a.direction != "inbound":
            touches[a.lead_id].append(a.occurred_at)
    eligible, leaking = set(), set()
    for lead in conn.execute(select(leads)):
        into_mql = sorted(
            (m.changed_at for m in moves.get(lead.id, []) if m.to_status == "mql"),
        )
        if not into_mql or not since <= into_mql[-1] < until or lead.assigned_at is None:
            continue
        handed = max(into_mql[-1], lead.assigned_at)
        if handed > now - after:
            continue
        eligible.add(lead.id)
        worked = any(t >= handed for t in touches.get(lead.id, []))
        if lead.status == "mql" and lead.owner_id and not worked:
            leaking.add(lead.id)
    return eligible, leaking
