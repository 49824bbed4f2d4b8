"""Reading routing decisions back: for a lead's trace page, the CLI and the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from baton.domain.events import EventKind
from baton.domain.routing.explain import explain
from baton.services.app import App, Unit
from baton.services.outcomes import reject
from baton.store.tables import leads, misroutes, people, routing_decisions


def lead_trace(conn: Connection, lead_id: int) -> list[dict[str, Any]]:
    """Every routing decision for the lead, newest last, each with its explanation in words."""
    names = {r.id: r.name for r in conn.execute(select(people.c.id, people.c.name))}
    out = []
    for r in conn.execute(
        select(routing_decisions)
        .where(routing_decisions.c.lead_id == lead_id)
        .order_by(routing_decisions.c.id)
    ):
        data = dict(r._mapping)
        data["explanation"] = explain(r.steps, r.owner_id, r.queue, r.flow, names.get(r.owner_id))
        out.append(data)
    return out


def flag_misroute(
    app: App,
    lead_id: int,
    reason: str,
    actor: str,
    expected_owner: str | None,
    reported_by: str | None = None,
) -> int:
    """Use case: a rep says the lead went to the wrong place; the misroute id. ``actor`` is
    who records it (``api:TOKEN``…), ``reported_by`` who says so (default: the actor)."""
    return app.run(actor, _flag, lead_id, reason, expected_owner, reported_by)


def _flag(
    unit: Unit, lead_id: int, reason: str, expected_owner: str | None, reported_by: str | None
) -> int:
    conn = unit.conn
    if conn.execute(select(leads.c.id).where(leads.c.id == lead_id)).first() is None:
        raise LookupError(lead_id)
    if (
        expected_owner
        and conn.execute(select(people.c.id).where(people.c.id == expected_owner)).first() is None
    ):
        raise reject("expected_owner", f"person '{expected_owner}' does not exist")
    last = conn.execute(
        select(routing_decisions.c.id)
        .where(routing_decisions.c.lead_id == lead_id)
        .order_by(routing_decisions.c.id.desc())
        .limit(1)
    ).scalar()
    flagged = {
        "reason": reason,
        "expected_owner": expected_owner,
        "decision_id": last,
        "reported_by": reported_by or unit.actor,
    }
    misroute_id = conn.execute(
        insert(misroutes).returning(misroutes.c.id),
        {"lead_id": lead_id, "created_at": unit.now, **flagged},
    ).scalar_one()
    unit.emit(EventKind.LEAD_MISROUTE_FLAGGED, lead_id, flagged)
    return misroute_id
