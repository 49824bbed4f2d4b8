"""Draining the alerts outbox: claim a batch, send outside the claim, record each result.

At-least-once, effectively once:

1. **Claim** (one short write transaction): due rows in ``pending``/``failed`` whose
   lease expired are stamped ``claimed_by``/``claimed_until``. PostgreSQL skips
   rows another worker holds (``FOR UPDATE SKIP LOCKED``); SQLite serialises
   claims with ``BEGIN IMMEDIATE``.
2. **Send** with no transaction open, ``delivery.concurrency`` at a time. An alert
   not started within 90 % of the lease is handed back unsent, so a slow batch
   never sends what another worker may already have claimed.
3. **Finish** (one short write transaction per alert): the attempt per channel goes
   to ``alert_deliveries``, the alert becomes ``sent``, ``failed`` (retry at
   ``next_attempt_at``, exponential backoff with jitter, ``Retry-After`` as a
   floor) or ``dead`` (past ``retry.give_up_after``, with the last error), and
   the claim is cleared.

A worker killed between 2 and 3 leaves a claim that was never cleared. The next
claim of that row sees the old ``claimed_by`` and sends with ``recovering``:
Slack first looks for a message carrying the alert's key and records it
instead of posting again; email re-sends with the same Message-ID and webhooks
with the same ``X-Baton-Idempotency-Key``, which receivers fold. So the
at-least-once window is the messages in flight when the worker died: at most
``delivery.concurrency`` per worker, and none on Slack.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from baton.domain.alerts import Route, RouteMode, after_failure, channels_to_try, route_for
from baton.notify import DeliveryError, Notifier
from baton.notify.render import Renderer
from baton.services.alerts.digests import prepare_digests
from baton.services.alerts.setup import AlertSetup, load_setup
from baton.services.app import App
from baton.store.tables import alert_deliveries, alerts, people
from baton.workspace.alerts_schema import parse_span

DELIVERED = ("sent", "found")


@dataclass
class Claimed:
    alert: dict[str, Any]
    recovering: bool  # an earlier claim never finished: the message may already be out
    delivered: set[str] = field(default_factory=set)  # channels that already took it
    restarted_at: datetime | None = None  # last `baton alerts retry`: the give-up clock restarts


@dataclass
class Attempt:
    rows: list[dict[str, Any]] = field(default_factory=list)  # alert_deliveries rows
    delivered: set[str] = field(default_factory=set)
    retry_after: float | None = None
    error: str | None = None
    unreachable: bool = False
    silent_skip: bool = False


def claim(
    conn: Connection, worker: str, now: datetime, limit: int, lease: timedelta
) -> list[Claimed]:
    """Reserve up to ``limit`` due alerts for ``worker`` (the caller commits)."""
    due = (
        select(alerts.c.id, alerts.c.claimed_by)
        .where(
            alerts.c.state.in_(("pending", "failed")),
            or_(alerts.c.next_attempt_at.is_(None), alerts.c.next_attempt_at <= now),
            or_(alerts.c.claimed_until.is_(None), alerts.c.claimed_until < now),
        )
        .order_by(alerts.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # Two statements, not UPDATE … RETURNING: we need the *previous* claimant to know a row
    # is recovering.
    previous = {r.id: r.claimed_by for r in conn.execute(due)}
    if not previous:
        return []
    conn.execute(
        update(alerts)
        .where(alerts.c.id.in_(previous))
        .values(claimed_by=worker, claimed_until=now + lease)
    )
    rows = {
        r.id: dict(r._mapping)
        for r in conn.execute(select(alerts).where(alerts.c.id.in_(previous)))
    }
    claimed = {i: Claimed(rows[i], previous[i] is not None) for i in sorted(rows)}
    history = select(
        alert_deliveries.c.alert_id,
        alert_deliveries.c.channel,
        alert_deliveries.c.outcome,
        alert_deliveries.c.at,
    ).where(
        alert_deliveries.c.alert_id.in_(previous),
        alert_deliveries.c.outcome.in_((*DELIVERED, "requeued")),
    )
    for r in conn.execute(history):
        if r.outcome == "requeued":
            c = claimed[r.alert_id]
            c.restarted_at = max(c.restarted_at or r.at, r.at)
        else:
            claimed[r.alert_id].delivered.add(r.channel)
    return list(claimed.values())


class Delivery:
    """The worker job: ``Delivery()(baton, now)`` delivers one batch and returns how many it
    handled."""

    def __init__(
        self,
        name: str | None = None,
        rng: random.Random | None = None,
        notifiers: dict[str, Notifier] | None = None,
    ) -> None:
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.rng = rng or random.Random()
        self.notifiers = (
            notifiers or {}
        )  # channel name -> notifier used instead of the configured one (tests)
        self.setup: AlertSetup | None = None
        self._renderer: tuple[AlertSetup, Renderer] | None = None
        self.paused: dict[
            str, float
        ] = {}  # channel -> monotonic time until which it asked us to wait
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = (
            None  # kept between rounds: senders keep their connections
        )
        self.__name__ = "deliver_alerts"

    def __call__(self, baton: App, now: datetime) -> int:
        with baton.db.read() as conn:
            self.setup = load_setup(conn, self.setup)
        if self.setup is None:
            return 0  # no alerts: section in the live version; alerts wait, undelivered
        setup = self.setup
        setup.notifiers.update(self.notifiers)
        done = prepare_digests(baton, setup, now)
        lease = parse_span(setup.spec.delivery.lease)
        with baton.db.write() as conn:
            batch = claim(conn, self.name, now, setup.spec.delivery.batch, lease)
            conn.commit()
        if not batch:
            return done
        # Past 90 % of the lease another worker may take the alert: what is not started by then
        # is handed back.
        send_until = time.monotonic() + lease.total_seconds() * 0.9
        recipients = {c.alert["recipient_id"] for c in batch} | {setup.spec.test_recipient} - {None}
        with baton.db.read() as conn:
            persons = {
                r.id: dict(r._mapping)
                for r in conn.execute(select(people).where(people.c.id.in_(recipients)))
            }
        if self._renderer is None or self._renderer[0] is not setup:
            self._renderer = (
                setup,
                Renderer(
                    {k: t.model_dump() for k, t in setup.spec.templates.items()},
                    baton.settings.public_url,
                ),
            )
        renderer = self._renderer[1]
        list(
            self._senders(setup.spec.delivery.concurrency).map(
                lambda c: (
                    self._deliver(baton, setup, renderer, persons, c)
                    if time.monotonic() < send_until
                    else self._release(baton, c)
                ),
                batch,
            )
        )
        return done + len(batch)

    def _senders(self, concurrency: int) -> ThreadPoolExecutor:
        if self._pool is None or self._pool._max_workers != concurrency:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
            self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="baton-alerts")
            weakref.finalize(
                self, self._pool.shutdown, wait=False
            )  # a job dropped without close() frees its threads
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if self.setup is not None:
            self.setup.close()

    def _deliver(
        self,
        baton: App,
        setup: AlertSetup,
        renderer: Renderer,
        persons: dict[str, dict],
        c: Claimed,
    ) -> None:
        alert = c.alert
        route = _route(alert, setup.routes)
        intended = persons.get(alert["recipient_id"])
        silent = setup.spec.silent
        target = persons.get(setup.spec.test_recipient or "") if silent else intended
        if route is None or target is None:
            missing = setup.spec.test_recipient if silent else alert["recipient_id"]
            why = (
                f"no route for kind '{alert['kind']}' under alerts.routes"
                if route is None
                else f"recipient '{missing}' is not in people"
            )
            return self._finish(baton, setup, c, Attempt(error=why, unreachable=True))
        try:
            message = renderer.render(alert, target, _intended(intended, alert) if silent else None)
        except Exception as exc:
            return self._finish(
                baton, setup, c, Attempt(error=f"template: {type(exc).__name__}: {exc}")
            )
        attempt = Attempt(delivered=set(c.delivered))
        for channel in channels_to_try(route, attempt.delivered):
            self._try_channel(setup, channel, message, target, silent, c.recovering, attempt)
            if route.mode is RouteMode.FALLBACK and attempt.delivered:
                break
        self._finish(baton, setup, c, attempt)

    def _release(self, baton: App, c: Claimed) -> None:
        """Give back an alert this worker claimed but will not send before its lease runs out."""
        with baton.db.write() as conn:
            conn.execute(
                update(alerts)
                .where(alerts.c.id == c.alert["id"], alerts.c.claimed_by == self.name)
                .values(claimed_by=self.name if c.recovering else None, claimed_until=None)
            )  # kept: still maybe sent
            conn.commit()

    def _try_channel(
        self,
        setup: AlertSetup,
        channel: str,
        message,
        target: dict,
        silent: bool,
        recovering: bool,
        attempt: Attempt,
    ) -> None:
        notifier = setup.notifier(channel)
        address = notifier.address_of(target, silent=silent)
        row = {"channel": channel, "address": address, "silent": silent, "worker": self.name}
        if not address:
            attempt.silent_skip = attempt.silent_skip or (
                silent and setup.spec.channels[channel].type == "webhook"
            )
            attempt.rows.append(
                {
                    **row,
                    "outcome": "skipped",
                    "error": f"{channel}: no address for '{target['id']}'",
                }
            )
            return
        started = time.monotonic()
        with self._lock:
            wait = self.paused.get(channel, 0) - started
        try:
            if wait > 0:
                raise DeliveryError(
                    f"{channel}: waiting {wait:.0f} s more as the provider asked (Retry-After)",
                    retry_after=wait,
                )
            sent = notifier.send(message, address, recovering=recovering)
        except DeliveryError as exc:
            if exc.retry_after:
                with self._lock:
                    self.paused[channel] = max(
                        self.paused.get(channel, 0), started + exc.retry_after
                    )
                attempt.retry_after = max(attempt.retry_after or 0, exc.retry_after)
            attempt.error = str(exc)
            attempt.rows.append(
                {
                    **row,
                    "outcome": "failed",
                    "error": str(exc),
                    "retry_after_seconds": exc.retry_after,
                    "seconds": time.monotonic() - started,
                }
            )
            return
        attempt.delivered.add(channel)
        attempt.rows.append(
            {
                **row,
                "outcome": "found" if sent.found else "sent",
                "provider_message_id": sent.provider_message_id[:200],
                "seconds": time.monotonic() - started,
            }
        )

    def _finish(self, baton: App, setup: AlertSetup, c: Claimed, attempt: Attempt) -> None:
        now = baton.clock.now()
        alert = c.alert
        route = _route(alert, setup.routes)
        done = (
            route is not None
            and not channels_to_try(route, attempt.delivered)
            and not attempt.unreachable
        )
        tried = [r for r in attempt.rows if r["outcome"] != "skipped"]
        values: dict[str, Any] = {
            "attempts": alert["attempts"] + 1,
            "claimed_by": None,
            "claimed_until": None,
        }
        if done:
            first = next((r for r in attempt.rows if r["outcome"] in DELIVERED), None)
            values.update(state="sent", sent_at=now, next_attempt_at=None)
            if first:
                values.update(
                    channel=first["channel"][:20], provider_message_id=first["provider_message_id"]
                )
        elif attempt.silent_skip and not tried:
            values.update(
                state="suppressed", suppressed_reason="silent mode: the webhook has no silent_url"
            )
        elif attempt.unreachable or not tried:
            reasons = "; ".join(r["error"] for r in attempt.rows) or attempt.error
            values.update(
                state="dead",
                next_attempt_at=None,
                last_error=f"cannot reach the recipient: {reasons}",
            )
        else:
            verdict = after_failure(
                now,
                c.restarted_at or alert["created_at"],
                values["attempts"],
                setup.retry,
                self.rng,
                attempt.retry_after,
            )
            values.update(
                state=verdict.state,
                next_attempt_at=verdict.next_attempt_at,
                last_error=attempt.error,
            )
        with baton.db.write() as conn:
            if attempt.rows:
                conn.execute(
                    insert(alert_deliveries),
                    [
                        {
                            "alert_id": alert["id"],
                            "attempt": values["attempts"],
                            "at": now,
                            "provider_message_id": None,
                            "error": None,
                            "retry_after_seconds": None,
                            "seconds": None,
                            **r,
                        }
                        for r in attempt.rows
                    ],
                )
            conn.execute(
                update(alerts)
                .where(alerts.c.id == alert["id"], alerts.c.claimed_by == self.name)
                .values(**values)
            )
            conn.commit()


def _route(alert: dict[str, Any], routes: list[Route]) -> Route | None:
    """Digests may name their own channels; every other alert follows alerts.routes."""
    own = (
        (alert.get("content") or {}).get("channels")
        if alert["kind"].startswith("digest.")
        else None
    )
    return Route(("*",), tuple(own)) if own else route_for(alert["kind"], routes)


def _intended(person: dict[str, Any] | None, alert: dict[str, Any]) -> dict[str, Any]:
    return {**(person or {"id": alert["recipient_id"]}), "role": alert.get("role")}
