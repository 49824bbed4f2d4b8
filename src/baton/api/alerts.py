"""Alerts: the outbox as people see it (pending, sent, failed, dead letters), re-queuing,
silent mode."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from baton.api.deps import Admin, AfterId, BatonDep, PathId, QueryId, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.services.alerts.outbox import STATES, AlertFilter, alert_detail, list_alerts, requeue
from baton.services.alerts.silent import silent_status
from baton.services.jsonable import jsonable
from baton.services.limits import Instant

router = APIRouter(prefix="/v1/alerts", tags=["Alerts"], route_class=GuardedRoute)


@router.get(
    "", summary="List alerts: pending, sent (when, channel, provider id), failed, dead-lettered"
)
def read_alerts(
    baton: BatonDep,
    token: Read,
    state: Annotated[str | None, Query(description="one of " + ", ".join(STATES))] = None,
    kind: Annotated[
        str | None, Query(description="e.g. sla.miss, or sla.* for every SLA alert")
    ] = None,
    recipient: Annotated[str | None, Query(description="a person id")] = None,
    lead_id: QueryId = None,
    since: Annotated[Instant | None, Query(description="created at or after this instant")] = None,
    after_id: AfterId = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    if state is not None and state not in STATES:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["query", "state"],
                    "field": "state",
                    "message": f"expected one of {', '.join(STATES)}",
                    "type": "enum",
                }
            ],
        )
    with baton.db.read() as conn:
        items = list_alerts(
            conn, AlertFilter(state, kind, recipient, lead_id, since, after_id, limit)
        )
    return {
        "items": jsonable(items),
        "next_after_id": items[-1]["id"] if len(items) == limit else None,
    }


@router.get(
    "/silent",
    summary="Silent mode: on or off, since when, time spent in it (wall clock and business time)",
)
def read_silent(baton: BatonDep, token: Read) -> dict[str, Any]:
    with baton.db.read() as conn:
        return jsonable(silent_status(conn, baton.clock.now()).as_dict())


@router.get("/{alert_id}", summary="One alert with every delivery attempt")
def read_alert(alert_id: PathId, baton: BatonDep, token: Read) -> dict[str, Any]:
    with baton.db.read() as conn:
        detail = alert_detail(conn, alert_id)
    if detail is None:
        raise HTTPException(404, f"no alert {alert_id}")
    return jsonable(detail)


@router.post("/{alert_id}/retry", summary="Re-queue a dead-lettered (or failed) alert now")
def retry_alert(alert_id: PathId, baton: BatonDep, token: Admin) -> dict[str, Any]:
    try:
        requeue(baton, alert_id, actor_of(token))
    except LookupError:
        raise HTTPException(404, f"no alert {alert_id}") from None
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from None
    with baton.db.read() as conn:
        return jsonable(alert_detail(conn, alert_id))
