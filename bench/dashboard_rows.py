"""Rows for the dashboard bench (see ``dashboard_data.py``): people and teams, and per lead
the lead, its routing decision, activities, SLA charge (verdict as of ``now``) and timers."""

from __future__ import annotations

import math
import random
from bisect import bisect
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import func, insert, select

from baton.domain.sla import ClockInput, VerdictState, schedule, verdict
from baton.store.tables import (
    activities,
    leads,
    misroutes,
    out_of_office,
    people,
    routing_decisions,
    sla_clocks,
    teams,
    timers,
)

SEED = 20261122
RULES = {
    "demo-request": "hand-raiser",
    "contact-sales": "hand-raiser",
    "free-trial": "hand-raiser",
    "content": "content",
    "webinar": "event",
    "event": "event",
}
HUMAN_DELAY = {
    "hand-raiser": (25 * 60, 1.4, 0.88),
    "content": (3 * 3600, 1.3, 0.78),
    "event": (6 * 3600, 1.2, 0.75),
}  # median s, sigma, touched
REGIONS = {
    "NA": ("americas", "America/New_York", -5),
    "EMEA": ("emea", "Europe/Berlin", 1),
    "APAC": ("apac", "Australia/Sydney", 10),
}
HOURS = [0.2] * 7 + [
    1,
    3,
    5,
    6,
    5,
    4,
    5,
    6,
    5,
    4,
    3,
    1.5,
    1,
    0.6,
    0.4,
    0.3,
    0.2,
]  # arrivals by local hour
EXCLUDED = "status in ['disqualified', 'recycled']"
NODE_KINDS = {
    "territory main": "territory",
    "match_account": "match_account",
    "fallback": "fallback",
    "partner referral? / assign": "assign",
}
STAMPS = ("mql_at", "sal_at", "sql_at", "recycled_at", "disqualified_at", "converted_at")


def demo_templates(conn) -> dict[str, Any]:
    """What the generated rows copy from the demo: lead fields, traces by node, the next free
    ids."""
    fields = (
        "first_name",
        "last_name",
        "company",
        "email_domain",
        "website",
        "phone",
        "title",
        "source",
        "campaign",
        "lead_type",
        "country",
        "state",
        "region",
        "industry",
        "employees",
        "segment",
        "product",
        "score",
    )
    sample = [
        dict(r._mapping)
        for r in conn.execute(
            select(*(leads.c[f] for f in fields)).where(leads.c.is_test.is_(False))
        )
    ]
    steps: dict[str, list] = {}
    for r in conn.execute(select(routing_decisions.c.node, routing_decisions.c.steps).limit(3000)):
        steps.setdefault(r.node, []).append(r.steps)
    max_id = {
        t: conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()
        for t in (leads, activities, routing_decisions, sla_clocks, timers, misroutes)
    }
    return {"leads": sample, "steps": steps, "max_id": max_id}


def people_and_teams(conn, rnd: random.Random, now: datetime) -> dict[str, Any]:
    """Twenty teams of 10–20 people: SDR and AE teams per region; pools are 'team:ID'
    (territory rows)."""
    first = [
        "Alex",
        "Sam",
        "Jo",
        "Robin",
        "Kim",
        "Lee",
        "Max",
        "Noa",
        "Ira",
        "Ari",
        "Eli",
        "Sky",
        "Rae",
        "Kai",
        "Liv",
        "Tom",
        "Ana",
        "Ben",
    ]
    last = [
        "Smith",
        "Garcia",
        "Müller",
        "Rossi",
        "Tanaka",
        "Nguyen",
        "Okoye",
        "Silva",
        "Kowalski",
        "Dubois",
        "Jensen",
        "Patel",
        "Cohen",
    ]
    teams_by: dict[tuple[str, str], list[str]] = {}
    members: dict[str, list[str]] = {}
    person_rows, team_rows, n = [], [], 0
    for region, (calendar, zone, _) in REGIONS.items():
        for function, how_many in (
            ("sdr", 4 if region == "NA" else 3),
            ("ae", 3 if region == "NA" else 2),
        ):
            for k in range(how_many):
                team_id, manager = (
                    f"{function}-{region.lower()}-{k + 1}",
                    f"mgr-{function}-{region.lower()}-{k + 1}",
                )
                team_rows.append(
                    {
                        "id": team_id,
                        "name": f"{function.upper()} {region} {k + 1}",
                        "manager_id": manager,
                        "calendar": calendar,
                        "updated_at": now,
                    }
                )
                person_rows.append(
                    _person(
                        manager,
                        f"{rnd.choice(first)} {rnd.choice(last)}",
                        "manager",
                        None,
                        team_id,
                        zone,
                        calendar,
                        now,
                    )
                )
                ids = []
                for _ in range(rnd.randint(10, 20)):
                    n += 1
                    pid = f"rep-{n:03d}"
                    person_rows.append(
                        _person(
                            pid,
                            f"{rnd.choice(first)} {rnd.choice(last)}",
                            function,
                            manager,
                            team_id,
                            zone,
                            calendar,
                            now,
                            active=rnd.random() > 0.06,
                            cap=(150, 30) if function == "sdr" else (60, 12),
                        )
                    )
                    ids.append(pid)
                teams_by.setdefault((region, function), []).append(team_id)
                members[team_id] = ids
    conn.execute(insert(teams), team_rows)
    conn.execute(insert(people), person_rows)
    away = [
        {
            "person_id": p["id"],
            "starts_at": now - timedelta(days=rnd.randint(0, 5)),
            "ends_at": now + timedelta(days=rnd.randint(1, 10)),
            "reason": "PTO",
            "created_at": now - timedelta(days=20),
        }
        for p in rnd.sample(person_rows, 12)
    ]
    conn.execute(insert(out_of_office), away)
    busy = {
        t: list(accumulate(rnd.paretovariate(2.5) for _ in ids)) for t, ids in members.items()
    }  # some reps get more
    calendar_of = {p["id"]: p["calendar"] for p in person_rows}
    return {"teams": teams_by, "members": members, "busy": busy, "calendar": calendar_of}


def _person(
    pid, name, role, manager, team, zone, calendar, now, *, active=True, cap=(None, None)
) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "email": f"{pid}@northwind.example",
        "slack_id": None,
        "role": role,
        "manager_id": manager,
        "team_id": team,
        "timezone": zone,
        "calendar": calendar,
        "active": active,
        "max_open": cap[0],
        "max_per_day": cap[1],
        "managed_by": "api",
        "created_at": now - timedelta(days=400),
        "updated_at": now,
    }


def arrivals(rnd: random.Random, count: int, now: datetime) -> list[tuple[datetime, str]]:
    """(received_at, region) for ``count`` leads over the 365 days before ``now``, oldest first."""
    start = now - timedelta(days=365)
    days = [
        (1 + 0.4 * d / 365) * (0.25 if (start + timedelta(days=d)).weekday() >= 5 else 1.0)
        for d in range(365)
    ]
    day_cum, hour_cum = list(accumulate(days)), list(accumulate(HOURS))
    out = []
    for _ in range(count):
        region = rnd.choices(("NA", "EMEA", "APAC"), (0.55, 0.3, 0.15))[0]
        day = bisect(day_cum, rnd.random() * day_cum[-1])
        hour = bisect(hour_cum, rnd.random() * hour_cum[-1]) - REGIONS[region][2]
        at = start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
            days=day, hours=hour, seconds=rnd.randrange(3600)
        )
        out.append((min(max(at, start), now - timedelta(seconds=1)), region))
    out.sort()
    return out


def add_lead(
    rows, ids, rnd: random.Random, demo, staff, live, received: datetime, region: str, now: datetime
) -> None:
    t = rnd.choice(demo["leads"])
    ids[leads] += 1
    lead_id = ids[leads]
    rule_name = RULES.get(t["lead_type"])
    team, owner, node, queue, pool = _route(rnd, staff, t, region)
    assigned = received + timedelta(seconds=rnd.lognormvariate(math.log(4), 1.0)) if owner else None
    touch = None
    if owner:
        median, sigma, touched = HUMAN_DELAY.get(rule_name or "content")
        if rnd.random() < touched:
            touch = assigned + timedelta(seconds=rnd.lognormvariate(math.log(median), sigma))
            touch = touch if touch < now else None
    status, stamps = _status(rnd, received, touch, now)
    lead = {
        **t,
        "id": lead_id,
        "email": (
            f"{(t['first_name'] or 'x').lower()}.{lead_id}@{t['email_domain'] or 'example.com'}"
        ),
        "campaign": f"{t['campaign']} {received:%Y-%m}" if t["campaign"] else None,
        "region": region,
        "status": status,
        "is_test": False,
        "owner_id": owner,
        "queue": queue,
        "override_owner": False,
        "engaged_at": received,
        "received_at": received,
        "assigned_at": assigned,
        "notified_at": assigned + timedelta(seconds=2) if assigned else None,
        "first_touch_at": touch,
        **dict.fromkeys(STAMPS),
        **stamps,
        "external_id": f"B-{lead_id}",
        "source_system": "bench",
        "extra": {},
        "created_at": received,
        "updated_at": touch or assigned or received,
    }
    rows[leads].append(lead)
    _decision(rows, ids, rnd, demo, lead_id, team, owner, node, queue, pool, received)
    if owner:
        _activities(rows, ids, rnd, lead_id, owner, touch, now)
        if rule_name:
            _clock(
                rows,
                ids,
                live,
                staff,
                lead_id,
                rule_name,
                owner,
                assigned,
                touch,
                status,
                stamps,
                now,
            )


def _route(rnd, staff, t, region):
    """(team, owner, node, queue, pool) as the demo flow would decide it."""
    r = rnd.random()
    if t["source"] == "partner" and (t["employees"] or 0) < 1000 and r < 0.6:
        return None, None, "partner referral? / assign", "partner-desk", None
    if r < 0.03:
        return None, None, "fallback", "inbound-triage", None
    function = "ae" if t["segment"] == "Enterprise" else "sdr"
    team = rnd.choice(staff["teams"][(region, function)])
    members, busy = staff["members"][team], staff["busy"][team]
    owner = members[bisect(busy, rnd.random() * busy[-1])]
    node = "match_account" if r < 0.10 else "territory main"
    return team, owner, node, None, f"team:{team}" if node == "territory main" else None


def _status(
    rnd, received: datetime, touch: datetime | None, now: datetime
) -> tuple[str, dict[str, Any]]:
    age_days = (now - received).days
    if age_days < 3:
        return ("new" if touch is None or rnd.random() < 0.7 else "mql"), {}
    r = rnd.random()

    def later(days: float) -> datetime:
        return min(received + timedelta(days=days * rnd.random() + 1), now)

    if touch is None:
        return (
            ("disqualified", {"disqualified_at": later(20)})
            if r < 0.5
            else ("recycled", {"recycled_at": later(40)})
            if r < 0.85
            else ("new", {})
        )
    if r < 0.15:
        return "new", {}
    if r < 0.30:
        return "mql", {"mql_at": later(3)}
    if r < 0.38:
        return "sal", {"mql_at": later(3), "sal_at": later(6)}
    if r < 0.55:
        return "sql", {"mql_at": later(3), "sal_at": later(6), "sql_at": later(12)}
    if r < 0.62 and age_days > 45:
        return "converted", {
            "mql_at": later(3),
            "sal_at": later(6),
            "sql_at": later(12),
            "converted_at": later(40),
        }
    return (
        ("recycled", {"recycled_at": later(60)})
        if r < 0.82
        else ("disqualified", {"disqualified_at": later(30)})
    )


def _decision(rows, ids, rnd, demo, lead_id, team, owner, node, queue, pool, at) -> None:
    ids[routing_decisions] += 1
    steps = rnd.choice(demo["steps"].get(node) or demo["steps"]["territory main"])
    rows[routing_decisions].append(
        {
            "id": ids[routing_decisions],
            "lead_id": lead_id,
            "account_id": None,
            "version": 1,
            "trigger": "lead.created",
            "flow": "inbound",
            "owner_id": owner,
            "queue": queue,
            "team_id": team,
            "pool_id": pool,
            "node": node,
            "node_kind": NODE_KINDS[node],
            "via_fallback": node == "fallback",
            "matched_account_id": None,
            "steps": steps,
            "decided_at": at,
            "actor": "intake",
        }
    )
    if owner and rnd.random() < 0.001:
        ids[misroutes] += 1
        rows[misroutes].append(
            {
                "id": ids[misroutes],
                "lead_id": lead_id,
                "decision_id": ids[routing_decisions],
                "reported_by": "web:admin",
                "reason": "wrong territory: the account is in another region",
                "expected_owner": None,
                "created_at": at + timedelta(days=1),
            }
        )


def _activities(rows, ids, rnd, lead_id, owner, touch, now) -> None:
    moments = []
    if touch is not None:
        moments.append(
            (touch, rnd.choices(("call", "email", "meeting"), (0.5, 0.42, 0.08))[0], "outbound")
        )
        at = touch
        while rnd.random() < 0.45:
            at += timedelta(hours=rnd.lognormvariate(math.log(30), 1.0))
            if at >= now:
                break
            moments.append(
                (at, rnd.choice(("call", "email", "linkedin")), "outbound")
                if rnd.random() < 0.85
                else (at, "email", "inbound")
            )
    for at, kind, direction in moments:
        ids[activities] += 1
        rows[activities].append(
            {
                "id": ids[activities],
                "kind": kind,
                "person_id": owner,
                "occurred_at": at,
                "lead_id": lead_id,
                "direction": direction,
                "subject": {
                    "call": "Intro call",
                    "email": "Following up",
                    "meeting": "Discovery",
                    "linkedin": "Connection request",
                }[kind],
                "external_id": f"BA-{ids[activities]}",
                "source_system": "bench",
                "extra": {},
                "created_at": at,
                "updated_at": at,
            }
        )


def _clock(
    rows, ids, live, staff, lead_id, rule_name, owner, started, touch, status, stamps, now
) -> None:
    rule = live.rule(rule_name)
    calendar_name = staff["calendar"].get(owner, "americas")
    calendar = live.calendars[calendar_name]
    excluded = EXCLUDED if status in ("disqualified", "recycled") else None
    clock = ClockInput(started, owner, (), touch, excluded)
    v = verdict(rule.policy, calendar, clock, now)
    closed = (
        touch
        if v.state in (VerdictState.HIT, VerdictState.MISS) and touch
        else stamps.get("disqualified_at") or stamps.get("recycled_at")
    )
    ids[sla_clocks] += 1
    rows[sla_clocks].append(
        {
            "id": ids[sla_clocks],
            "lead_id": lead_id,
            "rule": rule_name,
            "version": 1,
            "owner_id": owner,
            "calendar": calendar_name,
            "started_at": started,
            "elapsed_before_seconds": 0.0,
            "pauses": [],
            "stopped_at": touch,
            "stopped_by": "first_touch" if touch else None,
            "excluded_reason": excluded,
            "state": v.state.value,
            "due_at": v.due_at,
            "response_business_seconds": v.response_business.total_seconds()
            if v.response_business is not None
            else None,
            "miss_business_seconds": v.miss_duration.total_seconds()
            if v.miss_duration is not None
            else None,
            "closed_at": closed,
            "created_at": started,
            "updated_at": closed or started,
        }
    )
    if v.state is VerdictState.PENDING:
        for d in schedule(rule.policy, calendar, clock):
            ids[timers] += 1
            rows[timers].append(
                {
                    "id": ids[timers],
                    "clock_id": ids[sla_clocks],
                    "key": d.key,
                    "due_at": d.due_at,
                    "state": "pending" if d.due_at > now else "fired",
                    "fired_at": d.due_at if d.due_at <= now else None,
                }
            )
