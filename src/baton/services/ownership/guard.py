"""Every change of owner by hand passes the rules of engagement: ``{entity}.assigned`` with
``by: manual`` (the API's PATCH, and every later door that changes an owner) is judged by
``check_owner_change`` against the live ``ownership:`` rules. A block raises
OwnershipBlocked (the unit rolls back: nothing of the change is kept); an allowed exception
is stored with its trace in the same unit. Routing's and the intake's assignments are the
engine's own and are not judged here."""

from __future__ import annotations

from baton.domain.events import AssignedBy
from baton.domain.ownership import check_owner_change
from baton.services.app import Event, Unit
from baton.services.live import live_workspace
from baton.services.ownership.decisions import OwnershipBlocked, store
from baton.services.ownership.facts import owner_change


def on_owner_assigned(unit: Unit, event: Event) -> None:
    if event.payload.get("by") != AssignedBy.MANUAL:
        return
    live = live_workspace(unit.conn)
    if live is None or live.ownership is None:
        return
    config = live.ownership
    entity = event.kind.entity
    change = owner_change(
        unit.conn, entity, int(event.entity_id), event.payload, config.lost_stages
    )
    verdict = check_owner_change(config.rules, change, unit.now)
    if not verdict.allowed:
        raise OwnershipBlocked(change, verdict, live.version)
    if verdict.recorded:
        store(unit.conn, unit.now, unit.actor, change, verdict, live.version)
