"""A lead's SLA clock, computed from its history so it can be recomputed any time.

``ClockInput`` is the history of the current charge (who owns the lead since
when, pauses, the stopping touch, an exclusion); everything else is derived
from it, a policy and a calendar: ``schedule`` for the timers, ``verdict`` for
the outcome, ``still_due`` at the moment a timer fires. A changed calendar, rule
or history is handled by computing again, never by patching stored deadlines.

Conventions:

* Pause time does not count: a closed pause moves every later due time by the
  business time it covered. While a pause is still open nothing after its start
  is due, so ``schedule`` lists only what fell due before it began and
  ``verdict`` has no ``due_at`` unless the deadline came before the pause.
* A touch exactly at the deadline is a hit; the deadline is the first instant
  the running time reaches the threshold, which may be a closing time (a touch
  that evening is a miss by zero business time).
* ``schedule`` ignores the stopping touch: it is the plan; ``still_due`` decides
  at firing time, so a scheduler may store the plan once per history change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from baton.domain.calendar import BusinessCalendar
from baton.domain.sla.policy import SlaPolicy
from baton.domain.sla.timeline import elapsed_at, instant_at, running_segments

__all__ = [
    "ClockInput",
    "Due",
    "DueKind",
    "Verdict",
    "VerdictState",
    "backfill_suppressed",
    "schedule",
    "still_due",
    "verdict",
]

_ZERO = timedelta(0)


def _check_aware(t: datetime, field: str) -> None:
    if not isinstance(t, datetime) or t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(
            f"{field} must be a timezone-aware datetime, e.g. 2026-04-14T10:00:00+00:00; got {t!r}"
        )


@dataclass(frozen=True)
class ClockInput:
    """The history of the current charge of a lead's clock.

    ``elapsed_before`` is business time inherited from a previous owner when
    the rule carries the clock over on reassignment (``sla.reassign``); it is
    less than the threshold, since a clock with no time left restarts instead.
    """

    started_at: datetime  # assignment (or MQL) time of the current charge
    owner_id: str
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()  # end None = still paused
    stopped_at: datetime | None = None  # first qualifying touch by the owner, or SAL
    excluded_reason: str | None = None  # e.g. "disqualified", "test lead"
    elapsed_before: timedelta = _ZERO

    def __post_init__(self) -> None:
        _check_aware(self.started_at, "started_at")
        if self.stopped_at is not None:
            _check_aware(self.stopped_at, "stopped_at")
        pauses = tuple((start, end) for start, end in self.pauses)
        for start, end in pauses:
            _check_aware(start, "a pause start")
            if end is not None:
                _check_aware(end, "a pause end")
                if end < start:
                    raise ValueError(
                        f"a pause must not end ({end.isoformat()}) "
                        f"before it starts ({start.isoformat()})"
                    )
        object.__setattr__(self, "pauses", pauses)
        if not self.owner_id:
            raise ValueError("owner_id must not be empty")
        if self.elapsed_before < _ZERO:
            raise ValueError(f"elapsed_before must not be negative, got {self.elapsed_before}")

    def paused_at(self, t: datetime) -> bool:
        return any(start <= t and (end is None or t < end) for start, end in self.pauses)


class DueKind(StrEnum):
    NOTICE = "notice"
    MISS = "miss"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class Due:
    """A timer of one charge, the charge named by ``owner_id`` and ``charge_started_at``.

    ``key`` is stable within a charge (``notice:50``, ``miss``, ``escalation:2``);
    with the lead and the charge it makes an idempotency key. The miss is the
    moment the verdict turns and the owner's ``sla.miss`` alert; escalations follow
    from tier 2 while the lead is still untouched.
    """

    kind: DueKind
    due_at: datetime
    key: str
    recipient: str  # "owner" | "manager" | a person id
    owner_id: str
    charge_started_at: datetime
    cc: tuple[str, ...] = ()
    fraction: float | None = None
    tier: int | None = None


def _plan(policy: SlaPolicy, clock: ClockInput) -> list[tuple[timedelta, Due]]:
    """Each timer with its running-time offset; ``due_at`` is filled in by ``schedule``."""
    started_at = clock.started_at.astimezone(UTC)
    miss = Due(
        DueKind.MISS,
        due_at=started_at,
        key="miss",
        recipient="owner",
        owner_id=clock.owner_id,
        charge_started_at=started_at,
    )
    plan = [
        (
            policy.threshold * fraction,
            replace(
                miss,
                kind=DueKind.NOTICE,
                key=f"notice:{fraction * 100:g}",
                fraction=fraction,
                cc=("manager",) if fraction >= policy.manager_cc_from else (),
            ),
        )
        for fraction in policy.notices
    ]
    plan.append((policy.threshold, miss))
    plan += [
        (
            policy.threshold + e.after_miss,
            replace(
                miss,
                kind=DueKind.ESCALATION,
                key=f"escalation:{e.tier}",
                recipient=e.recipient,
                tier=e.tier,
            ),
        )
        for e in policy.escalations
    ]
    return plan


def schedule(policy: SlaPolicy, calendar: BusinessCalendar, clock: ClockInput) -> list[Due]:
    """Every notice, the miss and every escalation of the current charge, by due time.

    Nothing for an excluded clock. Timers whose running-time offset the charge
    inherited (``elapsed_before``) belong to the previous charge and are left out.
    """
    if clock.excluded_reason is not None:
        return []
    segments = running_segments(clock.started_at, clock.pauses)
    dues = []
    for offset, due in _plan(policy, clock):
        if offset < clock.elapsed_before:
            continue
        due_at = instant_at(calendar, segments, offset - clock.elapsed_before)
        if due_at is None:
            break  # an open pause: offsets only grow, nothing later is due either
        dues.append(replace(due, due_at=due_at))
    return dues  # in due order: offsets only grow


class VerdictState(StrEnum):
    PENDING = "pending"
    HIT = "hit"
    MISS = "miss"
    EXCLUDED = "excluded"


@dataclass(frozen=True)
class Verdict:
    """The outcome as of ``now``; durations in business time, carried time included."""

    state: VerdictState
    due_at: datetime | None
    response_business: timedelta | None
    miss_duration: timedelta | None
    elapsed_business: timedelta


def verdict(
    policy: SlaPolicy, calendar: BusinessCalendar, clock: ClockInput, now: datetime
) -> Verdict:
    """Hit when stopped at or before the deadline; miss when stopped after it or
    still running past it; pending otherwise; excluded without a verdict.

    A touch recorded after ``now`` is not known yet. The miss duration is the
    running business time past the threshold (pauses after the miss not counted).
    """
    _check_aware(now, "now")
    segments = running_segments(clock.started_at, clock.pauses)
    stopped_at = clock.stopped_at
    if stopped_at is not None and stopped_at > now:
        stopped_at = None  # a touch recorded after ``now`` is not known yet
    end = now if stopped_at is None else stopped_at
    elapsed = clock.elapsed_before + elapsed_at(calendar, segments, end)
    if clock.excluded_reason is not None:
        return Verdict(VerdictState.EXCLUDED, None, None, None, elapsed)
    due_at = instant_at(calendar, segments, max(policy.threshold - clock.elapsed_before, _ZERO))
    late = due_at is not None and end > due_at
    miss_duration = max(elapsed - policy.threshold, _ZERO) if late else None
    if stopped_at is not None:
        return Verdict(
            VerdictState.MISS if late else VerdictState.HIT, due_at, elapsed, miss_duration, elapsed
        )
    return Verdict(
        VerdictState.MISS if late else VerdictState.PENDING, due_at, None, miss_duration, elapsed
    )


def still_due(due: Due, clock: ClockInput, now: datetime) -> bool:
    """Whether ``due`` should fire at ``now`` given the clock's history as known then.

    Not before its time, not for an excluded clock, not once touched (an
    escalation fires only while there is still no touch), not while paused
    (the due time has moved), not for another charge (the lead changed hands).
    """
    if clock.excluded_reason is not None or due.due_at > now:
        return False
    if (due.owner_id, due.charge_started_at) != (clock.owner_id, clock.started_at):
        return False
    if clock.stopped_at is not None and clock.stopped_at <= now:
        return False
    return not clock.paused_at(now)


def backfill_suppressed(due: Due, received_at: datetime) -> bool:
    """Whether ``due`` fell due before the lead reached Baton: recorded as
    suppressed ("backfill"), not sent. Due exactly on receipt is sent."""
    return due.due_at < received_at
