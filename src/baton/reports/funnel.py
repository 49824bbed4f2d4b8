"""The handoff funnel (playbook 002): MQL → SAL → SQL → Opportunity → Won for the leads
that became MQL in a period — how many reached each stage, the conversion rate of each
step, and the median time of each step in wall-clock time and in business time of the
owner's calendar; overall and by source, campaign, lead type, owner, team and MQL week
(the cohort, ISO weeks of the report's zone). ``reports.stages`` says what each word means.

Streams the cohort's stamps once (its owners' calendars loaded once, the accounts'
wins once); the dashboard's twin is ``reports.funnel_mirror``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from baton.domain.lifecycle import LifecyclePolicy
from baton.domain.records import LeadStatus
from baton.reports.result import Result
from baton.reports.scope import (
    ReportScope,
    day_and_week,
    lead_conditions,
    report_zone,
    share,
    teams_of_people,
)
from baton.reports.stages import (
    NO_TEAM,
    NONE,
    RATES,
    STAGE_NAMES,
    STAGES,
    STEPS,
    UNASSIGNED,
    median_of,
    reached,
    step_ends,
    won_times,
    worked_by,
)
from baton.services.live import live_workspace
from baton.services.sla.calendars import OwnerCalendars
from baton.store.tables import leads

DIMENSIONS = ("source", "campaign", "lead_type", "owner", "team", "week")
Times = Mapping[str, Mapping[str, Mapping[str, Any]]]  # step → wall | business → summary
_BATCH = 10_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FunnelGroup(Result):
    """One group of the cohort: leads per stage, each step's rate (``rates``: a stage over the
    one before it, and ``mql_to_won``) and median time (``times``: wall and business)."""

    key: str
    mql: int
    sal: int
    sql: int
    opportunity: int
    won: int
    rates: Mapping[str, float | None]
    times: Times

    def count(self, stage: str) -> int:
        return getattr(self, stage)


@dataclass(frozen=True)
class FunnelReport(Result):
    """Leads that became MQL in ``[since, until)``; ``names``: each stage as the team calls it."""

    since: datetime
    until: datetime
    timezone: str
    filters: Mapping[str, str]
    names: Mapping[str, str]
    overall: FunnelGroup
    by_source: tuple[FunnelGroup, ...] = ()
    by_campaign: tuple[FunnelGroup, ...] = ()
    by_lead_type: tuple[FunnelGroup, ...] = ()
    by_owner: tuple[FunnelGroup, ...] = ()
    by_team: tuple[FunnelGroup, ...] = ()
    by_week: tuple[FunnelGroup, ...] = ()

    def by(self, dimension: str) -> tuple[FunnelGroup, ...]:
        return getattr(self, f"by_{dimension}")

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        overall = out.pop("overall")
        overall.pop("key")
        head = {k: out.pop(k) for k in ("since", "until", "timezone", "filters", "names")}
        return head | overall | out


def funnel_report(conn: Connection, scope: ReportScope) -> FunnelReport:
    """The cohort of ``scope``'s period (leads whose ``mql_at`` is in it) matching its filters
    (owner and team: whose lead it is, ``reports.stages``)."""
    zone = report_zone(conn, scope)
    week_of = day_and_week(zone)
    calendar_of = OwnerCalendars.load(conn).calendar
    team_of = teams_of_people(conn)
    wins = won_times(conn)
    owner = worked_by().label("worked_by")
    query = select(
        leads.c.mql_at,
        leads.c.sal_at,
        leads.c.sql_at,
        leads.c.converted_at,
        leads.c.account_id,
        leads.c.source,
        leads.c.campaign,
        leads.c.lead_type,
        owner,
    ).where(
        leads.c.mql_at >= scope.since,
        leads.c.mql_at < scope.until,
        *lead_conditions(scope, owner_column=worked_by()),
    )
    groups = _Groups()
    for row in conn.execute(query.execution_options(yield_per=_BATCH)):
        won = _won_at(wins.get(row.account_id), row.converted_at)
        dates = (row.mql_at, row.sal_at, row.sql_at, row.converted_at, won)
        calendar = calendar_of(row.worked_by)
        steps = []
        for ends in step_ends(dates):
            start, end = (None, None) if ends is None else (_us(ends[0]), _us(ends[1]))
            steps.append(None if start is None else (end - start, calendar.between_us(start, end)))
        keys = (
            row.source or NONE,
            row.campaign or NONE,
            row.lead_type or NONE,
            row.worked_by or UNASSIGNED,
            team_of.get(row.worked_by) or NO_TEAM,
            week_of(row.mql_at)[1],
        )
        groups.add(keys, reached(dates), steps)
    return assemble(scope, zone.key, stage_names(conn), groups.build())


def stage_names(conn: Connection) -> dict[str, str]:
    """The stages as the live workspace names them (``lifecycle.names``)."""
    live = live_workspace(conn)
    policy = live.lifecycle.policy if live is not None else LifecyclePolicy()
    names = {s: policy.name(LeadStatus(s)) for s in ("mql", "sal", "sql")}
    return names | STAGE_NAMES


def assemble(
    scope: ReportScope,
    zone: str,
    names: Mapping[str, str],
    groups: Mapping[str, Sequence[FunnelGroup]],
) -> FunnelReport:
    """The report from its groups per dimension ("all": the overall one, maybe absent)."""
    overall = groups["all"][0] if groups.get("all") else funnel_group("all", (0,) * 5, {})
    return FunnelReport(
        scope.since,
        scope.until,
        zone,
        scope.filters(),
        dict(names),
        overall,
        *(sort_groups(d, groups.get(d, ())) for d in DIMENSIONS),
    )


def funnel_group(key: str, counts: Sequence[int], times: Mapping[str, Any]) -> FunnelGroup:
    """A group from its count per stage and its step summaries (absent: none measured)."""
    by_stage = dict(zip(STAGES, counts, strict=True))
    pairs = [(b, a) for a, b in zip(STAGES, STAGES[1:], strict=False)] + [("won", "mql")]
    rates = {
        name: share(by_stage[top], by_stage[bottom])
        for name, (top, bottom) in zip(RATES, pairs, strict=True)
    }
    none = {"count": 0, "median_seconds": None}
    filled = {
        step: {kind: times.get(step, {}).get(kind, none) for kind in ("wall", "business")}
        for step in STEPS
    }
    return FunnelGroup(key, *counts, rates, filled)


def sort_groups(dimension: str, rows: Sequence[FunnelGroup]) -> tuple[FunnelGroup, ...]:
    """Weeks in order; the other groups by MQLs, most first."""
    if dimension == "week":
        return tuple(sorted(rows, key=lambda g: g.key))
    return tuple(sorted(rows, key=lambda g: (-g.mql, g.key)))


def _won_at(times: list[datetime] | None, converted_at: datetime | None) -> datetime | None:
    """The first win of the account on or after the conversion."""
    if not times or converted_at is None:
        return None
    i = bisect_left(times, converted_at)
    return times[i] if i < len(times) else None


def _us(t: datetime) -> int:
    """Microseconds since 1970 UTC, exactly."""
    return (t - EPOCH) // timedelta(microseconds=1)


class _Groups:
    """Per dimension and key: leads per stage, and each step's durations (µs) to sort once."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(STAGES))
        self.values: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)

    def add(
        self,
        keys: Sequence[str],
        stages: Sequence[bool],
        steps: Sequence[tuple[int, int] | None],
    ) -> None:
        for group in (("all", "all"), *zip(DIMENSIONS, keys, strict=True)):
            counts = self.counts[group]
            for i, hit in enumerate(stages):
                counts[i] += hit
            for step, measured in zip(STEPS, steps, strict=True):
                if measured is not None:
                    self.values[(*group, step, "wall")].append(measured[0])
                    self.values[(*group, step, "business")].append(measured[1])

    def build(self) -> dict[str, list[FunnelGroup]]:
        times: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
        for (dimension, key, step, kind), values in self.values.items():
            times[(dimension, key)].setdefault(step, {})[kind] = median_of(sorted(values))
        out: dict[str, list[FunnelGroup]] = defaultdict(list)
        for (dimension, key), counts in self.counts.items():
            out[dimension].append(funnel_group(key, counts, times.get((dimension, key), {})))
        return out
