"""What an SLA rule says: threshold, start, notices, escalation tiers, reassignment.

Every duration here is business time, counted in the calendar the caller
resolves for the rule (the owner's, or a named one). "One business day" is not
a calendar lookup but a configurable amount of business time (default 8 h), so
on a 09:00–17:00 calendar tier 3 falls at the same clock time on the next
business day, and on a calendar with other hours it is still exactly 8 h of
business time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

__all__ = [
    "BUSINESS_DAY",
    "DEFAULT_ESCALATIONS",
    "FIRST_TIER",
    "Escalation",
    "OnReassign",
    "SlaPolicy",
    "Start",
    "default_escalations",
]

BUSINESS_DAY = timedelta(hours=8)
FIRST_TIER = 2  # tier 1 is the miss: the owner's sla.miss alert at the deadline


class Start(StrEnum):
    """The moment a clock starts; the caller passes that instant as ``started_at``."""

    ASSIGNED = "assigned"
    MQL = "mql"


class OnReassign(StrEnum):
    RESTART = "restart"  # the new owner gets a fresh clock
    CARRY = "carry"  # the new owner inherits the business time already spent


@dataclass(frozen=True)
class Escalation:
    """A tier of the chain that follows a miss while nobody touches the lead, ``after_miss``
    in business time. Tiers start at 2: tier 1 is the miss alert itself (``sla.miss``, to
    the owner at the deadline), so an alert kind means one thing."""

    tier: int
    recipient: str  # "owner" | "manager" | a person id (e.g. the executive)
    after_miss: timedelta


def default_escalations(
    executive: str = "executive",
    *,
    manager_after: timedelta = timedelta(hours=2),
    business_day: timedelta = BUSINESS_DAY,
) -> tuple[Escalation, ...]:
    """Tier 2 the manager two business hours after the miss, tier 3 the executive a
    business day after it (the owner heard of the miss itself at the deadline)."""
    return (
        Escalation(2, "manager", manager_after),
        Escalation(3, executive, business_day),
    )


DEFAULT_ESCALATIONS = default_escalations()

_E = TypeVar("_E", bound=StrEnum)


def _enum(kind: type[_E], value: _E | str, field: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(
            f"{field} must be one of {', '.join(repr(v.value) for v in kind)}, got {value!r}"
        ) from None


@dataclass(frozen=True)
class SlaPolicy:
    """One SLA rule. ``notices`` are fractions of the threshold; notices at or
    past ``manager_cc_from`` are urgent and copy the owner's manager."""

    name: str
    threshold: timedelta
    start: Start = Start.ASSIGNED
    notices: tuple[float, ...] = (0.5, 0.8)
    escalations: tuple[Escalation, ...] = DEFAULT_ESCALATIONS
    on_reassign: OnReassign = OnReassign.RESTART
    calendar: str = "owner"  # "owner" or a calendar name, resolved by the caller
    manager_cc_from: float = 0.8

    def __post_init__(self) -> None:
        where = f"SLA rule {self.name!r}" if self.name else "SLA rule"
        object.__setattr__(self, "start", _enum(Start, self.start, f"{where}: start"))
        object.__setattr__(
            self, "on_reassign", _enum(OnReassign, self.on_reassign, f"{where}: on_reassign")
        )
        object.__setattr__(self, "notices", tuple(self.notices))
        object.__setattr__(self, "escalations", tuple(self.escalations))
        problems = _problems(self)
        if problems:
            raise ValueError(f"{where}: " + "; ".join(problems))


def _problems(policy: SlaPolicy) -> list[str]:
    problems = []
    if not policy.name:
        problems.append("name must not be empty, e.g. 'demo request'")
    if not isinstance(policy.threshold, timedelta) or policy.threshold <= timedelta(0):
        problems.append(
            f"threshold must be a positive duration, e.g. 30 minutes; got {policy.threshold!r}"
        )
    notices = policy.notices
    if any(not 0 < f < 1 for f in notices) or any(b <= a for a, b in pairwise(notices)):
        problems.append(
            f"notices must be fractions strictly between 0 and 1 in increasing order, "
            f"e.g. (0.5, 0.8); got {notices!r}"
        )
    if not 0 < policy.manager_cc_from <= 1:
        problems.append(
            "manager_cc_from must be a fraction in (0, 1], e.g. 0.8; "
            f"got {policy.manager_cc_from!r}"
        )
    problems += _escalation_problems(policy.escalations)
    return problems


def _escalation_problems(escalations: tuple[Escalation, ...]) -> list[str]:
    problems = []
    for e in escalations:
        if e.tier < FIRST_TIER or not e.recipient or e.after_miss < timedelta(0):
            problems.append(
                f"escalation tier {e.tier!r} needs a tier from {FIRST_TIER} (tier 1 is the "
                f"miss alert to the owner), a recipient and a non-negative after_miss, "
                f"e.g. Escalation(2, 'manager', 2 hours)"
            )
    for a, b in pairwise(escalations):
        if b.tier <= a.tier or b.after_miss < a.after_miss:
            problems.append(
                f"escalation tiers must increase and not fire earlier than the tier before: "
                f"tier {a.tier} after {a.after_miss}, then tier {b.tier} after {b.after_miss}"
            )
    return problems
