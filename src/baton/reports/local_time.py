"""Local dates of stored UTC instants, in a given zone, inside DuckDB without a time zone
lookup per row: the offset is a CASE over the zone's offset changes (DST) in the
period, found here in Python (to the second), and the instant plus its offset is the
local wall time whose date is the local day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, cast, func, literal


def local_date(column: Any, zone: ZoneInfo, since: datetime, until: datetime) -> Any:
    """The local date in ``zone`` of the instants of ``column`` that lie in ``[since, until)``."""
    return cast(column + func.to_microseconds(_utc_offset_us(column, zone, since, until)), Date)


def week_label(monday: date) -> str:
    """The ISO week label (2026-W45) of a date, as ``services.report_scope.day_and_week``
    writes it."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _utc_offset_us(column: Any, zone: ZoneInfo, since: datetime, until: datetime):
    """The zone's UTC offset at ``column`` (µs): a CASE over the offset changes (DST) between
    ``since`` and ``until``."""
    us = lambda offset: offset // timedelta(microseconds=1)  # noqa: E731
    t = since.astimezone(UTC) - timedelta(days=1)
    first = current = t.astimezone(zone).utcoffset()
    whens = []
    while t < until:
        later = t + timedelta(hours=1)
        offset = later.astimezone(zone).utcoffset()
        if offset != current:
            whens.append((column < literal(_change(zone, t, later), column.type), us(current)))
            current = offset
        t = later
    return case(*whens, else_=us(current)) if whens else literal(us(first))


def _change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first second of ``(before, after]`` that has ``after``'s offset."""
    target = after.astimezone(zone).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = (before + (after - before) / 2).replace(microsecond=0)
        before, after = (
            (before, middle) if middle.astimezone(zone).utcoffset() == target else (middle, after)
        )
    return after
