"""Use case: someone left (or is leaving) — re-route their open leads and named accounts.

Dry run by default: the plan says where each record would go and why. With
``apply`` the same decisions are stored (owner, trace, round-robin pointer,
events) in one transaction. The person must be inactive first, so the flow
cannot hand their records straight back to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from baton.domain.events import AssignedBy, EventKind
from baton.domain.records import OPEN_STATUSES
from baton.domain.routing.facts import RecordFacts
from baton.domain.routing.flow import Decision
from baton.services.app import App, Unit
from baton.services.live import live_workspace
from baton.services.routing.assign import (
    decide,
    lead_facts,
    save_pools,
    store_decision,
)
from baton.services.routing.ports import DbRoutingPorts
from baton.store.tables import accounts, leads, people, routing_decisions

TRIGGER = "lead.reroute"


class DepartureError(Exception):
    """The re-route cannot run; the message says why and what to do."""


@dataclass
class Moved:
    kind: str  # lead | account
    record_id: int
    label: str
    decision: Decision


@dataclass
class DeparturePlan:
    person_id: str
    moves: list[Moved] = field(default_factory=list)
    ports: DbRoutingPorts | None = None  # holds the round-robin state the plan moved

    def summary(self) -> dict[str, Any]:
        to: dict[str, int] = {}
        for m in self.moves:
            key = m.decision.owner_id or f"queue {m.decision.queue}"
            to[key] = to.get(key, 0) + 1
        return {
            "person_id": self.person_id,
            "leads": sum(m.kind == "lead" for m in self.moves),
            "accounts": sum(m.kind == "account" for m in self.moves),
            "to": to,
        }


def reroute_departed(app: App, person_id: str, actor: str, *, apply: bool) -> DeparturePlan:
    """The plan (dry run), or the plan carried out in one unit of work (``apply``)."""
    if not apply:
        with app.db.read() as conn:
            return _plan(conn, person_id, app.clock.now(), lock=False)
    with app.unit(actor) as unit:
        locks = unit.conn.dialect.name == "postgresql"
        plan = _plan(unit.conn, person_id, unit.now, lock=locks)
        version = live_workspace(unit.conn).version
        for move in plan.moves:
            _store(unit, version, move, plan)
        unit.commit()
    return plan


def _plan(conn: Connection, person_id: str, now: datetime, *, lock: bool) -> DeparturePlan:
    person = conn.execute(select(people).where(people.c.id == person_id)).first()
    if person is None:
        raise DepartureError(f"no person '{person_id}'")
    if person.active:
        raise DepartureError(
            f"{person_id} is still active: deactivate them first "
            f"(active: false in baton.yaml, or PATCH /v1/people/{person_id})"
        )
    live = live_workspace(conn)
    if live is None or not live.routes_leads:
        raise DepartureError("the active version has no routing flows to re-route through")
    ports = DbRoutingPorts(conn, live.routing, live.calendars, lock=lock)
    plan = DeparturePlan(person_id)
    owned = conn.execute(
        select(leads)
        .where(leads.c.owner_id == person_id, leads.c.status.in_(OPEN_STATUSES))
        .order_by(leads.c.id)
    )
    for row in owned:
        decision = decide(live, ports, lead_facts(row), TRIGGER, now)
        if decision:
            plan.moves.append(
                Moved("lead", row.id, row.email or row.company or f"lead {row.id}", decision)
            )
    for row in conn.execute(
        select(accounts).where(accounts.c.owner_id == person_id).order_by(accounts.c.id)
    ):
        fields = {
            k: getattr(row, k)
            for k in ("segment", "employees", "industry", "country", "region", "state", "website")
        }
        facts = RecordFacts(
            {**fields, "company": row.name},
            record_id=row.id,
            kind="account",
            current_owner=person_id,
        )
        decision = decide(live, ports, facts, TRIGGER, now)
        if decision:
            plan.moves.append(Moved("account", row.id, row.name, decision))
    plan.ports = ports
    return plan


def _store(unit: Unit, version: int, move: Moved, plan: DeparturePlan) -> None:
    conn, now, d = unit.conn, unit.now, move.decision
    if move.kind == "lead":
        store_decision(unit, version, move.record_id, d, TRIGGER, now, plan.ports)
        return
    conn.execute(
        update(accounts)
        .where(accounts.c.id == move.record_id)
        .values(owner_id=d.owner_id, updated_at=now)
    )
    conn.execute(
        insert(routing_decisions),
        {
            "account_id": move.record_id,
            "version": version,
            "trigger": TRIGGER,
            "flow": d.flow,
            "owner_id": d.owner_id,
            "queue": d.queue,
            "team_id": d.team_id,
            "pool_id": d.pool_id,
            "node": d.node,
            "node_kind": d.node_kind,
            "via_fallback": d.via_fallback,
            "matched_account_id": None,
            "steps": [s.__dict__ for s in d.steps],
            "decided_at": now,
            "actor": unit.actor,
        },
    )
    save_pools(conn, d, plan.ports.stored)
    unit.emit(
        EventKind.ACCOUNT_REROUTED,
        move.record_id,
        {"from": plan.person_id, "owner_id": d.owner_id, "queue": d.queue, "node": d.node},
    )
    assigned = {"previous_owner_id": plan.person_id, "owner_id": d.owner_id, "queue": d.queue}
    unit.emit(
        EventKind.ACCOUNT_ASSIGNED,
        move.record_id,
        {**assigned, "at": now, "by": AssignedBy.ROUTING},
    )
