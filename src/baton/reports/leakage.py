"""Lead leakage (playbook 002): MQLs passed to Sales that nobody works.

Of the leads that became MQL in the period and were handed to Sales — assigned, and
qualified — longer than ``lifecycle.leakage_after`` ago (7 days by default) as of now,
a lead has leaked when it is still an MQL, has an owner, and has no activity since the
hand-off but replies from the lead (an outbound touch, or one without a direction,
counts as worked). The hand-off is the later of its MQL date and its assignment. Their
share of those MQLs over ``health.leakage_share`` (10 % by default) is a red flag, judged
from ``health.min_sample`` MQLs. Overall and by owner (whose lead it is,
``reports.stages``), team and source; the leaked leads themselves, longest waiting
first. The dashboard's twin (counts only) is ``reports.leakage_mirror``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from baton.reports.result import NOT_JSON, Result
from baton.reports.scope import (
    ReportScope,
    Sample,
    health_limits,
    lead_conditions,
    report_zone,
    share,
    teams_of_people,
)
from baton.reports.stages import NO_TEAM, NONE, UNASSIGNED, worked_by
from baton.services.live import live_workspace
from baton.store.tables import activities, leads
from baton.workspace.health_schema import DEFAULT_LIMITS, HealthLimits
from baton.workspace.lifecycle_compile import LifecycleConfig

DIMENSIONS = ("owner", "team", "source")
CHUNK = 5_000  # lead ids per IN (…) when looking for their touches


@dataclass(frozen=True)
class LeakGroup(Result):
    key: str
    mqls: int  # handed to Sales longer than leakage_after ago
    leaked: int
    share: float | None


@dataclass(frozen=True)
class LeakedLead(Result):
    lead_id: int
    owner_id: str
    source: str | None
    campaign: str | None
    lead_type: str | None
    mql_at: datetime
    handed_at: datetime
    waiting_seconds: float  # since the hand-off, as of now


@dataclass(frozen=True)
class LeakageReport(Result):
    since: datetime
    until: datetime
    timezone: str
    as_of: datetime
    filters: Mapping[str, str]
    leakage_after_seconds: float
    mqls: int
    leaked: int
    share: float | None
    flagged: bool  # over ``health.leakage_share``, on ``health.min_sample`` MQLs
    sample: Sample
    by_owner: tuple[LeakGroup, ...] = ()
    by_team: tuple[LeakGroup, ...] = ()
    by_source: tuple[LeakGroup, ...] = ()
    leads: tuple[LeakedLead, ...] = ()  # longest waiting first
    limits: HealthLimits = field(default=DEFAULT_LIMITS, metadata=NOT_JSON)

    def by(self, dimension: str) -> tuple[LeakGroup, ...]:
        return getattr(self, f"by_{dimension}")


def leakage_after(conn: Connection) -> timedelta:
    """The live workspace's ``lifecycle.leakage_after`` (7 days by default)."""
    live = live_workspace(conn)
    return (live.lifecycle if live is not None else LifecycleConfig()).leakage_after


def leakage_report(
    conn: Connection, scope: ReportScope, now: datetime, limit: int | None = 100
) -> LeakageReport:
    """Leakage among ``scope``'s MQLs as of ``now``, with at most ``limit`` leaked leads listed
    (None: all)."""
    after = leakage_after(conn)
    team_of = teams_of_people(conn)
    query = select(
        leads.c.id,
        leads.c.status,
        leads.c.owner_id,
        leads.c.source,
        leads.c.campaign,
        leads.c.lead_type,
        leads.c.mql_at,
        leads.c.assigned_at,
        worked_by().label("worked_by"),
    ).where(
        leads.c.mql_at >= scope.since,
        leads.c.mql_at < scope.until,
        leads.c.assigned_at.is_not(None),
        *lead_conditions(scope, owner_column=worked_by()),
    )
    eligible = []
    for row in conn.execute(query):
        handed = max(row.mql_at, row.assigned_at)
        if handed <= now - after:
            eligible.append((row, handed))
    candidates = {r.id: h for r, h in eligible if r.status == "mql" and r.owner_id}
    worked = _worked_since(conn, candidates)
    mqls: Counter[tuple[str, str]] = Counter()
    leaked: Counter[tuple[str, str]] = Counter()
    listed = []
    for row, handed in eligible:
        keys = (
            row.worked_by or UNASSIGNED,
            team_of.get(row.worked_by) or NO_TEAM,
            row.source or NONE,
        )
        groups = [("all", "all"), *zip(DIMENSIONS, keys, strict=True)]
        mqls.update(groups)
        if row.id in candidates and row.id not in worked:
            leaked.update(groups)
            waiting = (now - handed).total_seconds()
            listed.append(
                LeakedLead(
                    row.id,
                    row.owner_id,
                    row.source,
                    row.campaign,
                    row.lead_type,
                    row.mql_at,
                    handed,
                    waiting,
                )
            )
    listed.sort(key=lambda lead: (-lead.waiting_seconds, lead.lead_id))
    report = assemble(conn, scope, now, after, mqls, leaked)
    return replace(report, leads=tuple(listed[:limit] if limit is not None else listed))


def _worked_since(conn: Connection, handed: Mapping[int, datetime]) -> set[int]:
    """The leads of ``handed`` with a touch (not a reply from the lead) since their hand-off."""
    ids = sorted(handed)
    out = set()
    for k in range(0, len(ids), CHUNK):
        query = (
            select(activities.c.lead_id, func.max(activities.c.occurred_at))
            .where(
                activities.c.lead_id.in_(ids[k : k + CHUNK]),
                func.coalesce(activities.c.direction, "outbound") != "inbound",
            )
            .group_by(activities.c.lead_id)
        )
        out |= {lead_id for lead_id, last in conn.execute(query) if last >= handed[lead_id]}
    return out


def assemble(
    conn: Connection,
    scope: ReportScope,
    now: datetime,
    after: timedelta,
    mqls: Mapping[tuple[str, str], int],
    leaked: Mapping[tuple[str, str], int],
) -> LeakageReport:
    """The report from the MQLs and leaked leads per (dimension, key) ("all": overall)."""
    limits = health_limits(conn)
    total, lost = mqls.get(("all", "all"), 0), leaked.get(("all", "all"), 0)
    sample = Sample(total, limits.min_sample, unit="MQLs")
    rate = share(lost, total)
    groups = {
        d: sorted(
            (
                LeakGroup(key, n, leaked.get((d, key), 0), share(leaked.get((d, key), 0), n))
                for (dimension, key), n in mqls.items()
                if dimension == d
            ),
            key=lambda g: (-g.leaked, -g.mqls, g.key),
        )
        for d in DIMENSIONS
    }
    return LeakageReport(
        scope.since,
        scope.until,
        report_zone(conn, scope).key,
        now,
        scope.filters(),
        after.total_seconds(),
        total,
        lost,
        rate,
        sample.enough and total > 0 and lost / total > limits.leakage_share,
        sample,
        *(tuple(groups[d]) for d in DIMENSIONS),
        limits=limits,
    )
