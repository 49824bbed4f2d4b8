"""Whether a pool member can take a lead now, and if not, why — in words for the trace.

The checks run in a fixed order (inactive, out of office, outside hours,
capacity, daily cap); counts are asked for only when a limit is set, since
they may cost a query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from baton.domain.calendar import BusinessCalendar


def unavailable_reason(*, active: bool, timezone: str | None, away_until: datetime | None, calendar: BusinessCalendar | None,
                       max_open: int | None, max_per_day: int | None, open_count: Callable[[], int], today_count: Callable[[], int],
                       now: datetime, check_hours: bool, check_capacity: bool) -> str | None:
    if not active:
        return "inactive"
    if away_until is not None:
        return f"out of office until {away_until.astimezone(ZoneInfo(timezone or 'UTC')):%b %-d}"
    if check_hours and calendar is not None and not calendar.is_open(now):
        return "outside working hours"
    if not check_capacity:
        return None
    if max_open is not None and open_count() >= max_open:
        return f"at capacity ({max_open} open)"
    if max_per_day is not None and today_count() >= max_per_day:
        return f"at daily cap ({max_per_day} today)"
    return None


def local_day(at: datetime, timezone: str | None) -> str:
    """The person's calendar date at ``at`` (daily caps reset at their midnight)."""
    return at.astimezone(ZoneInfo(timezone or "UTC")).date().isoformat()
