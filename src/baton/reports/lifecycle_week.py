"""The Marketing Ops weekly numbers (playbook 002, "scheduled weekly digest to Marketing
Ops"): one ISO week of the workspace's zone, read from the lifecycle reports themselves —
the funnel of the week's MQLs (``reports.funnel``), its acceptance and SQL rates and the
week's rejections by reason with the flagged one (``reports.feedback``), the leads
recycled that week (and how many by Baton's own "no response" recycling), and leakage
(``reports.leakage``) over the MQLs of the four weeks ending with it, as of the digest.

Leakage looks back four weeks because a lead only leaks ``lifecycle.leakage_after`` (7
days) after its hand-off: the week's own MQLs are mostly too young to judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, func, select

from baton.domain.records import LeadStatus
from baton.reports.feedback import Acceptance, ReasonShare, feedback_report
from baton.reports.funnel import FunnelGroup, funnel_report
from baton.reports.leakage import leakage_report
from baton.reports.result import Result
from baton.reports.scope import ReportScope, Sample, report_zone
from baton.reports.stages import RATES, STAGES
from baton.services.lifecycle.status import RECYCLING
from baton.store.tables import status_changes

LEAKAGE_WEEKS = 4


@dataclass(frozen=True)
class Stage(Result):
    stage: str
    name: str  # as the workspace calls it
    leads: int
    rate: float | None  # of the stage before (the MQL stage: None)


@dataclass(frozen=True)
class WeekLeakage(Result):
    since: datetime
    until: datetime
    first_day: str  # the first of its four weeks, e.g. 2026-11-02
    after_seconds: float  # lifecycle.leakage_after
    mqls: int
    leaked: int
    share: float | None
    flagged: bool
    limit: float  # health.leakage_share
    sample: Sample


@dataclass(frozen=True)
class LifecycleWeek(Result):
    week: str  # ISO week, e.g. 2026-W48
    since: datetime
    until: datetime
    timezone: str
    first_day: str  # 2026-11-23
    last_day: str  # 2026-11-29
    as_of: datetime
    names: Mapping[str, str]
    mqls: int
    acceptance: Acceptance  # SAL ÷ MQL and SQL ÷ MQL of the week's MQLs
    funnel: tuple[Stage, ...]
    mql_to_won: float | None
    rejections: int
    reasons: tuple[ReasonShare, ...]  # most first
    flagged_reasons: tuple[str, ...]
    reason_limit: float  # health.rejection_reason_share
    reason_sample: Sample
    recycled: int
    recycled_automatically: int  # by Baton for "no response"
    leakage: WeekLeakage


def week_before(period: str) -> tuple[str, date]:
    """The ISO week before ``period`` (``2026-W49`` → ``2026-W48``) and its Monday."""
    year, _, week = period.partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1) - timedelta(days=7)
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}", monday


def lifecycle_week(conn: Connection, period: str, now: datetime) -> LifecycleWeek:
    """The numbers of the ISO week before ``period`` (the week a digest of ``period``
    reports), in the workspace's zone, as of ``now``."""
    zone = report_zone(conn)
    week, monday = week_before(period)
    since = datetime.combine(monday, time(0), zone)
    until = datetime.combine(monday + timedelta(days=7), time(0), zone)
    scope = ReportScope(since, until, zone=zone)
    funnel = funnel_report(conn, scope)
    feedback = feedback_report(conn, scope, now, funnel)
    back = datetime.combine(monday - timedelta(days=7 * (LEAKAGE_WEEKS - 1)), time(0), zone)
    leakage = leakage_report(conn, ReportScope(back, until, zone=zone), now, limit=0)
    recycled, automatic = recycled_in(conn, scope)
    return LifecycleWeek(
        week,
        since,
        until,
        zone.key,
        monday.isoformat(),
        (monday + timedelta(days=6)).isoformat(),
        now,
        dict(funnel.names),
        funnel.overall.mql,
        feedback.acceptance,
        funnel_stages(funnel.overall, funnel.names),
        funnel.overall.rates.get("mql_to_won"),
        feedback.rejections,
        feedback.reasons,
        tuple(r.reason for r in feedback.flagged),
        feedback.limits.rejection_reason_share,
        feedback.sample,
        recycled,
        automatic,
        WeekLeakage(
            back,
            until,
            back.date().isoformat(),
            leakage.leakage_after_seconds,
            leakage.mqls,
            leakage.leaked,
            leakage.share,
            leakage.flagged,
            leakage.limits.leakage_share,
            leakage.sample,
        ),
    )


def funnel_stages(group: FunnelGroup, names: Mapping[str, str]) -> tuple[Stage, ...]:
    """Each stage of the funnel with its leads and its rate from the stage before."""
    rates = (None, *(group.rates.get(step) for step in RATES[: len(STAGES) - 1]))
    return tuple(
        Stage(stage, names.get(stage, stage), group.count(stage), rate)
        for stage, rate in zip(STAGES, rates, strict=True)
    )


def recycled_in(conn: Connection, scope: ReportScope) -> tuple[int, int]:
    """Leads moved to Recycled in ``scope``'s period, and of those the ones Baton recycled
    itself (no reply after the workspace's N attempts: reason "no response")."""
    query = (
        select(status_changes.c.by, func.count())
        .where(
            status_changes.c.to_status == LeadStatus.RECYCLED.value,
            status_changes.c.changed_at >= scope.since,
            status_changes.c.changed_at < scope.until,
        )
        .group_by(status_changes.c.by)
    )
    by_whom: dict[str, int] = {by: n for by, n in conn.execute(query)}
    return sum(by_whom.values()), by_whom.get(RECYCLING, 0)
