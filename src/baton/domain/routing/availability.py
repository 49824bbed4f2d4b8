"""Whether a pool member can take a lead now, and if not, why — in words for the trace.

The checks run in a fixed order (inactive, out of office, outside hours,
capacity, daily cap); counts are asked for only when a limit is set, since
they may cost a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from baton.domain.calendar import BusinessCalendar
from baton.domain.routing.roundrobin import MemberState


def unavailable_reason(
    *,
    active: bool,
    timezone: str | None,
    away_until: datetime | None,
    calendar: BusinessCalendar | None,
    max_open: int | None,
    max_per_day: int | None,
    open_count: Callable[[], int],
    today_count: Callable[[], int],
    now: datetime,
    check_hours: bool,
    check_capacity: bool,
) -> str | None:
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


def unavailable_members(
    members: Iterable[MemberState], why_not: Callable[[str], str | None]
) -> dict[str, str]:
    """Person id → reason, for the members who cannot take a lead now; ``why_not(person_id)``
    is the port's ``unavailable_reason`` for one member (None: available)."""
    reasons = ((m.person_id, why_not(m.person_id)) for m in members)
    return {person_id: reason for person_id, reason in reasons if reason}


def local_day(at: datetime, timezone: str | None) -> str:
    """The person's calendar date at ``at`` (daily caps reset at their midnight)."""
    return at.astimezone(ZoneInfo(timezone or "UTC")).date().isoformat()


class PersonRow(Protocol):
    """What ``PeopleView`` reads of a person (a database row, or a test's record)."""

    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...


class PeopleView:
    """What routing asks about people, over ``self.people`` (id → row with name, active,
    timezone …) and ``self.ooo`` (id → [(starts_at, ends_at)]). Shared by the database
    ports and the in-memory ones, so both answer in the same words."""

    people: Mapping[str, PersonRow]
    ooo: Mapping[str, Sequence[tuple[datetime, datetime]]]

    def person_name(self, person_id: str) -> str:
        row = self.people.get(person_id)
        return row.name.split()[0] if row else person_id

    def person_manager(self, person_id: str) -> str | None:
        row = self.people.get(person_id)  # a stored person's manager_id, a spec's manager
        return getattr(row, "manager_id", None) or getattr(row, "manager", None) or None

    def person_problem(self, person_id: str, now: datetime) -> str | None:
        row = self.people.get(person_id)
        if row is None:
            return "does not exist"
        return None if row.active else "is inactive"

    def person_note(self, person_id: str, now: datetime) -> str | None:
        until = self._away_until(person_id, now)
        return f"out of office until {until:%b %-d}" if until else None

    def _away_until(self, person_id: str, now: datetime) -> datetime | None:
        ends = [end for start, end in self.ooo.get(person_id, ()) if start <= now < end]
        return max(ends) if ends else None
