"""The feedback loop (``reports.feedback``) computed in the mirror: the rejections per ISO
week and reason by one GROUP BY over the mirrored status changes of the period, and the
acceptance and SQL rates from the funnel's twin (counts only, by source and campaign)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from baton.reports.feedback import FeedbackReport, assemble
from baton.reports.funnel_mirror import funnel_report
from baton.reports.local_time import local_date, week_label
from baton.reports.mirror import blank_as, run
from baton.reports.scope import ReportScope, lead_conditions, report_zone
from baton.reports.stages import NO_REASON, REJECTIONS
from baton.store.tables import leads, status_changes


def feedback_report(
    conn: Connection, duck: Connection, scope: ReportScope, now: datetime
) -> FeedbackReport:
    """``reports.feedback.feedback_report`` over the mirror ``duck``."""
    zone = report_zone(conn, scope)
    changes = status_changes.c
    week = func.date_trunc("week", local_date(changes.changed_at, zone, scope.since, scope.until))
    reason = blank_as(changes.reason, NO_REASON)
    query = (
        select(week, reason, func.count())
        .select_from(status_changes.join(leads, leads.c.id == changes.lead_id))
        .where(
            changes.to_status.in_(REJECTIONS),
            changes.changed_at >= scope.since,
            changes.changed_at < scope.until,
            *lead_conditions(scope, owner_column=changes.owner_id),
        )
        .group_by(week, reason)
    )
    counts = {(week_label(w), r): n for w, r, n in run(duck, query)}
    funnel = funnel_report(conn, duck, scope, dimensions=("source", "campaign"), times=False)
    return assemble(conn, scope, zone.key, now, counts, funnel)
