"""When an SLA clock runs: from its start, in business time, minus its pauses.

A clock's time is the business time of its calendar inside its running
segments. These helpers map between instants and that running time, so the
clock module reads as rules, not interval arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from baton.domain.calendar import BusinessCalendar

__all__ = ["Segment", "elapsed_at", "instant_at", "running_segments"]

Segment = tuple[datetime, datetime | None]  # [start, end); end None = runs on


def running_segments(
    started_at: datetime, pauses: Iterable[tuple[datetime, datetime | None]]
) -> list[Segment]:
    """The intervals the clock runs in; none runs on after a pause still open.

    Pauses may overlap, come in any order or lie partly before the start.
    """
    segments: list[Segment] = []
    cursor = started_at
    for pause_start, pause_end in sorted(pauses, key=lambda pause: pause[0]):
        if pause_end is not None and pause_end <= cursor:
            continue
        if pause_start > cursor:
            segments.append((cursor, pause_start))
        if pause_end is None:
            return segments
        cursor = pause_end
    segments.append((cursor, None))
    return segments


def elapsed_at(calendar: BusinessCalendar, segments: list[Segment], t: datetime) -> timedelta:
    """Running business time from the start up to instant ``t`` (zero before the start)."""
    elapsed = timedelta(0)
    for start, end in segments:
        if start >= t:
            break
        elapsed += calendar.between(start, t if end is None else min(end, t))
    return elapsed


def instant_at(
    calendar: BusinessCalendar, segments: list[Segment], offset: timedelta
) -> datetime | None:
    """The first instant at which the running time reaches ``offset`` (UTC).

    None when a pause still open comes first: while paused nothing is due.
    Reaching it exactly at the end of a segment counts as reached there.
    """
    remaining = offset
    for start, end in segments:
        if end is None:
            return calendar.add(start, remaining)
        room = calendar.between(start, end)
        if remaining <= room:
            return calendar.add(start, remaining)
        remaining -= room
    return None
