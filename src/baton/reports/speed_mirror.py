"""The speed-to-lead report (``reports.speed``) computed in the mirror.

Same scope, same groups, same numbers, by one query per dimension over the
period's leads instead of a pass in Python. The delays were measured when the
lead was copied (``mirror._delays``); the outage exclusion, the rating bands and
the local day and ISO week of the report's zone are applied as the query runs.

Exact medians and p90s are what cost here (a sort per group and series), so the
caller names what it shows: ``dimensions`` (the groups beyond the overall one)
and ``business``: business-time statistics everywhere (True), for the overall
group only ("overall"), or nowhere (False). What is not asked for is left out
of the report (no groups; groups without business-time summaries).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, case, func, literal, literal_column, null, or_, select

from baton.domain.speed import OutageWindow, Rating, RatingBands
from baton.reports.local_time import local_date, week_label
from baton.reports.mirror import DELAYS, blank_as, mirrored, run
from baton.reports.scope import (
    ReportScope,
    health_limits,
    lead_conditions,
    report_zone,
    summary_of_aggregates,
)
from baton.reports.speed import (
    DIMENSIONS,
    SERIES,
    SpeedGroup,
    SpeedReport,
    assemble,
    group_row,
    outages_after,
    sort_groups,
)
from baton.store.tables import leads, people

QUANTILES = "[0.5, 0.5000000001, 0.9]"  # exact for counts below 10^9: see _median_and_p90
_WALL = tuple(i for i, (_, kind) in enumerate(SERIES) if kind == "wall")


def speed_report(
    conn: Connection,
    duck: Connection,
    scope: ReportScope,
    bands: RatingBands | None = None,
    *,
    dimensions: Sequence[str] = DIMENSIONS[1:],
    business: bool | str = True,
) -> SpeedReport:
    """``reports.speed.speed_report`` over the mirror ``duck`` (outages, the zone and the
    rating bands read from ``conn``)."""
    bands = bands if bands is not None else health_limits(conn).systems_delay
    zone = report_zone(conn, scope)
    windows = outages_after(conn, scope.since)
    base = _base(scope, zone, windows, bands, with_team="team" in dimensions).subquery("base")
    keys = [base.c[f"k_{d}"] for d in dimensions]
    groups: dict[str, list[SpeedGroup]] = {d: [] for d in DIMENSIONS}
    every = range(len(SERIES))
    sets = [("all", [], every if business else _WALL)] + [
        (d, [k], every if business is True else _WALL)
        for d, k in zip(dimensions, keys, strict=True)
    ]
    for dimension, by, series in sets:
        for row in run(duck, select(*by, *_aggregates(base, series)).group_by(*by)):
            key = _label(dimension, row[0]) if by else "all"
            groups[dimension].append(_group(key, row[len(by) :], series, bands))
    sorted_groups = {d: sort_groups(d, rows) for d, rows in groups.items()}
    return assemble(scope, zone, windows, sorted_groups, bands)


def _aggregates(base: Any, series: Sequence[int]) -> list[Any]:
    """Counts, anomalies, then per series: count, sum, and one sort for median and p90
    (``_median_and_p90``), then ratings."""
    out = [
        func.count(),
        func.count().filter(base.c.x),
        func.coalesce(func.sum(base.c.anomalies), 0),
    ]
    for i in series:
        value = base.c[DELAYS[i]]
        out += [
            func.count(value),
            func.sum(value),
            func.quantile_disc(value, literal_column(QUANTILES)),
        ]
    return out + [func.count().filter(base.c.rating == r.value) for r in Rating]


def _median_and_p90(lows_highs_p90: list[int] | None) -> tuple[float | None, int | None]:
    """``quantile_disc`` at 0.5, just above 0.5 and 0.9 picks the lower and upper middle
    values (the same one when the count is odd) and the nearest-rank p90 in one sort; the
    median is the mean of the middle two."""
    if not lows_highs_p90:
        return None, None
    low, high, p90 = lows_highs_p90
    return (low + high) / 2, p90


def _group(
    key: str, values: tuple[Any, ...], series: Sequence[int], bands: RatingBands
) -> SpeedGroup:
    count, excluded, anomalies = values[:3]
    stats = {
        SERIES[s]: summary_of_aggregates(
            *values[3 + 3 * i : 5 + 3 * i], *_median_and_p90(values[5 + 3 * i])
        )
        for i, s in enumerate(series)
    }
    ratings = dict(zip((r.value for r in Rating), values[3 + 3 * len(series) :], strict=True))
    return group_row(
        key,
        count,
        excluded,
        int(anomalies),
        {k: v for k, v in stats.items() if v["count"]},
        ratings,
        bands,
    )


def _label(dimension: str, value: Any) -> str:
    """Days and weeks are grouped by local date and local Monday; labelled as the streaming
    report labels them."""
    return (
        value.isoformat()
        if dimension == "day"
        else week_label(value)
        if dimension == "week"
        else value
    )


def _base(
    scope: ReportScope,
    zone: ZoneInfo,
    windows: list[OutageWindow],
    bands: RatingBands,
    *,
    with_team: bool,
):
    """One row per lead of the scope: its group keys, its delays, whether an outage excludes
    it, its rating. The owner's team is joined only when grouped by (``with_team``): a year's
    join is a sixth of a query's time."""
    day = local_date(leads.c.engaged_at, zone, scope.since, scope.until)
    excluded = _excluded(windows)
    return (
        select(
            day.label("k_day"),
            func.date_trunc("week", day).label("k_week"),
            blank_as(leads.c.source, "(none)").label("k_source"),
            blank_as(leads.c.lead_type, "(none)").label("k_lead_type"),
            blank_as(leads.c.owner_id, "(unassigned)").label("k_owner"),
            (blank_as(people.c.team_id, "(none)") if with_team else null()).label("k_team"),
            excluded.label("x"),
            case((excluded, null()), else_=_rating(bands)).label("rating"),
            case((excluded, 0), else_=mirrored("anomalies")).label("anomalies"),
            *(
                case((excluded, null()), (mirrored(d) >= 0, mirrored(d)), else_=null()).label(d)
                for d in DELAYS
            ),
        )
        .select_from(
            leads.outerjoin(people, people.c.id == leads.c.owner_id) if with_team else leads
        )
        .where(
            leads.c.engaged_at >= scope.since,
            leads.c.engaged_at < scope.until,
            *lead_conditions(scope),
        )
    )


def _excluded(windows: list[OutageWindow]):
    """``domain.speed.excluded_by_outage`` as an expression: the systems-delay interval meets
    an outage."""
    e, a = leads.c.engaged_at, leads.c.assigned_at
    at = lambda t: literal(t, e.type)  # noqa: E731
    meets = []
    for w in windows:
        end = case((a.is_(None), at(w.ends_at)), else_=func.greatest(a, e))
        meets.append(
            case(
                (end == e, and_(at(w.starts_at) <= e, e < at(w.ends_at))),
                else_=func.greatest(e, at(w.starts_at)) < func.least(end, at(w.ends_at)),
            )
        )
    return or_(*meets) if meets else literal(False)


def _rating(bands: RatingBands):
    """``domain.speed.rate`` of the lead's wall-clock systems delay; NULL when not assigned."""
    us = mirrored("sys_us")
    limit = lambda d: d // timedelta(microseconds=1)  # noqa: E731
    return case(
        (us.is_(None), null()),
        (us >= limit(bands.critical), Rating.CRITICAL.value),
        (us >= limit(bands.red), Rating.RED.value),
        (us >= limit(bands.yellow), Rating.YELLOW.value),
        (us <= limit(bands.best_possible), Rating.BEST_POSSIBLE.value),
        (us <= limit(bands.best_in_class), Rating.BEST_IN_CLASS.value),
        else_=Rating.ACCEPTABLE.value,
    )
