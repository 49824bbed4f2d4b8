"""The report services (``services/speed_report.py``, ``services/sla_report.py``) as a
dashboard viewer sees them: the period and filters of the URL, days and weeks in
the viewer's time zone, and only the leads the viewer's role may see.

The reports know the equality filters source, lead type, owner and team; the
role scope and the campaign reach them as ``ReportScope.lead_ids``, a SELECT of
the lead ids that pass ``scope_leads`` — the same rule as the lead list every
number links to.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from baton.reports.scope import ReportScope
from baton.services.people.access import scope_leads
from baton.services.people.users import User
from baton.store.tables import leads
from baton.web.filters import Filters


def visible_lead_ids(user: User, filters: Filters, fields: tuple[str, ...] = ("campaign",)) -> Any:
    """A SELECT of the ids of the leads ``user`` may see that match ``filters``' lead ``fields``
    (by default those the reports do not know); None when that is every lead."""
    conditions = [
        leads.c[name] == getattr(filters, name) for name in fields if getattr(filters, name)
    ]
    if user.is_admin and not conditions:
        return None
    return scope_leads(select(leads.c.id).where(*conditions), user)


def viewer_scope(user: User, filters: Filters) -> ReportScope:
    """The report scope of ``filters``' period, in the viewer's zone, limited to what ``user``
    may see."""
    return ReportScope(
        filters.since,
        filters.until,
        source=filters.source,
        lead_type=filters.lead_type,
        owner=filters.owner,
        team=filters.team,
        zone=filters.zone,
        lead_ids=visible_lead_ids(user, filters),
    )


def previous_period(filters: Filters) -> Filters:
    """The same filters over as many days just before the period (this period vs the previous
    one)."""
    return filters.between(
        filters.start - timedelta(days=filters.days), filters.start - timedelta(days=1)
    )


def week_start(label: str) -> date:
    """The Monday of an ISO week label of the reports, e.g. 2026-W45 → 2026-11-02."""
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def clipped_week(filters: Filters, label: str) -> Filters:
    """The filters over the days of week ``label`` that are inside the period (a drill-down into
    a week)."""
    monday = week_start(label)
    return filters.between(max(monday, filters.start), min(monday + timedelta(days=6), filters.end))


def period_weeks(filters: Filters) -> list[str]:
    """The ISO week labels the period touches, in order (2026-W44, 2026-W45, …)."""
    labels, day = [], filters.start - timedelta(days=filters.start.weekday())
    while day <= filters.end:
        year, week, _ = day.isocalendar()
        labels.append(f"{year}-W{week:02d}")
        day += timedelta(days=7)
    return labels


def percent(share: float | None) -> str:
    """0.8234 → "82 %" (``{{ share|percent }}`` in templates); None → "—"."""
    return "—" if share is None else f"{100 * share:.0f} %"


def period_days(filters: Filters) -> list[date]:
    return [filters.start + timedelta(days=i) for i in range(filters.days)]
