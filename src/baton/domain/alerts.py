"""Alert delivery rules, pure: which channels a kind uses, when to try again,
when to give up, which bursts fold into a digest, when a weekly digest is due.

Nothing here reads the clock: ``now`` and a random source come in as arguments.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from fnmatch import fnmatchcase
from zoneinfo import ZoneInfo

from baton.domain.calendar import BusinessCalendar
from baton.domain.sla.clock import DueKind

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AlertKind(StrEnum):
    """What an alert is about; routes and digests pick alerts by kind (``sla.*``)."""

    SLA_NOTICE = "sla.notice"  # a clock is running out
    SLA_MISS = "sla.miss"
    SLA_ESCALATION = "sla.escalation"
    SLA_REASSIGNED = "sla.reassigned"  # a miss moved the lead (on_miss): both owners told
    DIGEST_BURST = "digest.burst"  # a burst of one kind to one person, folded into one
    DIGEST_WEEKLY = "digest.weekly"

    @classmethod
    def for_due(cls, kind: DueKind) -> AlertKind:
        """The alert an SLA timer sends when it fires."""
        return cls(f"sla.{kind.value}")

    @property
    def is_digest(self) -> bool:
        return self in (AlertKind.DIGEST_BURST, AlertKind.DIGEST_WEEKLY)


class AlertState(StrEnum):
    """Where an alert is in the outbox."""

    PENDING = "pending"  # to send at its next attempt
    HELD = "held"  # waiting for a digest's schedule
    SENT = "sent"
    FAILED = "failed"  # an attempt failed; retried at next_attempt_at
    DEAD = "dead"  # given up on after retries; a person may requeue it
    SUPPRESSED = "suppressed"  # not sent, with its reason (a backfill, silent mode)
    DIGESTED = "digested"  # went out inside a digest


class RouteMode(StrEnum):
    FALLBACK = "fallback"  # the first channel that delivers wins
    ALL = "all"  # every channel must deliver


@dataclass(frozen=True)
class Route:
    kinds: tuple[str, ...]  # alert kinds, or patterns such as "sla.*"
    channels: tuple[str, ...]
    mode: RouteMode = RouteMode.FALLBACK

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", RouteMode(self.mode))

    def matches(self, kind: str) -> bool:
        return any(fnmatchcase(kind, pattern) for pattern in self.kinds)


def route_for(kind: str, routes: Sequence[Route]) -> Route | None:
    """The first route whose kinds match ``kind`` (None: no channel is configured for it)."""
    return next((r for r in routes if r.matches(kind)), None)


def channels_to_try(route: Route, delivered: set[str]) -> list[str]:
    """The channels still to try this attempt, in order; empty when the alert is done."""
    if route.mode is RouteMode.ALL:
        return [c for c in route.channels if c not in delivered]
    return [] if delivered & set(route.channels) else list(route.channels)


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: timedelta
    max_delay: timedelta
    give_up_after: timedelta


def backoff(attempt: int, policy: RetryPolicy, rng: random.Random) -> timedelta:
    """Exponential backoff with "equal jitter": half the delay fixed, half random.

    Attempt 1 waits about ``first_delay``, each later one twice as long, capped at
    ``max_delay``; the random half keeps many failed alerts from retrying in step.
    """
    doublings: int = 2 ** max(0, attempt - 1)
    exp = policy.first_delay * doublings
    ceiling = min(exp, policy.max_delay)
    return ceiling / 2 + ceiling / 2 * rng.random()


@dataclass(frozen=True)
class Verdict:
    state: AlertState  # FAILED (retry at next_attempt_at) or DEAD
    next_attempt_at: datetime | None


def after_failure(
    now: datetime,
    created_at: datetime,
    attempt: int,
    policy: RetryPolicy,
    rng: random.Random,
    retry_after: float | None = None,
) -> Verdict:
    """What a failed attempt leads to: another try later, or the dead-letter state.

    A provider's ``Retry-After`` is honoured as a floor. An alert gives up when
    the next try would fall past ``created_at + give_up_after``.
    """
    delay = backoff(attempt, policy, rng)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    at = now + delay
    if at > created_at + policy.give_up_after:
        return Verdict(AlertState.DEAD, None)
    return Verdict(AlertState.FAILED, at)


def burst_groups(
    pending: dict[tuple[str, str], int], recent: dict[tuple[str, str], int], limit: int
) -> list[tuple[str, str]]:
    """(recipient, kind) groups whose pending alerts plus those already sent in the
    window exceed ``limit``: their pending alerts go out as one digest."""
    return sorted(g for g, n in pending.items() if n > 0 and n + recent.get(g, 0) > limit)


def weekly_slot(
    now: datetime, weekday: str, at: str, zone: str, calendar: BusinessCalendar | None = None
) -> tuple[str, datetime]:
    """This ISO week's period name and the instant the digest is due.

    The slot is ``weekday`` at ``at`` local time in ``zone``; with a calendar, a
    slot that falls while it is closed (a holiday, a night) moves to its next
    opening — the digest lands when people are at work.
    """
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    year, week, _ = local.isocalendar()
    day = local.date() - timedelta(days=local.weekday()) + timedelta(days=WEEKDAYS.index(weekday))
    hour, minute = (int(p) for p in at.split(":"))
    slot = datetime.combine(day, time(hour, minute), tzinfo=tz)
    if calendar is not None and not calendar.is_open(slot):
        slot = calendar.next_open(slot)
    return f"{year}-W{week:02d}", slot.astimezone(ZoneInfo("UTC"))


def due_slots(
    now: datetime, weekday: str, at: str, zone: str, calendar: BusinessCalendar | None = None
) -> list[tuple[str, datetime]]:
    """The weekly slots due at ``now`` (period, instant), oldest first: this ISO week's once
    its instant has come, and last week's when a closed calendar moved it into this week
    (a Friday-evening slot to Monday morning) — so no week is skipped."""
    out = []
    this_period, this_slot = weekly_slot(now, weekday, at, zone, calendar)
    period, slot = weekly_slot(now - timedelta(days=7), weekday, at, zone, calendar)
    local = now.astimezone(ZoneInfo(zone))
    week_start = datetime.combine(
        local.date() - timedelta(days=local.weekday()), time(0), tzinfo=ZoneInfo(zone)
    )
    if week_start <= slot <= now:
        out.append((period, slot))
    if this_slot <= now:
        out.append((this_period, this_slot))
    return out
