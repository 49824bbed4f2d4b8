"""What every use case runs on: the database, the clock, and the event path.

A use case opens one :class:`Unit` (a write transaction), changes records,
``emit``s an event for each change, and commits. ``emit`` appends the event to
the log and runs the handlers registered for its kind (``bootstrap.HANDLERS``)
in the same transaction; events they emit in turn are handled after, in the
order they were recorded. A handler that raises rolls the whole unit back:
nothing is half-done and nothing is logged and dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection

from baton.domain.events import EventKind
from baton.services.clock import Clock, SystemClock
from baton.services.events import record_event
from baton.settings import Settings
from baton.store.db import Database


@dataclass(frozen=True)
class Event:
    id: int
    kind: EventKind
    entity_id: str
    payload: dict[str, Any]
    at: datetime
    actor: str


T = TypeVar("T")
Handler = Callable[["Unit", Event], None]
Handlers = Mapping[EventKind, Sequence[Handler]]


@dataclass
class Unit:
    """One write transaction of one use case: who acts, when, and the event path."""

    conn: Connection
    now: datetime
    actor: str
    handlers: Handlers = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what handlers want the caller to know
    memo: dict[Any, Any] = field(default_factory=dict)  # per-unit caches (routing state, …)
    _pending: deque[Event] = field(default_factory=deque)
    _dispatching: bool = False

    def emit(
        self,
        kind: EventKind,
        entity_id: object,
        payload: dict[str, Any],
        *,
        at: datetime | None = None,
        entity: str | None = None,
    ) -> Event:
        """Record ``kind`` in the event log and let its handlers react (same transaction)."""
        at = at or self.now
        event_id = record_event(
            self.conn,
            at=at,
            actor=self.actor,
            kind=kind.value,
            entity=entity or kind.entity,
            entity_id=entity_id,
            payload=payload,
        )
        event = Event(event_id, kind, str(entity_id), payload, at, self.actor)
        if self.handlers.get(kind):
            self._pending.append(event)
            self._drain()
        return event

    def _drain(self) -> None:
        if self._dispatching:
            return  # the outer emit handles it, in order
        self._dispatching = True
        try:
            while self._pending:
                event = self._pending.popleft()
                for handler in self.handlers.get(event.kind, ()):
                    handler(self, event)
        finally:
            self._dispatching = False
            self._pending.clear()

    def commit(self) -> None:
        self.conn.commit()


@dataclass
class App:
    """The database, the clock and the handlers: what a use case needs, and all it needs."""

    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    handlers: Handlers = field(default_factory=dict)

    @contextmanager
    def unit(self, actor: str, *, now: datetime | None = None) -> Iterator[Unit]:
        """A write transaction; rolled back unless the use case calls ``unit.commit()``."""
        with self.db.write() as conn:
            yield Unit(conn, now or self.clock.now(), actor, self.handlers)

    def run(self, actor: str, step: Callable[..., T], *args: Any) -> T:
        """``step(unit, *args)`` in a unit of its own, committed when it returns."""
        with self.unit(actor) as unit:
            result = step(unit, *args)
            unit.commit()
        return result
