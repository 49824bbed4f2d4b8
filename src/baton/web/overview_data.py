"""The Overview (home page): speed to lead over time, SLA compliance against the
previous period, leads received / routed / to the fallback, the open clocks about
to breach, and the health monitors that are red or amber.

It reuses the other pages' figures (``speed_data``, ``sla_data``,
``routing_data``), so a number here is the same number, with the same
drill-down, as on its own page. The red flags are the Health page's red and amber
monitors (``health_data.health_view``: the whole workspace, the last 30 days, whatever
the filters), for managers and admins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from baton.reports.speed_mirror import speed_report
from baton.services.people.users import Role, User
from baton.web.filters import Filters
from baton.web.health_data import health_view
from baton.web.reports import viewer_scope
from baton.web.routing_data import routing_view
from baton.web.sla_data import compliance, open_clock_rows
from baton.web.speed_data import over_time_charts, time_unit

ABOUT_TO_BREACH_SHOWN = 10


def overview_view(
    conn: Connection, mirror: Connection, user: User, filters: Filters, now: datetime
) -> dict[str, Any]:
    """``conn``: the main database; ``mirror``: the analytics mirror the period's figures are
    counted in."""
    speed = speed_report(
        conn, mirror, viewer_scope(user, filters), dimensions=(time_unit(filters),), business=False
    )
    period = compliance(conn, mirror, user, filters, now, dimensions=("team",))
    routing = routing_view(conn, mirror, user, filters, now, charts=False)
    about_to_breach = open_clock_rows(
        conn, user, filters, now, ABOUT_TO_BREACH_SHOWN, overdue=False
    )
    health = None if user.role is Role.REP else health_view(conn, now)
    return {
        "speed": speed,
        "speed_chart": over_time_charts(speed, filters)[0],
        "compliance": period,
        "routing": routing,
        "about_to_breach": about_to_breach,
        "health": health,
    }
