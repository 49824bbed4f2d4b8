"""Workspace calendar specs → domain ``BusinessCalendar`` values."""

from __future__ import annotations

from baton.domain.calendar import BusinessCalendar, HolidaySet
from baton.workspace.schema import WEEKDAYS, CalendarSpec, expand_weekdays, parse_window


def build_calendar(name: str, spec: CalendarSpec) -> BusinessCalendar:
    """Raise ValueError (with a message for a person) when the windows contradict."""
    weekly: dict[int, list] = {}
    for key, windows in spec.week.items():
        for day in expand_weekdays(key):
            weekly[WEEKDAYS.index(day)] = [parse_window(w) for w in windows]
    custom_closed = {d.date for d in spec.custom_days if not d.hours}
    special = {d.date: tuple(parse_window(w) for w in d.hours) for d in spec.custom_days if d.hours}
    holidays = HolidaySet(
        countries=tuple((h.country, h.subdivision) for h in spec.holidays),
        dates=frozenset(custom_closed),
        special_days=special,
    )
    return BusinessCalendar(spec.timezone, weekly, holidays, name=name)
