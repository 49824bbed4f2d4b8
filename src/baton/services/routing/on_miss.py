"""Use case: a missed SLA reassigns the lead when its rule says so (``on_miss``).

Registered for ``sla.miss`` (the miss timer fires once: claimed by one worker), it runs
at the miss: the lead goes back through the routing flow with its owner skipped
(``reroute: true``), or to a queue (``queue: ID``). The routing decision keeps the trace
— "SLA rule X missed by Y" — the old owner's charge closes as the miss it was (they are
not charged for the new clock), the new owner's clock starts, and both are told.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from baton.domain.alerts import AlertKind
from baton.domain.routing.flow import Decision, Step
from baton.domain.routing.vocabulary import NodeKind, StepOutcome
from baton.services.app import Event, Unit
from baton.services.live import live_workspace
from baton.services.routing.assign import decide, lead_facts, routing_of, store_decision
from baton.store.lookup import one
from baton.store.tables import alerts, leads, sla_clocks

TRIGGER = "sla.miss"


def on_sla_miss(unit: Unit, event: Event) -> None:
    live = live_workspace(unit.conn)
    rule = live.rule(event.payload.get("rule", "")) if live else None
    if rule is None or event.payload.get("history"):
        return
    if not (rule.reroute_on_miss or rule.queue_on_miss):
        return
    lead = one(unit.conn, leads, id=int(event.entity_id))
    clock = one(unit.conn, sla_clocks, id=event.payload["clock_id"])
    missed_by = event.payload["owner_id"]
    if lead is None or clock is None or clock.stopped_at is not None:
        return  # touched after all (a late touch in the same round): nothing to hand over
    if lead.owner_id != missed_by:
        return  # already somebody else's
    why = f"SLA rule {rule.name} missed by {missed_by}"
    decision = _rerouted(unit, lead, missed_by, why) if rule.reroute_on_miss else None
    if decision is None and rule.queue_on_miss:
        decision = _to_queue(rule.queue_on_miss, why)
    if decision is None:
        return
    _live, ports = routing_of(unit)
    version = live.version if live else 0
    store_decision(unit, version, lead.id, decision, TRIGGER, unit.now, ports)
    for person, role in ((missed_by, "previous owner"), (decision.owner_id, "new owner")):
        if person:
            _tell(unit, lead, person, role, why, decision)


def _rerouted(unit: Unit, lead, missed_by: str, why: str) -> Decision | None:
    live, ports = routing_of(unit)
    if ports is None or live is None:
        return None
    ports.skip = frozenset({missed_by})
    try:
        decision = decide(live, ports, lead_facts(lead), "lead.reroute", unit.now)
    finally:
        ports.skip = frozenset()
    if decision is None or decision.owner_id == missed_by:
        return None
    decision.steps.insert(0, Step("on_miss", NodeKind.ASSIGN, StepOutcome.PASSED, why))
    return decision


def _to_queue(queue: str, why: str) -> Decision:
    return Decision(
        flow="sla.on_miss",
        queue=queue,
        node="on_miss",
        node_kind=NodeKind.ASSIGN,
        steps=[Step("on_miss", NodeKind.ASSIGN, StepOutcome.ASSIGNED, f"{why}: to queue {queue}")],
    )


def _tell(unit: Unit, lead, person: str, role: str, why: str, decision: Decision) -> None:
    key = f"on_miss:{lead.id}:{unit.now.isoformat()}:{person}"
    if unit.conn.execute(select(alerts.c.id).where(alerts.c.idempotency_key == key)).first():
        return
    to = decision.owner_id or f"queue {decision.queue}"
    subject = f"{why}: lead {lead.id} reassigned to {to}"
    unit.conn.execute(
        insert(alerts),
        {
            "idempotency_key": key,
            "kind": AlertKind.SLA_REASSIGNED,
            "entity": "lead",
            "entity_id": str(lead.id),
            "lead_id": lead.id,
            "recipient_id": person,
            "role": role,
            "subject": subject,
            "content": {
                "lead": {"id": lead.id, "email": lead.email, "company": lead.company},
                "why": why,
                "to": to,
                "role": role,
            },
            "state": "pending",
            "due_at": unit.now,
            "created_at": unit.now,
            "attempts": 0,
            "next_attempt_at": unit.now,
        },
    )
