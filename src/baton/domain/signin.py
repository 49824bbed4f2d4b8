"""Sign-in throttling: when a user name or a client address may try a password again.

Pure: the failed attempts since the last success come in, the end of the pause goes out.
The first ``max_failures`` failures within ``window`` pause further attempts for
``backoff``; each failure after a pause, before a quiet ``window`` has passed since it
ended, pauses twice as long as the last one (at most ``max_backoff``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    backoff: timedelta = timedelta(minutes=1)
    max_backoff: timedelta = timedelta(hours=1)


def paused_until(failures: Iterable[datetime], policy: ThrottlePolicy) -> datetime | None:
    """The end of the pause the ``failures`` (oldest first) earned, None when none did."""
    recent: list[datetime] = []
    until: datetime | None = None
    pause = policy.backoff
    for at in failures:
        if until is not None and at - until > policy.window:  # quiet long enough: forgiven
            recent, until, pause = [], None, policy.backoff
        if until is not None:  # failed again soon after a pause: twice as long
            pause = min(pause * 2, policy.max_backoff)
            until = at + pause
            continue
        recent = [t for t in recent if at - t < policy.window] + [at]
        if len(recent) >= policy.max_failures:
            until = at + pause
    return until


def retry_after_seconds(until: datetime | None, now: datetime) -> int | None:
    """Whole seconds until a paused key may try again (at least 1), None when it may now."""
    if until is None or until <= now:
        return None
    return max(1, int((until - now).total_seconds() + 0.999))
