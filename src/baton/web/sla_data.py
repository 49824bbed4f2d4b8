"""The SLA page: compliance this period against the previous one, the response-time
distribution (under SLA / approaching / breached), hit and miss by lead type, rep,
team and week, and the open clocks nearest to breach.

Every number is the SLA report's (``reports/sla.py``: owner charges dated by the
clock's start, owner and team the charged owner's, verdicts as of now) for the viewer's
scope, and links to the same charges on the lead list (``date=sla_charge``, see
``web/sla_charges.py``). The compliance target and the "approaching" share are the live
version's ``health:`` thresholds, carried by the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.reports.open_clocks import OpenClock, open_clocks
from baton.reports.scope import Sample
from baton.reports.sla import SlaGroup, SlaReport
from baton.reports.sla_mirror import sla_counts
from baton.services.people.users import User
from baton.store.tables import people, teams
from baton.web.charts import Chart, Series, color
from baton.web.filters import Filters
from baton.web.reports import (
    clipped_week,
    percent,
    period_weeks,
    previous_period,
    viewer_scope,
    visible_lead_ids,
    week_start,
)
from baton.web.sla_charges import CHARGE_DATE

OPEN_CLOCKS_SHOWN = 50
VERDICTS = (("hit", "Hit"), ("miss", "Miss"), ("pending", "Pending"))


@dataclass(frozen=True)
class Compliance:
    """Hit / (hit + miss) of a period and of the one before, with links to their charges."""

    now: SlaReport  # the SLA report of the period
    before: SlaReport  # … of the previous period of the same length
    filters: Filters
    previous: Filters

    @property
    def target(self) -> float:
        """``health.team_sla_compliance``: under it, a team (and the period) is a red flag."""
        return self.now.limits.team_sla_compliance

    @property
    def flagged(self) -> bool:
        """The period's compliance is under the target, on enough verdicts
        (``health.min_sample``)."""
        return self.now.under_target(self.now.overall)

    @property
    def sample(self) -> Sample:
        return self.now.sample(self.now.overall)

    @property
    def change_points(self) -> float | None:
        now, before = self.now.overall.compliance, self.before.overall.compliance
        if now is None or before is None:
            return None
        return round(100 * (now - before), 1)

    def link(self, state: str, previous: bool = False) -> str:
        return (self.previous if previous else self.filters).url(
            "/leads", date=CHARGE_DATE, sla=state
        )


def compliance(
    conn: Connection,
    mirror: Connection,
    user: User,
    filters: Filters,
    now: datetime,
    dimensions: tuple[str, ...] = ("lead_type", "owner", "team", "week"),
) -> Compliance:
    """The SLA counts of the period by ``dimensions`` (from the mirror), and the previous
    period's overall ones."""
    before = previous_period(filters)
    return Compliance(
        sla_counts(conn, mirror, viewer_scope(user, filters), now, dimensions=dimensions),
        sla_counts(conn, mirror, viewer_scope(user, before), now, dimensions=()),
        filters,
        before,
    )


def sla_view(
    conn: Connection, mirror: Connection, user: User, filters: Filters, now: datetime
) -> dict[str, Any]:
    period = compliance(conn, mirror, user, filters, now)
    report = period.now
    person = dict(conn.execute(select(people.c.id, people.c.name)).all())
    team = dict(conn.execute(select(teams.c.id, teams.c.name)).all())
    charts = [  # a group that is no lead type, person or team ("(none)", "(queue)") gets no link
        bands_chart(report, filters),
        _by(
            "sla-by-lead-type",
            "SLA by lead type",
            "Lead type",
            report.by_lead_type,
            filters,
            str,
            lambda k: {"lead_type": k} if k != "(none)" else None,
        ),
        _by(
            "sla-by-rep",
            "SLA by rep",
            "Rep",
            report.by_owner,
            filters,
            lambda k: person.get(k, k),
            lambda k: {"owner": k} if k in person else None,
        ),
        _by(
            "sla-by-team",
            "SLA by team",
            "Team",
            report.by_team,
            filters,
            lambda k: team.get(k, k),
            lambda k: {"team": k} if k in team else None,
        ),
        *weekly_charts(report, filters),
    ]
    return {
        "compliance": period,
        "report": report,
        "shown": charts,
        "clocks": open_clock_rows(conn, user, filters, now),
    }


def bands_chart(report: SlaReport, filters: Filters) -> Chart:
    bands = report.overall.response_bands
    limit = percent(report.limits.sla_approaching)
    labels = {
        "under": f"Under SLA (< {limit} of the threshold)",
        "approaching": f"Approaching (≥ {limit})",
        "breached": "Breached (missed)",
    }
    return Chart(
        id="sla-response",
        title="Response times: under SLA, approaching, breached",
        label_header="Response",
        unit="charges",
        note="Hits by the share of their rule's threshold they used (business time); "
        f"every miss is breached. {report.overall.pending} charges still running have no "
        "response yet (open clocks below).",
        labels=list(labels.values()),
        series=[
            Series(
                "Charges",
                [bands[b] for b in labels],
                [filters.url("/leads", date=CHARGE_DATE, response=b) for b in labels],
                color=[color(b) for b in labels],
            )
        ],
    )


def _by(
    chart_id: str,
    title: str,
    header: str,
    rows: tuple[SlaGroup, ...],
    filters: Filters,
    name: Callable[[str], str],
    params: Callable[[str], dict[str, str] | None],
) -> Chart:
    shown = [r for r in rows if r.hit + r.miss + r.pending]

    def links(state: str) -> list[str | None]:
        return [
            filters.url("/leads", date=CHARGE_DATE, sla=state, **p)
            if (p := params(r.key)) is not None
            else None
            for r in shown
        ]

    return Chart(
        id=chart_id,
        title=title,
        label_header=header,
        unit="charges",
        horizontal=True,
        stacked=True,
        note="Owner charges whose clock started in the period; "
        "compliance = hit ÷ (hit + miss) in brackets.",
        labels=[f"{name(r.key)} ({percent(r.compliance)})" for r in shown],
        series=[
            Series(
                label,
                [getattr(r, state) for r in shown],
                links(state),
                stack="charges",
                color=color(state),
            )
            for state, label in VERDICTS
        ],
    )


def weekly_charts(report: SlaReport, filters: Filters) -> list[Chart]:
    """Hit / miss / pending per ISO week of the viewer's zone, and compliance week over week
    against the target (``health.team_sla_compliance``)."""
    rows = {r.key: r for r in report.by_week}
    target = report.limits.team_sla_compliance
    weeks = period_weeks(filters)
    label = [f"week of {week_start(w):%Y-%m-%d}" for w in weeks]

    def count(w: str, state: str) -> int:
        return getattr(rows[w], state) if w in rows else 0

    def link(w: str, state: str) -> str | None:
        return (
            clipped_week(filters, w).url("/leads", date=CHARGE_DATE, sla=state)
            if count(w, state)
            else None
        )

    counts = Chart(
        id="sla-by-week",
        title="SLA week by week",
        label_header="Week",
        unit="charges",
        stacked=True,
        note="Weeks run Monday to Sunday in your time zone; "
        "the first and last are cut to the period.",
        labels=label,
        series=[
            Series(
                name,
                [count(w, s) for w in weeks],
                [link(w, s) for w in weeks],
                stack="charges",
                color=color(s),
            )
            for s, name in VERDICTS
        ],
    )
    share = [
        round(100 * rows[w].compliance, 1) if w in rows and rows[w].compliance is not None else None
        for w in weeks
    ]
    trend = Chart(
        id="sla-compliance-by-week",
        title="Compliance week over week",
        label_header="Week",
        unit="%",
        kind="line",
        labels=label,
        note="Hit ÷ (hit + miss); a point opens that week's misses. "
        f"The line at {percent(target)} is the target (health: team_sla_compliance).",
        series=[
            Series("Compliance", share, [link(w, "miss") for w in weeks]),
            Series("Target", [round(100 * target, 1)] * len(weeks), color=color("target")),
        ],
        options={"scales": {"y": {"min": 0, "max": 100, "title": {"display": True, "text": "%"}}}},
    )
    return [counts, trend]


def open_clock_rows(
    conn: Connection,
    user: User,
    filters: Filters,
    now: datetime,
    limit: int = OPEN_CLOCKS_SHOWN,
    *,
    overdue: bool = True,
) -> tuple[OpenClock, ...]:
    """The open clocks most late first (overdue ones, unless ``overdue`` is False, then by
    deadline) on leads the viewer may see, whatever the period; the other filters apply."""
    lead_ids = visible_lead_ids(user, filters, ("source", "campaign", "lead_type"))
    return open_clocks(
        conn,
        now,
        limit,
        owner=filters.owner,
        team=filters.team,
        lead_ids=lead_ids,
        due_after=None if overdue else now,
    ).clocks
