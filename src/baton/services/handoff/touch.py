"""What happens to a handoff after the close: the deal's handoff fields filled in later
(``opportunity.updated``) and the CSM's first activity with the customer
(``activity.created``: time to first touch = close → that activity)."""

from __future__ import annotations

from sqlalchemy import or_, select, update

from baton.domain.handoff import StepKind
from baton.services.app import Event, Unit
from baton.services.handoff.handlers import record_step, refresh
from baton.services.live import live_workspace
from baton.store.lookup import one
from baton.store.tables import handoffs, opportunities


def on_opportunity_updated(unit: Unit, event: Event) -> None:
    """Fields filled after the close (an overridden one, say): what is missing, the state and
    the summary follow. A change that also moves the stage is the stage's handlers' (a re-close
    says what changed)."""
    changed = event.payload.get("changed", {})
    if "handoff" not in changed or "stage" in changed:
        return
    row = one(unit.conn, handoffs, opportunity_id=int(event.entity_id))
    live = live_workspace(unit.conn)
    if row is None or live is None or live.handoff is None:
        return
    refresh(unit, live, row, one(unit.conn, opportunities, id=row.opportunity_id))


def on_activity_created(unit: Unit, event: Event) -> None:
    """The CSM's first activity on the deal or its account after the close stamps first touch."""
    person = event.payload.get("person_id")
    opp_id, account_id = event.payload.get("opportunity_id"), event.payload.get("account_id")
    if not person or (opp_id is None and account_id is None):
        return
    h = handoffs.c
    on = []
    if opp_id is not None:
        on.append(h.opportunity_id == opp_id)
    if account_id is not None:
        on.append(h.account_id == account_id)
    at = event.payload["occurred_at"]
    rows = unit.conn.execute(
        select(h.id, h.first_closed_at).where(
            h.csm_id == person, h.first_touch_at.is_(None), or_(*on), h.first_closed_at <= at
        )
    ).all()
    for row in rows:
        unit.conn.execute(update(handoffs).where(handoffs.c.id == row.id).values(first_touch_at=at))
        hours = (at - row.first_closed_at).total_seconds() / 3600
        why = f"{person}'s first activity with the customer, {hours:.1f} h after the close"
        record_step(unit, row.id, StepKind.FIRST_TOUCH, why, {"activity_id": event.entity_id})
