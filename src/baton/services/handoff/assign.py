"""Who the deal's CSM is: the routing engine with a ``trigger: handoff.csm`` flow (pools,
territories, branches on segment or ``extra.tier``), the trace kept with the handoff.

The account's CSM from an earlier handoff is the record's current owner with the override
flag set, so an ``override`` node first in the flow keeps an account with its CSM (a named
account stays with the CSM who knows it)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from baton.domain.routing.facts import RecordFacts
from baton.domain.routing.flow import Decision, Flow, Router
from baton.services.app import Unit
from baton.services.live import LiveWorkspace
from baton.services.routing.assign import routing_of, save_pools
from baton.services.routing.ports import ACCOUNT_FIELDS
from baton.store.tables import handoffs
from baton.workspace.handoff_compile import TRIGGER


def deal_facts(opp: Any, account: Any, tier: str, account_csm: str | None) -> RecordFacts:
    fields: dict[str, Any] = {f: getattr(account, f, None) for f in ACCOUNT_FIELDS}
    fields.update(
        company=account.name if account else None,
        website=account.website if account else None,
    )
    extra = {
        **(opp.extra or {}),
        "amount": opp.amount,
        "tier": tier,
        "stage": opp.stage,
        "ae": opp.owner_id,
    }
    return RecordFacts(
        fields,
        record_id=opp.id,
        kind="opportunity",
        current_owner=account_csm,
        override_owner=account_csm is not None,
        extra=extra,
    )


def account_csm(unit: Unit, account_id: int | None, opportunity_id: int) -> str | None:
    """The CSM of the account's latest other handoff."""
    if account_id is None:
        return None
    h = handoffs.c
    row = unit.conn.execute(
        select(h.csm_id)
        .where(
            h.account_id == account_id, h.opportunity_id != opportunity_id, h.csm_id.is_not(None)
        )
        .order_by(h.closed_at.desc())
        .limit(1)
    ).first()
    return row.csm_id if row else None


def csm_flow(live: LiveWorkspace, facts: RecordFacts) -> Flow | None:
    wanted = live.handoff.flow
    if wanted is not None:
        return next((f for f in live.routing.flows if f.name == wanted), None)
    get = lambda name: facts.extra if name == "extra" else facts.get(name)  # noqa: E731
    return live.routing.flow_for(TRIGGER, get)


def assign_csm(unit: Unit, live: LiveWorkspace, facts: RecordFacts, at: datetime) -> dict[str, Any]:
    """The routing decision for the deal, as stored on the handoff: who, where from, the steps
    in words (an empty owner with ``why`` when no flow applies)."""
    flow = csm_flow(live, facts)
    _live, ports = routing_of(unit)
    if flow is None or ports is None:
        why = f"no routing flow with trigger: {TRIGGER} applies; no CSM assigned"
        return {"owner_id": None, "queue": None, "flow": None, "why": why, "steps": []}
    decision = Router(ports, at).route(flow, facts)
    ports.note(decision, at)
    save_pools(unit.conn, decision, ports.stored)
    return _trace(decision, live.version)


def _trace(d: Decision, version: int) -> dict[str, Any]:
    steps = [{**asdict(s), "kind": str(s.kind), "outcome": str(s.outcome)} for s in d.steps]
    if d.owner_id:
        why = f"flow {d.flow}, node {d.node}: {d.owner_id}"
    elif d.queue:
        why = f"flow {d.flow}, node {d.node}: queue {d.queue} (no CSM)"
    else:
        why = f"flow {d.flow} assigned nobody"
    return {
        "owner_id": d.owner_id,
        "queue": d.queue,
        "flow": d.flow,
        "node": d.node,
        "node_kind": str(d.node_kind) if d.node_kind else None,
        "pool_id": d.pool_id,
        "team_id": d.team_id,
        "via_fallback": d.via_fallback,
        "version": version,
        "why": why,
        "steps": steps,
    }
