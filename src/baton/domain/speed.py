"""Speed to lead: systems delay, human delay and total, rated and summarized.

Speed to lead is measured, never blamed on anyone: it is kept apart from the
SLA (``domain.sla``), which only judges the human delay of the owner. Every
figure exists twice, in wall-clock time and in business time of a calendar.

Clock skew and backfills produce impossible orders (a first touch logged before
the assignment). Such a delay is reported as zero, never as a negative number
that would drag averages down, and the raw value is kept in ``anomalies`` so a
report can count and show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from baton.domain.calendar import BusinessCalendar

__all__ = [
    "Anomaly",
    "OutageWindow",
    "Rating",
    "RatingBands",
    "SpeedToLead",
    "Summary",
    "excluded_by_outage",
    "measure",
    "rate",
    "summarize",
]

_ZERO = timedelta(0)


@dataclass(frozen=True)
class Anomaly:
    """A delay whose end came before its start; reported as zero, kept here raw."""

    measure: str  # "systems_delay" | "human_delay" | "total"
    raw: timedelta  # the negative wall-clock value

    def __str__(self) -> str:
        return f"{self.measure} was {self.raw} (end before start); reported as 0"


@dataclass(frozen=True)
class SpeedToLead:
    """One lead's delays; None where an end is missing, never negative."""

    systems_delay: timedelta | None
    human_delay: timedelta | None
    total: timedelta | None
    systems_delay_business: timedelta | None
    human_delay_business: timedelta | None
    total_business: timedelta | None
    anomalies: tuple[Anomaly, ...] = ()


def _span(
    name: str,
    start: datetime | None,
    end: datetime | None,
    calendar: BusinessCalendar,
    anomalies: list[Anomaly],
) -> tuple[timedelta | None, timedelta | None]:
    if start is None or end is None:
        return None, None
    wall = end - start
    if wall < _ZERO:
        anomalies.append(Anomaly(name, wall))
        return _ZERO, _ZERO
    return wall, calendar.between(start, end)


def measure(
    engaged_at: datetime | None,
    assigned_at: datetime | None,
    first_touch_at: datetime | None,
    calendar: BusinessCalendar,
) -> SpeedToLead:
    """Systems delay (engaged → assigned), human delay (assigned → first touch), total."""
    anomalies: list[Anomaly] = []
    systems = _span("systems_delay", engaged_at, assigned_at, calendar, anomalies)
    human = _span("human_delay", assigned_at, first_touch_at, calendar, anomalies)
    total = _span("total", engaged_at, first_touch_at, calendar, anomalies)
    return SpeedToLead(
        systems[0], human[0], total[0], systems[1], human[1], total[1], tuple(anomalies)
    )


class Rating(StrEnum):
    BEST_POSSIBLE = "best_possible"
    BEST_IN_CLASS = "best_in_class"
    ACCEPTABLE = "acceptable"
    YELLOW = "yellow"
    RED = "red"
    CRITICAL = "critical"


@dataclass(frozen=True)
class RatingBands:
    """Systems-delay benchmarks (playbook 004): at most ``best_possible`` is
    best possible, at most ``best_in_class`` best in class, from ``yellow``,
    ``red`` and ``critical`` upwards those flags; in between, acceptable."""

    best_possible: timedelta = timedelta(minutes=3)
    best_in_class: timedelta = timedelta(minutes=5)
    yellow: timedelta = timedelta(minutes=10)
    red: timedelta = timedelta(minutes=15)
    critical: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        bounds = (self.best_possible, self.best_in_class, self.yellow, self.red, self.critical)
        if bounds[0] < _ZERO or any(b <= a for a, b in pairwise(bounds)):
            raise ValueError(
                "rating bands must be non-negative and increase: best_possible < best_in_class "
                "< yellow < red < critical, e.g. 3, 5, 10, 15, 30 minutes; got "
                + ", ".join(str(b) for b in bounds)
            )


def rate(systems_delay: timedelta, bands: RatingBands = RatingBands()) -> Rating:
    """The benchmark rating of a systems delay (a single lead's or an average)."""
    if systems_delay >= bands.critical:
        return Rating.CRITICAL
    if systems_delay >= bands.red:
        return Rating.RED
    if systems_delay >= bands.yellow:
        return Rating.YELLOW
    if systems_delay <= bands.best_possible:
        return Rating.BEST_POSSIBLE
    if systems_delay <= bands.best_in_class:
        return Rating.BEST_IN_CLASS
    return Rating.ACCEPTABLE


@dataclass(frozen=True)
class OutageWindow:
    """A declared outage ``[starts_at, ends_at)`` of the lead pipeline."""

    starts_at: datetime
    ends_at: datetime
    reason: str

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise ValueError(
                f"outage {self.reason!r} must end after it starts "
                f"(starts {self.starts_at.isoformat()}, ends {self.ends_at.isoformat()})"
            )


def excluded_by_outage(
    engaged_at: datetime, assigned_at: datetime | None, outages: Iterable[OutageWindow]
) -> bool:
    """Whether the systems-delay interval ``[engaged_at, assigned_at]`` meets an outage.

    Such a lead stays in the records but is left out of averages. A lead not
    yet assigned is still waiting, so any outage after its engagement counts.
    An assignment exactly at an outage's start is not touched by it; a lead
    engaged and assigned in the same instant is when that instant is inside.
    """
    for outage in outages:
        end = outage.ends_at if assigned_at is None else max(assigned_at, engaged_at)
        if end == engaged_at:
            if outage.starts_at <= engaged_at < outage.ends_at:
                return True
        elif max(engaged_at, outage.starts_at) < min(end, outage.ends_at):
            return True
    return False


@dataclass(frozen=True)
class Summary:
    count: int
    mean: timedelta | None
    median: timedelta | None
    p90: timedelta | None


def summarize(values: Sequence[timedelta]) -> Summary:
    """Count, mean, median and 90th percentile; None for each statistic when empty.

    The median of an even count is the mean of the two middle values. The p90
    is by nearest rank: the value at rank ceil(0.9·n) in ascending order, so it
    is always an observed delay (with 10 values, the 9th smallest).
    """
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return Summary(0, None, None, None)
    mean = sum(ordered, _ZERO) / n
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Summary(n, mean, median, ordered[-(-9 * n // 10) - 1])  # ceil(0.9·n), in integers
