"""The Speed to lead page: systems delay (engaged → assigned) against human delay
(assigned → first touch), median and p90 over time, by source and by lead type,
the playbook's rating bands, and the declared outages.

Every figure is the speed-to-lead report's (``services/speed_report.py``) for the
viewer's scope: leads engaged in the period, wall-clock minutes. Leads whose
systems delay meets an outage are counted but left out of every figure, as the
report does. Each group links to its leads on the lead list (``date=engaged``).

Durations are charted in the unit their values read in (``units.duration_unit``), and
systems delay (seconds, as a rule) gets an axis of its own beside human delay (hours).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from baton.domain.speed import Rating, RatingBands
from baton.reports.speed import SpeedGroup, SpeedReport
from baton.reports.speed_mirror import speed_report
from baton.services.people.users import User
from baton.web.charts import Axis, Chart, Series, color
from baton.web.filters import Filters
from baton.web.reports import (
    clipped_week,
    period_days,
    period_weeks,
    viewer_scope,
    week_start,
)
from baton.web.units import DurationUnit, duration_unit, plural

DAILY_UP_TO_DAYS = 31  # longer periods are shown week by week
RATING_NAMES = {
    Rating.BEST_POSSIBLE: "best possible",
    Rating.BEST_IN_CLASS: "best in class",
    Rating.ACCEPTABLE: "acceptable",
    Rating.YELLOW: "yellow",
    Rating.RED: "red",
    Rating.CRITICAL: "critical",
}


def speed_view(
    conn: Connection, mirror: Connection, user: User, filters: Filters
) -> dict[str, Any]:
    report = speed_report(
        conn,
        mirror,
        viewer_scope(user, filters),
        dimensions=(time_unit(filters), "source", "lead_type"),
        business="overall",
    )
    charts = [
        *over_time_charts(report, filters),
        ratings_chart(report),
        _by(
            "speed-by-source",
            "Speed to lead by source",
            "Source",
            report.by_source,
            filters,
            "source",
        ),
        _by(
            "speed-by-lead-type",
            "Speed to lead by lead type",
            "Lead type",
            report.by_lead_type,
            filters,
            "lead_type",
        ),
    ]
    return {
        "report": report,
        "shown": charts,
        "bands": rating_bands(report.bands),
        "leads_link": filters.url("/leads", date="engaged"),
    }


def rating_bands(bands: RatingBands) -> list[tuple[str, str, str]]:
    """(rating, range, name) of each band the report rated by (the ``health:`` section's
    systems_delay), e.g. ("yellow", "10–15 min", "yellow")."""
    b = {k: int(v.total_seconds() // 60) for k, v in vars(bands).items()}
    ranges = {
        Rating.BEST_POSSIBLE: f"≤ {b['best_possible']} min",
        Rating.BEST_IN_CLASS: f"≤ {b['best_in_class']} min",
        Rating.ACCEPTABLE: f"{b['best_in_class']}–{b['yellow']} min",
        Rating.YELLOW: f"≥ {b['yellow']} min",
        Rating.RED: f"≥ {b['red']} min",
        Rating.CRITICAL: f"≥ {b['critical']} min",
    }
    return [(r.value, ranges[r], RATING_NAMES[r]) for r in Rating]


def time_unit(filters: Filters) -> str:
    """The groups of the time axis: days up to a month, else ISO weeks."""
    return "day" if filters.days <= DAILY_UP_TO_DAYS else "week"


def _slots(
    report: SpeedReport, filters: Filters
) -> list[tuple[str, SpeedGroup | None, Filters, datetime, datetime]]:
    """The periods of the time axis: every day (or week) of the period, with its group of
    the report (None: no lead)."""
    if time_unit(filters) == "day":
        rows = {r.key: r for r in report.by_day}
        return [
            (
                day.isoformat(),
                rows.get(day.isoformat()),
                filters.between(day, day),
                *_bounds(filters, day, day),
            )
            for day in period_days(filters)
        ]
    rows = {r.key: r for r in report.by_week}
    out = []
    for week in period_weeks(filters):
        inside = clipped_week(filters, week)
        out.append(
            (
                f"week of {week_start(week):%Y-%m-%d}",
                rows.get(week),
                inside,
                *_bounds(filters, inside.start, inside.end),
            )
        )
    return out


def _bounds(filters: Filters, first, last) -> tuple[datetime, datetime]:
    return datetime.combine(first, time(0), filters.zone), datetime.combine(
        last + timedelta(days=1), time(0), filters.zone
    )


def over_time_charts(report: SpeedReport, filters: Filters) -> list[Chart]:
    """Human delay (median) with the p90 of speed to lead and, on its own axis, systems delay
    (median); then speed to lead's median and p90, with systems delay's on its own axis. Days
    with an outage are marked."""
    slots = _slots(report, filters)
    outages = report.outages
    labels = [
        label
        + (" · outage" if any(o.starts_at < end and start < o.ends_at for o in outages) else "")
        for label, _, _, start, end in slots
    ]

    def stat(measure: str, name: str) -> list[float | None]:
        return [getattr(g, measure)["wall"][name] if g else None for _, g, _, _, _ in slots]

    links = [
        inside.url("/leads", date="engaged") if g and g.leads else None
        for _, g, inside, _, _ in slots
    ]
    period = time_unit(filters)
    human, systems = stat("human_delay", "median_seconds"), stat("systems_delay", "median_seconds")
    total_p90 = stat("total", "p90_seconds")
    left, right = duration_unit(human, total_p90), duration_unit(systems)
    delays = Chart(
        id="speed-over-time",
        title=f"Systems delay and human delay, by {period}",
        label_header=period.title(),
        unit=left.name,
        note="Bars: median human delay (assigned → first touch). Lines: median systems delay "
        "(engaged → assigned), on its own axis, and the p90 of speed to lead (engaged → first "
        "touch, dashed). Wall-clock time; “outage” marks a declared outage (its leads are left "
        "out).",
        labels=labels,
        series=[
            Series("Median human delay", left.all_of(human), links, metric="human delay"),
            _systems_line("Median systems delay", right, systems, links),
            Series(
                "p90 speed to lead",
                left.all_of(total_p90),
                links,
                kind="line",
                metric="speed to lead",
                dashed=True,
            ),
        ],
    )
    total = stat("total", "median_seconds"), total_p90
    systems_p90 = stat("systems_delay", "p90_seconds")
    left, right = duration_unit(*total), duration_unit(systems, systems_p90)
    trend = Chart(
        id="speed-median-p90",
        title=f"Median and p90, by {period}",
        label_header=period.title(),
        unit=left.name,
        kind="line",
        labels=labels,
        note=f"Speed to lead (engaged → first touch) and, on its own axis, systems delay; p90s "
        f"dashed. Wall-clock time; a point opens the leads of its {period}.",
        series=[
            Series("Median speed to lead", left.all_of(total[0]), links, metric="speed to lead"),
            Series(
                "p90 speed to lead",
                left.all_of(total[1]),
                links,
                metric="speed to lead",
                dashed=True,
            ),
            _systems_line("Median systems delay", right, systems, links),
            _systems_line("p90 systems delay", right, systems_p90, links, dashed=True),
        ],
    )
    return [delays, trend]


def _systems_line(
    name: str,
    unit: DurationUnit,
    seconds: list[float | None],
    links: list[str | None],
    dashed: bool = False,
) -> Series:
    return Series(
        name,
        unit.all_of(seconds),
        links,
        kind="line",
        metric="systems delay",
        axis=Axis("Systems delay", unit.name),
        dashed=dashed,
    )


def ratings_chart(report: SpeedReport) -> Chart:
    bands = rating_bands(report.bands)
    return Chart(
        id="speed-ratings",
        title="Leads by systems-delay rating",
        label_header="Rating",
        unit="leads",
        note="Each assigned lead rated on its own wall-clock systems delay. Leads not assigned "
        "yet, or left out by an outage, are not rated.",
        labels=[f"{name} ({span})" for _, span, name in bands],
        series=[
            Series(
                "Leads",
                [report.overall.systems_rating[rating] for rating, _, _ in bands],
                color=[color(name) for _, _, name in bands],
            )
        ],
    )


def _by(
    chart_id: str, title: str, header: str, rows: Sequence[SpeedGroup], filters: Filters, field: str
) -> Chart:

    def stat(measure: str, name: str) -> list[float | None]:
        return [getattr(r, measure)["wall"][name] for r in rows]

    links = [
        filters.url("/leads", date="engaged", **{field: r.key}) if r.key != "(none)" else None
        for r in rows
    ]
    human, total_p90 = stat("human_delay", "median_seconds"), stat("total", "p90_seconds")
    systems = stat("systems_delay", "median_seconds")
    unit, own = duration_unit(human, total_p90), duration_unit(systems)
    return Chart(
        id=chart_id,
        title=title,
        label_header=header,
        unit=unit.name,
        horizontal=True,
        note="Median human delay and p90 of speed to lead; median systems delay on its own axis "
        "(top). Wall-clock time.",
        labels=[f"{r.key} ({plural(r.leads, 'lead')})" for r in rows],
        series=[
            Series("Median human delay", unit.all_of(human), links, metric="human delay"),
            Series("p90 speed to lead", unit.all_of(total_p90), links, metric="speed to lead"),
            Series(
                "Median systems delay",
                own.all_of(systems),
                links,
                metric="systems delay",
                axis=Axis("Systems delay", own.name),
            ),
        ],
    )
