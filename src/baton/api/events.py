"""The event log, read-only, oldest first, with a cursor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from baton.api.deps import AfterId, BatonDep, Read
from baton.api.guard import GuardedRoute
from baton.services.events import EventFilter, list_events
from baton.services.jsonable import jsonable
from baton.services.limits import Instant

router = APIRouter(prefix="/v1", tags=["Events"], route_class=GuardedRoute)


@router.get("/events", summary="Read the append-only event log")
def read_events(
    baton: BatonDep,
    token: Read,
    kind: Annotated[
        str | None, Query(description="e.g. lead.created, or lead.* for every lead event")
    ] = None,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    since: Instant | None = None,
    until: Instant | None = None,
    after_id: AfterId = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    f = EventFilter(kind, entity, entity_id, actor, since, until, after_id, limit)
    with baton.db.read() as conn:
        items = list_events(conn, f)
    return {
        "items": jsonable(items),
        "next_after_id": items[-1]["id"] if len(items) == limit else None,
    }
