"""How the lifecycle reacts to the lead's life (registered in ``bootstrap.HANDLERS``):

- a lead arrives or changes → it becomes an MQL when the workspace's qualification holds
  (a score threshold, or fit AND behaviour conditions), with the reason in words;
- an activity is logged → after N outbound attempts with no inbound reply, an open lead
  returns to Marketing as Recycled ("no response").
"""

from __future__ import annotations

from sqlalchemy import select

from baton.domain.lifecycle import unanswered_attempts
from baton.domain.records import LeadStatus
from baton.services.app import Event, Unit
from baton.services.lifecycle.status import QUALIFICATION, RECYCLING, lifecycle_of, move
from baton.services.sla.clocks import lead_getter
from baton.store.lookup import one
from baton.store.tables import activities, leads

QUALIFIABLE = (LeadStatus.NEW, LeadStatus.RECYCLED)
RECYCLABLE = (LeadStatus.MQL, LeadStatus.SAL)
NO_RESPONSE = "no response"


def on_lead_changed(unit: Unit, event: Event) -> None:
    """``lead.created`` / ``lead.updated``: qualify the lead when it now qualifies."""
    config = lifecycle_of(unit)
    if not config.qualifies_by_itself:
        return
    lead = one(unit.conn, leads, id=int(event.entity_id))
    if lead is None or lead.status not in QUALIFIABLE:
        return
    why = config.qualifies(lead_getter(lead))
    if why is not None:
        move(unit, lead.id, LeadStatus.MQL, None, f"qualified: {why}", QUALIFICATION)


def on_activity_created(unit: Unit, event: Event) -> None:
    """The Nth unanswered outbound attempt on an open lead recycles it."""
    lead_id = event.payload.get("lead_id")
    config = lifecycle_of(unit)
    if lead_id is None or config.recycle_after is None:
        return
    lead = one(unit.conn, leads, columns=("status", "assigned_at"), id=lead_id)
    if lead is None or lead.status not in RECYCLABLE:
        return
    query = select(activities.c.direction).where(activities.c.lead_id == lead_id)
    if lead.assigned_at is not None:
        query = query.where(activities.c.occurred_at >= lead.assigned_at)
    directions = [
        d or "outbound"
        for d in unit.conn.execute(
            query.order_by(activities.c.occurred_at, activities.c.id)
        ).scalars()
    ]
    attempts = unanswered_attempts(directions)
    if attempts >= config.recycle_after:
        note = f"{attempts} outbound attempts without a reply"
        move(unit, lead_id, LeadStatus.RECYCLED, NO_RESPONSE, note, RECYCLING)
