"""A stored clock's state as of ``now``, without waiting for the worker.

A clock is stored ``pending`` with the deadline its history gives (``verdict``'s
``due_at``: None while an open pause holds it, moved by closed pauses, none for an
excluded clock). Its miss timer records the miss and sends the alerts when the worker
runs; the verdict does not wait for it: a pending clock whose deadline has passed is a
miss as of ``now``, in every report, page and answer, before and after the timer fires
(the timer judges the deadline instant itself a miss too).
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["overdue_pending", "state_as_of"]


def overdue_pending(state: str, due_at: datetime | None, now: datetime) -> bool:
    """Stored as pending, and its deadline is behind ``now``: missed, timer or not."""
    return state == "pending" and due_at is not None and due_at <= now


def state_as_of(state: str, due_at: datetime | None, now: datetime) -> str:
    """The stored ``state`` (pending, hit, miss, excluded, released) as it stands at ``now``."""
    return "miss" if overdue_pending(state, due_at, now) else state
