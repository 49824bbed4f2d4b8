"""Rules about people that every door (API, dashboard, CLI) applies the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_OUT_OF_OFFICE = timedelta(days=366)  # longer is a departure: mark the person inactive


@dataclass(frozen=True)
class Period:
    starts_at: datetime
    ends_at: datetime
    reason: str = ""

    def describe(self, zone: ZoneInfo) -> str:
        """In the person's words: whole days as first → last day, else local times."""
        start, end = self.starts_at.astimezone(zone), self.ends_at.astimezone(zone)
        if start.time() == time(0) and end.time() == time(0):
            last = end - timedelta(days=1)
            return f"{start:%Y-%m-%d} → {last:%Y-%m-%d}"
        return f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} {zone.key}"


def out_of_office_problems(new: Period, others: Sequence[Period], zone: ZoneInfo) -> dict[str, str]:
    """What is wrong with ``new`` beside the person's ``others``: {field: message}, empty when
    it may be recorded. A period ends after it starts, lasts at most 366 days, and overlaps
    none of the others (a period that ends as another starts touches it and is fine).
    Instants are shown in ``zone``, the person's."""
    if new.ends_at <= new.starts_at:
        start, end = new.starts_at.astimezone(zone), new.ends_at.astimezone(zone)
        return {
            "ends_at": f"the end ({end:%Y-%m-%d %H:%M}) must be after the start "
            f"({start:%Y-%m-%d %H:%M}, {zone.key})"
        }
    if new.ends_at - new.starts_at > MAX_OUT_OF_OFFICE:
        return {
            "ends_at": f"a period is at most {MAX_OUT_OF_OFFICE.days} days; for a departure, "
            "mark the person inactive (active: false in baton.yaml, or PATCH /v1/people/ID)"
        }
    for other in others:
        if other.starts_at < new.ends_at and new.starts_at < other.ends_at:
            why = f", {other.reason}" if other.reason else ""
            return {
                "starts_at": f"overlaps the period already set ({other.describe(zone)}{why}); "
                "remove that one first"
            }
    return {}
