"""Reading the outbox (``baton alerts``, ``GET /v1/alerts``) and re-queuing dead letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from baton.domain.alerts import AlertState
from baton.domain.events import EventKind
from baton.services.app import App, Unit
from baton.store.tables import alert_deliveries, alert_digest_members, alerts

STATES = tuple(s.value for s in AlertState)  # the words an API or CLI filter takes
LIST_COLUMNS = [c for c in alerts.c if c.name != "content"]


@dataclass(frozen=True)
class AlertFilter:
    state: str | None = None
    kind: str | None = None  # "sla.*" matches every kind starting "sla."
    recipient: str | None = None
    lead_id: int | None = None
    since: datetime | None = None
    after_id: int | None = None
    limit: int = 100
    newest_first: bool = False


def list_alerts(conn: Connection, f: AlertFilter) -> list[dict[str, Any]]:
    """Alerts oldest first from the cursor ``after_id`` (or newest first), without their content."""
    query = (
        select(*LIST_COLUMNS)
        .order_by(alerts.c.id.desc() if f.newest_first else alerts.c.id)
        .limit(f.limit)
    )
    conditions = {
        "state": (f.state, lambda v: alerts.c.state == v),
        "kind": (
            f.kind,
            lambda v: alerts.c.kind.startswith(v[:-1]) if v.endswith("*") else alerts.c.kind == v,
        ),
        "recipient": (f.recipient, lambda v: alerts.c.recipient_id == v),
        "lead_id": (f.lead_id, lambda v: alerts.c.lead_id == v),
        "since": (f.since, lambda v: alerts.c.created_at >= v),
        "after_id": (f.after_id, lambda v: alerts.c.id > v),
    }
    for value, condition in conditions.values():
        if value is not None:
            query = query.where(condition(value))
    return [dict(r._mapping) for r in conn.execute(query)]


def alert_detail(conn: Connection, alert_id: int) -> dict[str, Any] | None:
    """One alert with every delivery attempt and, for a digest, the alerts it lists."""
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        return None
    attempts = conn.execute(
        select(alert_deliveries)
        .where(alert_deliveries.c.alert_id == alert_id)
        .order_by(alert_deliveries.c.id)
    )
    members = conn.execute(
        select(alert_digest_members.c.alert_id)
        .where(alert_digest_members.c.digest_id == alert_id)
        .order_by(alert_digest_members.c.alert_id)
    )
    in_digest = conn.execute(
        select(alert_digest_members.c.digest_id).where(alert_digest_members.c.alert_id == alert_id)
    )
    return {
        **dict(row._mapping),
        "deliveries": [dict(a._mapping) for a in attempts],
        "digest_of": [m.alert_id for m in members],
        "listed_in": [d.digest_id for d in in_digest],
    }


def requeue(app: App, alert_id: int, actor: str) -> dict[str, Any]:
    """Put a dead (or failed) alert back in the queue now; its give-up clock restarts.

    Channels that already delivered it are not tried again.
    """
    return app.run(actor, _requeue, alert_id)


def _requeue(unit: Unit, alert_id: int) -> dict[str, Any]:
    conn = unit.conn
    now = unit.now
    actor = unit.actor
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise LookupError(f"no alert {alert_id}")
    if row.state not in ("dead", "failed"):
        raise ValueError(
            f"alert {alert_id} is {row.state}; only dead or failed alerts can be retried"
        )
    conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id)
        .values(state="pending", next_attempt_at=None, claimed_by=None, claimed_until=None)
    )
    attempt = conn.execute(
        select(func.coalesce(func.max(alert_deliveries.c.attempt), 0)).where(
            alert_deliveries.c.alert_id == alert_id
        )
    ).scalar_one()
    conn.execute(
        insert(alert_deliveries).values(
            alert_id=alert_id,
            attempt=attempt,
            channel="-",
            outcome="requeued",
            worker=actor,
            at=now,
            silent=False,
        )
    )
    unit.emit(
        EventKind.ALERT_REQUEUED,
        alert_id,
        {
            "previous_state": row.state,
            "last_error": row.last_error,
            "attempts": row.attempts,
        },
    )
    return {**dict(row._mapping), "state": "pending"}
