"""The feedback loop to Marketing (playbook 002): why Sales rejected leads — each reason's
volume and share of the period's rejections, week by week — and how Marketing's MQLs
fare: the acceptance rate (SAL ÷ MQL) and the SQL rate (SQL ÷ MQL) overall, by source
and by campaign.

A rejection is a move to Recycled or Disqualified in the period (recycling's own "no
response" included), for the owner the lead had then; acceptance and SQL rates are the
funnel's (``reports.funnel``: the leads that became MQL in the period). One reason over
``health.rejection_reason_share`` of the rejections (40 % by default) is a red flag, judged
from ``health.min_sample`` rejections. The dashboard's twin is ``reports.feedback_mirror``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from baton.reports.funnel import FunnelGroup, FunnelReport, funnel_report
from baton.reports.result import NOT_JSON, Result
from baton.reports.scope import (
    ReportScope,
    Sample,
    day_and_week,
    health_limits,
    lead_conditions,
    report_zone,
    share,
)
from baton.reports.stages import NO_REASON, REJECTIONS
from baton.store.tables import leads, status_changes
from baton.workspace.health_schema import DEFAULT_LIMITS, HealthLimits


@dataclass(frozen=True)
class ReasonShare(Result):
    reason: str
    rejections: int
    share: float | None  # of the period's rejections
    flagged: bool  # over ``health.rejection_reason_share``, on ``health.min_sample`` rejections


@dataclass(frozen=True)
class WeekReasons(Result):
    week: str  # ISO week of the report's zone, e.g. 2026-W45
    rejections: int
    reasons: Mapping[str, int]


@dataclass(frozen=True)
class Acceptance(Result):
    key: str
    mql: int
    sal: int
    sql: int
    acceptance_rate: float | None  # SAL ÷ MQL
    sql_rate: float | None  # SQL ÷ MQL


@dataclass(frozen=True)
class FeedbackReport(Result):
    since: datetime
    until: datetime
    timezone: str
    as_of: datetime
    filters: Mapping[str, str]
    rejections: int
    sample: Sample  # the rejections, against ``health.min_sample``
    reasons: tuple[ReasonShare, ...]  # most first
    by_week: tuple[WeekReasons, ...]  # weeks with a rejection, in order
    acceptance: Acceptance  # overall (key "all")
    acceptance_by_source: tuple[Acceptance, ...]
    acceptance_by_campaign: tuple[Acceptance, ...]
    limits: HealthLimits = field(default=DEFAULT_LIMITS, metadata=NOT_JSON)

    @property
    def flagged(self) -> tuple[ReasonShare, ...]:
        return tuple(r for r in self.reasons if r.flagged)


def feedback_report(
    conn: Connection, scope: ReportScope, now: datetime, funnel: FunnelReport | None = None
) -> FeedbackReport:
    """Rejections made in ``scope``'s period and the funnel rates of its MQLs, as of ``now``
    (owner and team: whose lead it was, ``reports.stages``); ``funnel``: the period's funnel
    when the caller has it already."""
    zone = report_zone(conn, scope)
    week_of = day_and_week(zone)
    query = (
        select(status_changes.c.reason, status_changes.c.changed_at)
        .select_from(status_changes.join(leads, leads.c.id == status_changes.c.lead_id))
        .where(
            status_changes.c.to_status.in_(REJECTIONS),
            status_changes.c.changed_at >= scope.since,
            status_changes.c.changed_at < scope.until,
            *lead_conditions(scope, owner_column=status_changes.c.owner_id),
        )
    )
    counts: Counter[tuple[str, str]] = Counter(
        (week_of(r.changed_at)[1], r.reason or NO_REASON) for r in conn.execute(query)
    )
    return assemble(conn, scope, zone.key, now, counts, funnel or funnel_report(conn, scope))


def rejection_reasons(conn: Connection, scope: ReportScope) -> Counter[str]:
    """The rejections made in ``scope``'s period per reason, as ``feedback_report`` counts them
    (without the funnel it also reads): the health monitor's figure, one GROUP BY."""
    filters = lead_conditions(scope, owner_column=status_changes.c.owner_id)
    joined = status_changes.join(leads, leads.c.id == status_changes.c.lead_id)
    query = (
        select(status_changes.c.reason, func.count())
        .select_from(joined if filters else status_changes)  # the lead only for a filter
        .where(
            status_changes.c.to_status.in_(REJECTIONS),
            status_changes.c.changed_at >= scope.since,
            status_changes.c.changed_at < scope.until,
            *filters,
        )
        .group_by(status_changes.c.reason)
    )
    counts: Counter[str] = Counter()
    for reason, n in conn.execute(query):
        counts[reason or NO_REASON] += n
    return counts


def assemble(
    conn: Connection,
    scope: ReportScope,
    zone: str,
    now: datetime,
    counts: Mapping[tuple[str, str], int],
    funnel: FunnelReport,
) -> FeedbackReport:
    """The report from the rejections per (week, reason) and the period's funnel."""
    limits = health_limits(conn)
    by_reason: Counter[str] = Counter()
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    for (week, reason), n in counts.items():
        by_reason[reason] += n
        weeks[week][reason] += n
    total = sum(by_reason.values())
    sample = Sample(total, limits.min_sample, unit="rejections")
    reasons = tuple(
        ReasonShare(
            reason,
            n,
            share(n, total),
            sample.enough and n / total > limits.rejection_reason_share,
        )
        for reason, n in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return FeedbackReport(
        scope.since,
        scope.until,
        zone,
        now,
        scope.filters(),
        total,
        sample,
        reasons,
        tuple(
            WeekReasons(week, sum(c.values()), dict(sorted(c.items())))
            for week, c in sorted(weeks.items())
        ),
        acceptance(funnel.overall),
        _acceptances(funnel.by_source),
        _acceptances(funnel.by_campaign),
        limits=limits,
    )


def acceptance(group: FunnelGroup) -> Acceptance:
    return Acceptance(
        group.key,
        group.mql,
        group.sal,
        group.sql,
        share(group.sal, group.mql),
        share(group.sql, group.mql),
    )


def _acceptances(groups: Sequence[FunnelGroup]) -> tuple[Acceptance, ...]:
    return tuple(acceptance(g) for g in groups)
