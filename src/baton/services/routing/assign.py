"""Use case: route a record through the live (or any) workspace version and store why.

``on_lead_created`` is the reaction to ``lead.created``: a new lead is assigned in
the transaction that stores it. Backfilled history (a lead that arrives already
assigned) is not routed again. A decision updates the lead (owner or queue,
matched account, ``assigned_at``), stores the trace, moves the round-robin
pointer and emits ``lead.routed`` and ``lead.assigned`` (which the SLA clock
reacts to).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, update

from baton.domain.events import AssignedBy, EventKind
from baton.domain.records import LeadStatus
from baton.domain.routing.facts import RecordFacts
from baton.domain.routing.flow import Decision, Router
from baton.domain.routing.roundrobin import MemberState
from baton.services.app import Event, Unit
from baton.services.live import LiveWorkspace, live_workspace
from baton.services.routing.ports import DbRoutingPorts
from baton.store.lookup import one
from baton.store.tables import leads, pool_members, routing_decisions

FACT_FIELDS = (
    "email",
    "website",
    "company",
    "first_name",
    "last_name",
    "title",
    "phone",
    "source",
    "campaign",
    "lead_type",
    "status",
    "country",
    "state",
    "region",
    "industry",
    "employees",
    "segment",
    "product",
    "score",
    "is_test",
    "override_owner",
    "email_domain",
)


def lead_facts(row: Any) -> RecordFacts:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    fields = {f: get(f) for f in FACT_FIELDS}
    return RecordFacts(
        fields,
        record_id=get("id"),
        current_owner=get("owner_id"),
        override_owner=bool(get("override_owner")),
        extra=get("extra") or {},
    )


def decide(
    live: LiveWorkspace, ports: DbRoutingPorts, facts: RecordFacts, trigger: str, at: datetime
) -> Decision | None:
    flow = live.routing.flow_for(
        trigger, lambda name: facts.extra if name == "extra" else facts.get(name)
    )
    if flow is None:
        return None
    decision = Router(ports, at).route(flow, facts)
    ports.note(decision, at)
    return decision


def on_lead_created(unit: Unit, event: Event) -> None:
    """Assign a new lead in the transaction that stores it."""
    lead_id, row = int(event.entity_id), event.payload
    if row.get("owner_id") and not row.get("override_owner"):
        # it arrived assigned (CRM history): not routed again; its clock runs from that assignment
        at = row.get("assigned_at") or row["received_at"]
        assigned = {"previous_owner_id": None, "owner_id": row["owner_id"], "queue": None}
        unit.emit(EventKind.LEAD_ASSIGNED, lead_id, {**assigned, "at": at, "by": AssignedBy.INTAKE})
        return
    live, ports = routing_of(unit)
    if ports is None:
        return
    at = min(row["received_at"], unit.now)  # a backfilled lead is routed as of its arrival
    decision = decide(live, ports, lead_facts({**row, "id": lead_id}), "lead.created", at)
    if decision is None:
        unit.warnings.append("no routing flow applies to this lead")
        return
    store_decision(unit, live.version, lead_id, decision, "lead.created", at, ports)


def on_lead_status_changed(unit: Unit, event: Event) -> None:
    """A lead that becomes an MQL is routed by the ``trigger: lead.mql`` flow, if any; not
    when the move is history being imported (it was routed then, in the CRM)."""
    if event.payload.get("to") != LeadStatus.MQL or event.payload.get("by") == "import":
        return
    live, ports = routing_of(unit)
    lead = one(unit.conn, leads, id=int(event.entity_id))
    if ports is None or lead is None:
        return
    decision = decide(live, ports, lead_facts(lead), "lead.mql", unit.now)
    if decision is not None:
        store_decision(unit, live.version, lead.id, decision, "lead.mql", unit.now, ports)


def routing_of(unit: Unit) -> tuple[LiveWorkspace | None, DbRoutingPorts | None]:
    """The live routing and its ports (people and pool state read once per unit)."""
    if "routing" not in unit.memo:
        live = live_workspace(unit.conn)
        locks = unit.conn.dialect.name == "postgresql"
        ports = (
            DbRoutingPorts(unit.conn, live.routing, live.calendars, lock=locks)
            if live and live.routes_leads
            else None
        )
        unit.memo["routing"] = (live, ports)
    return unit.memo["routing"]


def store_decision(
    unit: Unit,
    version: int,
    lead_id: int,
    d: Decision,
    trigger: str,
    at: datetime,
    ports: DbRoutingPorts,
) -> int:
    """Give the lead its owner or queue, keep the trace, move the round robin; emit
    ``lead.routed`` and ``lead.assigned``."""
    conn = unit.conn
    before = one(conn, leads, columns=("owner_id", "assigned_at"), id=lead_id)
    previous = before.owner_id if before else None
    changes: dict[str, Any] = {"owner_id": d.owner_id, "queue": d.queue, "updated_at": at}
    if d.owner_id and not (before and before.assigned_at):
        changes["assigned_at"] = at  # the first assignment; a re-route keeps it (docs/sla.md)
    if d.account:
        changes["account_id"] = d.account.account_id
    conn.execute(update(leads).where(leads.c.id == lead_id).values(**changes))
    decision_id = conn.execute(
        insert(routing_decisions).returning(routing_decisions.c.id),
        {
            "lead_id": lead_id,
            "version": version,
            "trigger": trigger,
            "flow": d.flow,
            "owner_id": d.owner_id,
            "queue": d.queue,
            "team_id": d.team_id,
            "pool_id": d.pool_id,
            "node": d.node,
            "node_kind": d.node_kind,
            "via_fallback": d.via_fallback,
            "matched_account_id": d.account.account_id if d.account else None,
            "steps": [s.__dict__ for s in d.steps],
            "decided_at": at,
            "actor": unit.actor,
        },
    ).scalar_one()
    save_pools(conn, d, ports.stored)
    routed = {"decision_id": decision_id, "owner_id": d.owner_id, "queue": d.queue}
    where = {"flow": d.flow, "node": d.node, "version": version}
    unit.emit(EventKind.LEAD_ROUTED, lead_id, {**routed, **where}, at=at)
    assigned = {"previous_owner_id": previous, "owner_id": d.owner_id, "queue": d.queue}
    unit.emit(
        EventKind.LEAD_ASSIGNED, lead_id, {**assigned, "at": at, "by": AssignedBy.ROUTING}, at=at
    )
    return decision_id


def save_pools(conn: Connection, d: Decision, stored: dict[tuple[str, str], MemberState]) -> None:
    """Write the members whose state changed (usually the one chosen); count the chosen one's
    lead."""
    for pool_id, states in d.pool_updates.items():
        for m in states:
            before = stored.get((pool_id, m.person_id))
            if before == m:
                continue
            chosen = int(pool_id == d.pool_id and m.person_id == d.owner_id)
            values = {
                "weight": m.weight,
                "credit": m.credit,
                "behind": m.behind,
                "position": m.position,
                "last_assigned_at": m.last_assigned_at,
            }
            if before is None:
                conn.execute(
                    insert(pool_members),
                    {
                        "pool_id": pool_id,
                        "person_id": m.person_id,
                        "assigned_total": chosen,
                        **values,
                    },
                )
            else:
                values["assigned_total"] = pool_members.c.assigned_total + chosen
                conn.execute(
                    update(pool_members)
                    .where(
                        pool_members.c.pool_id == pool_id, pool_members.c.person_id == m.person_id
                    )
                    .values(**values)
                )
            stored[(pool_id, m.person_id)] = m
