"""Handing a lead to another owner mid-window without blaming the one who lost it.

The previous owner's charge ends at the reassignment: a miss that had already
happened stays theirs, anything later is not. The new owner gets a clock that
restarts at the reassignment or, with ``OnReassign.CARRY``, inherits the
business time already spent (as ``elapsed_before``, not by back-dating the
start, so the record keeps the real instant the new owner got the lead). A
clock with no time left (the previous owner missed) restarts even under CARRY:
carrying it would blame the new owner for a miss that happened before them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from baton.domain.calendar import BusinessCalendar
from baton.domain.sla.clock import ClockInput, VerdictState, verdict
from baton.domain.sla.policy import OnReassign, SlaPolicy

__all__ = ["Charge", "Outcome", "reassign"]


class Outcome(StrEnum):
    MISS = "miss"  # missed before the lead was taken away: charged to them
    RELEASED = "released"  # taken away in time: neither hit nor miss
    EXCLUDED = "excluded"


@dataclass(frozen=True)
class Charge:
    """Who was accountable for the lead in ``[started_at, ended_at)`` and the outcome."""

    owner_id: str
    started_at: datetime
    ended_at: datetime
    outcome: Outcome
    due_at: datetime | None
    elapsed_business: timedelta
    miss_duration: timedelta | None
    next_owner_id: str


def reassign(
    policy: SlaPolicy, calendar: BusinessCalendar, clock: ClockInput, new_owner: str, at: datetime
) -> tuple[ClockInput, Charge]:
    """The new owner's clock from ``at`` and the closed charge of the previous owner.

    A pause still open at ``at`` goes on in the new clock; an exclusion stays.
    A clock already stopped at ``at`` has nothing left to hand over (ValueError).
    """
    if at < clock.started_at:
        raise ValueError(
            f"reassignment at {at.isoformat()} is before the clock started "
            f"({clock.started_at.isoformat()})"
        )
    if clock.stopped_at is not None and clock.stopped_at <= at:
        raise ValueError(
            f"the clock of {clock.owner_id!r} stopped at {clock.stopped_at.isoformat()}, "
            "before the reassignment: the SLA is settled, there is no clock to hand over"
        )
    before = verdict(policy, calendar, clock, at)
    outcome = {VerdictState.MISS: Outcome.MISS, VerdictState.EXCLUDED: Outcome.EXCLUDED}.get(
        before.state, Outcome.RELEASED
    )
    charge = Charge(
        clock.owner_id,
        clock.started_at,
        at,
        outcome,
        before.due_at,
        before.elapsed_business,
        before.miss_duration,
        new_owner,
    )
    carry = (
        policy.on_reassign is OnReassign.CARRY
        and outcome is Outcome.RELEASED
        and before.elapsed_business < policy.threshold
    )
    pauses = tuple((max(start, at), end) for start, end in clock.pauses if end is None or end > at)
    new_clock = ClockInput(
        started_at=at,
        owner_id=new_owner,
        pauses=pauses,
        stopped_at=clock.stopped_at,
        excluded_reason=clock.excluded_reason,
        elapsed_before=before.elapsed_business if carry else timedelta(0),
    )
    return new_clock, charge
