"""The Feedback page: the loop back to Marketing — why Sales rejected leads (each reason's
volume and share, ISO week by week, a reason over ``health.rejection_reason_share`` flagged
from ``health.min_sample`` rejections), how Marketing's MQLs fare (acceptance rate by
source and campaign, SQL rate by campaign), and leakage: the MQLs handed to Sales longer
than ``lifecycle.leakage_after`` ago that nobody worked, their share over
``health.leakage_share`` flagged, and the leaked leads themselves.

Every figure is the feedback and leakage reports' (``reports.feedback``,
``reports.leakage``, counted by their mirror twins) for the viewer's scope. A rejection is
dated by the move and belongs to the owner the lead had then (``date=rejected`` on the
lead list); the rates and leakage are the funnel cohort's (``date=mql``):
``web.lifecycle_drill``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.reports.feedback import Acceptance, FeedbackReport
from baton.reports.feedback_mirror import feedback_report
from baton.reports.leakage import LeakageReport
from baton.reports.leakage_mirror import leakage_counts
from baton.reports.stages import handed_at
from baton.services.people.access import scope_leads
from baton.services.people.users import User
from baton.store.tables import leads, people
from baton.web.charts import Chart, Series, color
from baton.web.filters import Filters
from baton.web.funnel_data import NO_LINK, stage_link
from baton.web.lifecycle_drill import MQL_DATE, REJECTED_DATE, cohort_conditions
from baton.web.reports import clipped_week, percent, period_weeks, viewer_scope, week_start
from baton.web.units import plural

LEAKED_SHOWN = 20  # the longest waiting; the lead list has them all


def feedback_view(
    conn: Connection, mirror: Connection, user: User, filters: Filters, now: datetime
) -> dict[str, Any]:
    """``conn``: the main database (limits, names, the leaked leads); ``mirror``: where the
    period's rejections and MQLs are counted, as of ``now``."""
    scope = viewer_scope(user, filters)
    report = feedback_report(conn, mirror, scope, now)
    leakage = leakage_counts(conn, mirror, scope, now)
    names = dict(conn.execute(select(people.c.id, people.c.name)).all())
    charts = [
        reasons_chart(report, filters),
        weeks_chart(report, filters),
        rates_chart(
            "acceptance-by-source",
            "Acceptance rate by source",
            "Source",
            report.acceptance_by_source,
            filters,
            "source",
            sql_rate=False,
        ),
        rates_chart(
            "acceptance-by-campaign",
            "Acceptance rate and SQL rate by campaign",
            "Campaign",
            report.acceptance_by_campaign,
            filters,
            "campaign",
        ),
        leakage_chart(leakage, filters, names),
    ]
    return {
        "feedback": report,
        "leakage": leakage,
        "shown": charts,
        "rejected_link": rejected_link(filters),
        "accepted_link": stage_link(filters, "sal"),
        "sql_link": stage_link(filters, "sql"),
        "mql_link": stage_link(filters, "mql"),
        "leaked_link": leaked_link(filters),
        "leaked_leads": leaked_leads(conn, mirror, user, filters, now, names),
        "leaked_shown": LEAKED_SHOWN,
    }


def rejected_link(filters: Filters | None, reason: str | None = None) -> str | None:
    """The leads rejected in the period (for ``reason``)."""
    if filters is None:
        return None
    return filters.url("/leads", date=REJECTED_DATE, reason=reason)


def leaked_link(filters: Filters | None) -> str | None:
    if filters is None:
        return None
    return filters.url("/leads", date=MQL_DATE, leaked="yes")


def reasons_chart(report: FeedbackReport, filters: Filters) -> Chart:
    limit = percent(report.limits.rejection_reason_share)
    return Chart(
        id="rejection-reasons",
        title="Rejections by reason",
        label_header="Reason",
        unit="rejections",
        horizontal=True,
        note=f"Moves to Recycled or Disqualified in the period, by reason (share of all "
        f"rejections). A reason over {limit} of them is a red flag (health: "
        f"rejection_reason_share), judged from {report.sample.needed:,} rejections.",
        labels=[
            f"{r.reason} ({percent(r.share)}{' · over ' + limit if r.flagged else ''})"
            for r in report.reasons
        ],
        series=[
            Series(
                "Rejections",
                [r.rejections for r in report.reasons],
                [rejected_link(filters, r.reason) for r in report.reasons],
                color=[color("breached" if r.flagged else "leads") for r in report.reasons],
            )
        ],
    )


def weeks_chart(report: FeedbackReport, filters: Filters) -> Chart:
    weeks = {w.week: w for w in report.by_week}
    labels = period_weeks(filters)
    series = []
    for r in report.reasons:
        values = [weeks[w].reasons.get(r.reason, 0) if w in weeks else 0 for w in labels]
        links = [rejected_link(clipped_week(filters, w), r.reason) for w in labels]
        series.append(Series(r.reason, values, links, stack="reasons"))
    return Chart(
        id="rejections-by-week",
        title="Rejections by reason, week by week",
        label_header="ISO week",
        unit="rejections",
        stacked=True,
        note="Each ISO week of the period (the first and last may be partial), its rejections "
        "stacked by reason. A bar opens its leads.",
        labels=[f"{w} (from {week_start(w):%d %b})" for w in labels],
        series=series,
    )


def rates_chart(
    chart_id: str,
    title: str,
    header: str,
    rows: tuple[Acceptance, ...],
    filters: Filters,
    field: str,
    *,
    sql_rate: bool = True,
) -> Chart:
    narrowed = [None if r.key in NO_LINK else filters.replace(**{field: r.key}) for r in rows]

    def rate(values: list[float | None]) -> list[float | None]:
        return [None if v is None else round(100 * v, 1) for v in values]

    series = [
        Series(
            "Acceptance rate (SAL ÷ MQL)",
            rate([r.acceptance_rate for r in rows]),
            [stage_link(f, "sal") for f in narrowed],
        )
    ]
    if sql_rate:
        series.append(
            Series(
                "SQL rate (SQL ÷ MQL)",
                rate([r.sql_rate for r in rows]),
                [stage_link(f, "sql") for f in narrowed],
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        label_header=header,
        unit="%",
        horizontal=True,
        note="Of the leads that became MQL in the period: the share Sales accepted (SAL or a "
        "later stage)" + (" and the share that became SQL" if sql_rate else "") + ". A bar "
        "opens the leads accepted" + (" or qualified" if sql_rate else "") + ".",
        labels=[f"{r.key} ({plural(r.mql, 'MQL')})" for r in rows],
        series=series,
    )


def leakage_chart(report: LeakageReport, filters: Filters, names: dict[str, str]) -> Chart:
    rows = report.by_owner
    narrowed = [None if g.key in NO_LINK else filters.replace(owner=g.key) for g in rows]
    return Chart(
        id="leakage-by-owner",
        title="Leakage by owner",
        label_header="Owner",
        unit="MQLs",
        horizontal=True,
        note="MQLs of the period handed to Sales longer ago than lifecycle.leakage_after, and "
        "those of them nobody worked since (owner: whose lead it is).",
        labels=[f"{names.get(g.key, g.key)} ({percent(g.share)} leaked)" for g in rows],
        series=[
            Series("Handed over", [g.mqls for g in rows], metric="leads"),
            Series(
                "Leaked",
                [g.leaked for g in rows],
                [leaked_link(f) for f in narrowed],
                metric="miss",
            ),
        ],
    )


def leaked_leads(
    conn: Connection,
    mirror: Connection,
    user: User,
    filters: Filters,
    now: datetime,
    names: dict[str, str],
) -> list[dict[str, Any]]:
    """The leaked MQLs the viewer may see, longest waiting first (at most ``LEAKED_SHOWN``):
    found in the ``mirror`` (as the lead list counts them), read from ``conn``."""
    handed = handed_at().label("handed_at")
    found = mirror.execute(
        scope_leads(
            select(leads.c.id).where(*cohort_conditions(conn, filters, {"leaked": "yes"}, now)),
            user,
        )
        .order_by(handed_at(), leads.c.id)
        .limit(LEAKED_SHOWN)
    ).all()
    ids = [lead_id for (lead_id,) in found]
    if not ids:
        return []
    query = select(
        leads.c.id,
        leads.c.first_name,
        leads.c.last_name,
        leads.c.email,
        leads.c.company,
        leads.c.source,
        leads.c.campaign,
        leads.c.owner_id,
        leads.c.mql_at,
        handed,
    ).where(leads.c.id.in_(ids))
    rows = {row.id: row for row in conn.execute(scope_leads(query, user))}
    return [
        dict(row._mapping)
        | {
            "owner_name": names.get(row.owner_id, row.owner_id),
            "waiting_seconds": (now - row.handed_at).total_seconds(),
        }
        for row in (rows[i] for i in ids if i in rows)
    ]
