"""The time-based rules, pure: when an idle record times out, whether a touch breaks a
cooling-off period, whether two reps' touches are duplicate outreach. Each takes ``now`` (or
the touch's instant) and answers with why in words. Windows are half-open, like check.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from baton.domain.ownership.rules import OwnershipRules


@dataclass(frozen=True)
class Finding:
    hit: bool
    why: str


def timeout_due(rules: OwnershipRules, last_activity: datetime, now: datetime) -> datetime:
    """The instant an idle record times out: its last activity plus the timeout."""
    return last_activity + rules.timeout.after


def timed_out(rules: OwnershipRules, last_activity: datetime, now: datetime) -> Finding:
    """Idle for the whole timeout (the exact instant included) → reassign."""
    due = timeout_due(rules, last_activity, now)
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
