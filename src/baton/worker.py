"""The background worker: runs each registered job in turn, forever, until stopped.

A job is a function ``(baton, now) -> int`` returning how much work it did;
when a round did nothing the loop sleeps ``idle_seconds``. Failures are
recorded in the log with their traceback and the loop goes on: a job that
failed is retried on the next round, never dropped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, update

from baton.bootstrap import Baton
from baton.reports.scope import health_limits
from baton.services.alerts.delivery import Delivery
from baton.services.handoff.escalation import escalate_due_handoffs
from baton.services.handoff.first_touch import tell_first_touch_misses
from baton.services.health.transitions import HealthJob
from baton.services.ownership.dispute_sla import remind_due_disputes
from baton.services.ownership.timeouts import TimeoutJob
from baton.services.sla.timers import fire_due_timers, next_due_at
from baton.store.tables import worker_heartbeats

log = logging.getLogger("baton.worker")
Job = Callable[[Baton, datetime], int]
EXPIRE_AFTER_SILENCES = 10  # /healthz lists a worker silent for one worker_silence as stale


def heartbeat(baton: Baton, now: datetime, name: str | None = None) -> int:
    """Record that this worker is alive (shown by /healthz), and forget the workers silent
    for over ten times ``health.worker_silence``: a process that died expires instead of
    being listed forever."""
    name = name or f"{socket.gethostname()}:{os.getpid()}"
    with baton.db.write() as conn:
        values = {"beat_at": now, "pid": os.getpid(), "host": socket.gethostname()}
        if not conn.execute(
            update(worker_heartbeats).where(worker_heartbeats.c.worker == name).values(**values)
        ).rowcount:
            conn.execute(insert(worker_heartbeats).values(worker=name, **values))
        expired = now - EXPIRE_AFTER_SILENCES * health_limits(conn).worker_silence
        conn.execute(delete(worker_heartbeats).where(worker_heartbeats.c.beat_at < expired))
        conn.commit()
    return 0


def default_jobs() -> list[Job]:
    """The jobs `baton serve` runs, in order each round: liveness, SLA timers, incomplete
    handoffs due to escalate, CSMs' missed first touches, idle deals past the ownership
    timeout, disputes owed a reminder or overdue, health monitors (once a minute: a red
    transition alerts), alert delivery."""
    return [
        heartbeat,
        fire_due_timers,
        escalate_due_handoffs,
        tell_first_touch_misses,
        TimeoutJob(),
        remind_due_disputes,
        HealthJob(),
        Delivery(),
    ]


def warm_analytics(baton: Baton) -> threading.Thread:
    """Copy the database into the dashboard's mirror (``baton.analytics``) in a thread of its
    own, at start-up, so the first dashboard page does not wait for it (30–50 s per million
    leads) and timers never do."""

    def warm() -> None:
        try:
            with baton.db.read() as conn, baton.analytics().session(conn, baton.clock.now()):
                pass
        except Exception:
            log.exception(
                "copying the database into the dashboard's mirror failed; "
                "the first page will try again"
            )

    thread = threading.Thread(target=warm, name="baton-analytics-warm", daemon=True)
    thread.start()
    return thread


@dataclass
class Worker:
    baton: Baton
    jobs: list[Job] = field(default_factory=default_jobs)
    idle_seconds: float = 1.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def run_once(self) -> int:
        done = 0
        for job in self.jobs:
            try:
                done += job(self.baton, self.baton.clock.now())
            except Exception:
                log.exception(
                    "worker job %s failed; it will run again next round",
                    getattr(job, "__name__", job),
                )
        return done

    def run_forever(self) -> None:
        while not self._stop.is_set():
            if self.run_once() == 0:
                self._stop.wait(self._idle_wait())

    def _idle_wait(self) -> float:
        """Sleep until the next SLA timer falls due, at most ``idle_seconds``: a miss is
        recorded moments after its deadline, not up to a whole polling interval later."""
        try:
            due = next_due_at(self.baton)
        except Exception:
            log.exception("could not read the next timer; polling every %s s", self.idle_seconds)
            return self.idle_seconds
        if due is None:
            return self.idle_seconds
        return min(self.idle_seconds, max(0.0, (due - self.baton.clock.now()).total_seconds()))

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="baton-worker", daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        """Finish the current round, then stop (a signal handler may call it)."""
        self._stop.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
