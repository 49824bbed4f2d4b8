"""The time-based rules, pure: when an idle record times out, whether a touch breaks a
cooling-off period, whether two reps' touches are duplicate outreach. Each takes ``now`` (or
the touch's instant) and answers with why in words. Windows are half-open, like check.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from baton.domain.calendar import BusinessCalendar
from baton.domain.ownership.rules import OwnershipRules

LOOK_BACK_DAYS = 31  # a calendar closed longer than this has no business day to sweep


@dataclass(frozen=True)
class Finding:
    hit: bool
    why: str


def timeout_due(
    rules: OwnershipRules, last_activity: datetime, now: datetime, entity: str = "opportunity"
) -> datetime:
    """The instant an idle record times out: its last activity plus the timeout."""
    return last_activity + rules.timeout.after_for(entity)


def timed_out(
    rules: OwnershipRules, last_activity: datetime, now: datetime, entity: str = "opportunity"
) -> Finding:
    """Idle for the whole timeout (the exact instant included) → reassign."""
    due = timeout_due(rules, last_activity, now, entity)
    if now >= due:
        return Finding(
            True,
            f"no activity since {last_activity.isoformat()}: idle for "
            f"{(now - last_activity).days} days, the timeout was due {due.isoformat()}",
        )
    return Finding(
        False, f"last activity {last_activity.isoformat()}, times out at {due.isoformat()}"
    )


def cooling_off_breach(
    rules: OwnershipRules, lost_at: datetime, lost_owner: str | None, rep: str, at: datetime
) -> Finding:
    """A touch by ``rep`` at ``at`` on an account whose deal was lost at ``lost_at``."""
    end = lost_at + rules.cooling_off.days
    if rep != lost_owner and lost_at <= at < end:
        return Finding(
            True,
            f"{rep} engaged the account at {at.isoformat()}, inside the "
            f"cooling-off period after the deal lost at {lost_at.isoformat()} "
            f"(owner {lost_owner}; until {end.isoformat()})",
        )
    return Finding(False, "outside the cooling-off period, or by its owner")


def duplicate_outreach(
    rules: OwnershipRules, earlier: tuple[str, datetime], later: tuple[str, datetime]
) -> Finding:
    """Two touches on one account: by two different reps within the window?"""
    (rep_a, at_a), (rep_b, at_b) = earlier, later
    window = rules.duplicate_outreach.window
    if rep_a != rep_b and abs(at_b - at_a) < window:
        return Finding(
            True,
            f"{rep_a} touched the account at {at_a.isoformat()} and {rep_b} at "
            f"{at_b.isoformat()}, within {window.days} days",
        )
    return Finding(False, "the same rep, or outside the window")


def _business_day(day: date, calendar: BusinessCalendar | None) -> bool:
    """A day the calendar opens at all (Monday to Friday without one)."""
    if calendar is None:
        return day.weekday() < 5
    return bool(calendar.windows_on(day))


def sweep_due(
    rules: OwnershipRules,
    calendar: BusinessCalendar | None,
    zone: ZoneInfo,
    last_run: datetime | None,
    now: datetime,
) -> datetime | None:
    """The timeout sweep runs once per business day at ``timeout.run_at`` local time (the
    calendar's zone, else ``zone``): the instant of the latest such run at or before ``now``
    if it has not run yet (``last_run`` is the instant of the last run), else None. Missed
    days are not made up one by one: one sweep finds everything idle by then."""
    local = calendar.timezone if calendar is not None else zone
    today = now.astimezone(local).date()
    for back in range(LOOK_BACK_DAYS + 1):
        day = today - timedelta(days=back)
        at = datetime.combine(day, rules.timeout.run_at, tzinfo=local)
        if at <= now and _business_day(day, calendar):
            return at if last_run is None or at > last_run else None
    return None
