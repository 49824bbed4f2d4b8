"""The SLA report: per owner charge (one ``sla_clocks`` row), hit / miss and compliance
by rule, owner, team and ISO week of the clock's start, response times and miss
durations in business time, and the clocks still open. Excluded and released charges
are counted apart and never enter compliance: a released charge (the lead was taken
away in time) is nobody's miss.

``response_bands`` is the playbook's response-time distribution: a hit that used
less than 80 % of its rule's threshold is "under", one that used 80 % or more
"approaching", a miss "breached" (pending charges have no response time yet).

``open_clocks`` lists the clocks nearest to breach for ``baton sla status``: missed
and still untouched first (overdue, longest first), then pending by deadline.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from baton.domain.sla import verdict
from baton.reports.scope import (
    ReportScope,
    day_and_week,
    lead_conditions,
    report_zone,
    share,
    summary_seconds,
    teams_of_people,
)
from baton.services.live import LiveWorkspace, live_workspace
from baton.services.sla.calendars import ALWAYS_OPEN, calendar_of
from baton.services.sla.clocks import OPEN, clock_input
from baton.store.tables import leads, people, sla_clocks

STATES = ("hit", "miss", "pending", "excluded", "released")
DIMENSIONS = ("rule", "lead_type", "owner", "team", "week")
BANDS = ("under", "approaching", "breached")
APPROACHING = 0.8  # share of the threshold used from which a response was "approaching" the breach


@dataclass
class _Tally:
    states: Counter = field(default_factory=Counter)
    open: int = 0  # still running: pending, or missed and still untouched (escalations running)
    overdue: int = (
        0  # open and past the deadline, whether or not the worker has recorded the miss yet
    )
    responses: list[timedelta] = field(default_factory=list)
    misses: list[timedelta] = field(default_factory=list)
    bands: Counter = field(default_factory=Counter)

    def add(
        self,
        state: str,
        response: timedelta | None,
        miss: timedelta | None,
        is_open: bool,
        overdue: bool,
        band: str | None,
    ) -> None:
        self.states[state] += 1
        if band is not None:
            self.bands[band] += 1
        self.open += is_open
        self.overdue += overdue
        if response is not None:
            self.responses.append(response)
        if miss is not None:
            self.misses.append(miss)

    def as_dict(self) -> dict[str, Any]:
        return counts_row(self.states, self.open, self.overdue, self.bands) | {
            "response_business": summary_seconds(self.responses),
            "miss_business": summary_seconds(self.misses),
        }


def counts_row(
    states: Mapping[str, int], open_clocks: int, overdue: int, bands: Mapping[str, int]
) -> dict[str, Any]:
    """A group's counts: charges per state, open, overdue, compliance = hit / (hit + miss), response bands."""
    hit, miss = states.get("hit", 0), states.get("miss", 0)
    return {
        "clocks": sum(states.values()),
        **{s: states.get(s, 0) for s in STATES},
        "open": open_clocks,
        "overdue": overdue,
        "compliance": share(hit, hit + miss),
        "response_bands": {b: bands.get(b, 0) for b in BANDS},
    }


def sla_report(conn: Connection, scope: ReportScope, now: datetime) -> dict[str, Any]:
    """Charges whose clock started in ``[scope.since, scope.until)``; owner and team filters are the charged owner's."""
    c = sla_clocks.c
    labels = day_and_week(report_zone(conn, scope))
    team_of = teams_of_people(conn)
    live = live_workspace(conn)
    threshold = threshold_seconds(conn)
    query = (
        select(
            c.rule,
            c.version,
            c.owner_id,
            c.state,
            c.started_at,
            c.due_at,
            c.stopped_at,
            c.closed_at,
            c.calendar,
            c.pauses,
            c.excluded_reason,
            c.elapsed_before_seconds,
            c.response_business_seconds,
            c.miss_business_seconds,
            leads.c.lead_type,
        )
        .join(leads, leads.c.id == c.lead_id)
        .where(
            c.started_at >= scope.since,
            c.started_at < scope.until,
            *lead_conditions(scope, c.owner_id),
        )
    )
    overall, groups = _Tally(), {d: defaultdict(_Tally) for d in DIMENSIONS}
    for row in conn.execute(query.execution_options(yield_per=10_000)):
        untouched_miss = row.state == "miss" and row.stopped_at is None and row.closed_at is None
        is_open = row.state == "pending" or untouched_miss
        overdue = is_open and row.due_at is not None and row.due_at <= now
        response = _seconds(row.response_business_seconds) if row.state in ("hit", "miss") else None
        miss = (
            _miss_so_far(live, row, now)
            if untouched_miss
            else _seconds(row.miss_business_seconds)
            if row.state == "miss"
            else None
        )
        band = _band(row, threshold(row.version, row.rule))
        keys = (
            row.rule,
            row.lead_type or "(none)",
            row.owner_id,
            team_of.get(row.owner_id) or "(none)",
            labels(row.started_at)[1],
        )
        for tally in (overall, *(groups[d][k] for d, k in zip(DIMENSIONS, keys))):
            tally.add(row.state, response, miss, is_open, overdue, band)
    return {
        "since": scope.since,
        "until": scope.until,
        "now": now,
        "filters": scope.filters(),
        **overall.as_dict(),
        **{
            f"by_{d}": sort_rows([{"key": k, **t.as_dict()} for k, t in groups[d].items()], d)
            for d in DIMENSIONS
        },
    }


def _seconds(value: float | None) -> timedelta | None:
    return timedelta(seconds=value) if value is not None else None


def threshold_seconds(conn: Connection) -> Callable[[int, str], float | None]:
    """The threshold (business seconds) of a rule in the version a clock was started under, looked up once per pair."""
    cache: dict[tuple[int, str], float | None] = {}

    def of(version: int, rule_name: str) -> float | None:
        if (version, rule_name) not in cache:
            live = live_workspace(conn, version)
            rule = live.rule(rule_name) if live else None
            cache[(version, rule_name)] = rule.policy.threshold.total_seconds() if rule else None
        return cache[(version, rule_name)]

    return of


def _band(row: Any, threshold: float | None) -> str | None:
    if row.state == "miss":
        return "breached"
    if row.state != "hit" or row.response_business_seconds is None or threshold is None:
        return None
    return "approaching" if row.response_business_seconds >= APPROACHING * threshold else "under"


def _miss_so_far(live: LiveWorkspace | None, row: Any, now: datetime) -> timedelta | None:
    """An untouched miss keeps growing: its business time past the threshold as of ``now``."""
    rule = live.rule(row.rule) if live else None
    if rule is None:
        return _seconds(row.miss_business_seconds)
    return verdict(
        rule.policy, calendar_of(live, row.calendar), clock_input(row), now
    ).miss_duration


def sort_rows(rows: list[dict[str, Any]], dimension: str) -> list[dict[str, Any]]:
    """Weeks in time order; the other groups most charges first."""
    return sorted(
        rows,
        key=(lambda r: r["key"]) if dimension == "week" else (lambda r: (-r["clocks"], r["key"])),
    )


def open_clocks(
    conn: Connection,
    now: datetime,
    limit: int = 20,
    *,
    owner: str | None = None,
    team: str | None = None,
    lead_ids: Any = None,
    due_after: datetime | None = None,
) -> list[dict[str, Any]]:
    """Open clocks by deadline: overdue (missed, still untouched) first, then pending; paused ones have no deadline and are left out.

    ``lead_ids``: a SELECT of the only lead ids to list (see ``ReportScope.lead_ids``); ``due_after``: only
    the clocks due after that instant (``now``: the next deadlines, none overdue). ``used`` is the share of
    the rule's threshold spent so far (1.0 or more when overdue; None when the rule is gone).
    """
    c = sla_clocks.c
    rows = []
    for state in (
        OPEN if due_after is None else ("pending",)
    ):  # one state at a time: each is one ordered walk of (state, due_at)
        query = (
            select(
                c.id,
                c.lead_id,
                c.rule,
                c.version,
                c.owner_id,
                c.calendar,
                c.due_at,
                c.state,
                c.started_at,
                people.c.name.label("owner_name"),
                leads.c.first_name,
                leads.c.last_name,
                leads.c.email,
                leads.c.company,
                leads.c.lead_type,
            )
            .join(leads, leads.c.id == c.lead_id)
            .outerjoin(people, people.c.id == c.owner_id)
            .where(
                c.state == state,
                c.stopped_at.is_(None),
                c.closed_at.is_(None),
                c.due_at.is_not(None),
            )
            .order_by(c.due_at, c.id)
            .limit(limit)
        )
        if owner is not None:
            query = query.where(c.owner_id == owner)
        if team is not None:
            query = query.where(c.owner_id.in_(select(people.c.id).where(people.c.team_id == team)))
        if lead_ids is not None:
            query = query.where(c.lead_id.in_(lead_ids))
        if due_after is not None:
            query = query.where(c.due_at > due_after)
        rows += conn.execute(query).all()
    live = live_workspace(conn)
    threshold = threshold_seconds(conn)
    out = []
    for r in sorted(rows, key=lambda r: (r.due_at, r.id))[:limit]:
        calendar = calendar_of(live, r.calendar) if live else ALWAYS_OPEN
        name = (
            " ".join(p for p in (r.first_name, r.last_name) if p) or r.email or f"lead {r.lead_id}"
        )
        left = calendar.between(now, r.due_at).total_seconds()
        full = threshold(r.version, r.rule)
        out.append(
            {
                "lead_id": r.lead_id,
                "lead": name,
                "company": r.company,
                "lead_type": r.lead_type,
                "rule": r.rule,
                "owner_id": r.owner_id,
                "owner_name": r.owner_name or r.owner_id,
                "started_at": r.started_at,
                "due_at": r.due_at,
                "state": "overdue" if r.state == "miss" or r.due_at <= now else "pending",
                "time_left_business_seconds": left,
                "time_left_seconds": (r.due_at - now).total_seconds(),
                "used": round(1 - left / full, 4) if full else None,
            }
        )
    return out
