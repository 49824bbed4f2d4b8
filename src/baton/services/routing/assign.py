"""Use case: route a record through the live (or any) workspace version and store why.

``route_new_lead`` is the intake hook: a new lead is assigned in the same
transaction that stores it. Backfilled history (a lead that arrives already
assigned) is not routed again. A decision updates the lead (owner or queue,
matched account, ``assigned_at``), stores the trace, moves the round-robin
pointer and appends ``lead.routed`` to the event log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from baton.domain.calendar import BusinessCalendar
from baton.domain.routing.facts import RecordFacts
from baton.domain.routing.flow import Decision, Router
from baton.domain.routing.roundrobin import MemberState
from baton.services.events import record_event
from baton.services.routing.ports import DbRoutingPorts
from baton.services.sla.clocks import owner_assigned
from baton.store.lookup import one, tx_memo
from baton.store.tables import (
    leads,
    pool_members,
    routing_decisions,
    workspace_versions,
)
from baton.workspace.calendars import build_calendar
from baton.workspace.routing_compile import RoutingConfig, compile_routing
from baton.workspace.spec import WorkspaceSpec

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


@dataclass(frozen=True)
class LiveRouting:
    version: int
    config: RoutingConfig
    calendars: dict[str, BusinessCalendar]

    @property
    def configured(self) -> bool:
        return bool(self.config.flows)


_COMPILED: dict[tuple[int, str], LiveRouting] = {}  # compiled once per version per process


def _compile(number: int, document: dict[str, Any]) -> LiveRouting:
    spec = WorkspaceSpec.model_validate(document)
    config, _ = compile_routing(spec)
    calendars = {name: build_calendar(name, cal) for name, cal in spec.calendars.items()}
    return LiveRouting(number, config, calendars)


def load_routing(conn: Connection, version: int | None = None) -> LiveRouting | None:
    """The routing of version ``version`` (default: the active one); None when there is none.

    Compiled once per version per process; the active version is looked up once per transaction.
    """
    memo = tx_memo(conn)
    if ("routing", version) not in memo:
        memo[("routing", version)] = _load_routing(conn, version)
    return memo[("routing", version)]


def _load_routing(conn: Connection, version: int | None) -> LiveRouting | None:
    v = workspace_versions.c
    query = select(v.number, v.content_hash).where(
        v.number == version if version is not None else v.state == "active"
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    key = (row.number, row.content_hash)
    if key not in _COMPILED:
        document = conn.execute(select(v.document).where(v.number == row.number)).scalar_one()
        if len(_COMPILED) >= 16:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = _compile(row.number, document)
    return _COMPILED[key]


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
    live: LiveRouting, ports: DbRoutingPorts, facts: RecordFacts, trigger: str, at: datetime
) -> Decision | None:
    flow = live.config.flow_for(
        trigger, lambda name: facts.extra if name == "extra" else facts.get(name)
    )
    if flow is None:
        return None
    decision = Router(ports, at).route(flow, facts)
    ports.note(decision, at)
    return decision


def route_new_lead(
    conn: Connection,
    lead_id: int,
    row: dict[str, Any],
    now: datetime,
    actor: str,
    scratch: dict[str, Any],
) -> list[str]:
    """Intake hook: assign a new lead in the transaction that stores it."""
    if row.get("owner_id") and not row.get("override_owner"):
        # it arrived assigned (CRM history): not routed again, but its SLA clock runs from that assignment
        owner_assigned(
            conn,
            lead_id,
            None,
            row["owner_id"],
            row.get("assigned_at") or row["received_at"],
            actor,
        )
        return []
    if "routing" not in scratch:
        live = load_routing(conn)
        scratch["routing"] = (
            live,
            DbRoutingPorts(
                conn, live.config, live.calendars, lock=conn.dialect.name == "postgresql"
            )
            if live and live.configured
            else None,
        )
    live, ports = scratch["routing"]
    if ports is None:
        return []
    at = min(row["received_at"], now)  # a backfilled lead is routed as of its arrival
    decision = decide(live, ports, lead_facts({**row, "id": lead_id}), "lead.created", at)
    if decision is None:
        return ["no routing flow applies to this lead"]
    store_decision(conn, live.version, lead_id, decision, "lead.created", at, actor, ports)
    return []


def store_decision(
    conn: Connection,
    version: int,
    lead_id: int,
    d: Decision,
    trigger: str,
    at: datetime,
    actor: str,
    ports: DbRoutingPorts,
) -> int:
    changes: dict[str, Any] = {
        "owner_id": d.owner_id,
        "queue": d.queue,
        "assigned_at": at if d.owner_id else None,
        "updated_at": at,
    }
    if d.account:
        changes["account_id"] = d.account.account_id
    before = one(conn, leads, columns=("owner_id",), id=lead_id)
    previous = before.owner_id if before else None
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
            "actor": actor,
        },
    ).scalar_one()
    save_pools(conn, d, ports.stored)
    record_event(
        conn,
        at=at,
        actor=actor,
        kind="lead.routed",
        entity="lead",
        entity_id=lead_id,
        payload={
            "decision_id": decision_id,
            "owner_id": d.owner_id,
            "queue": d.queue,
            "flow": d.flow,
            "node": d.node,
            "version": version,
        },
    )
    owner_assigned(
        conn, lead_id, previous, d.owner_id, at, actor
    )  # the SLA clock starts (or changes hands)
    return decision_id


def save_pools(conn: Connection, d: Decision, stored: dict[tuple[str, str], MemberState]) -> None:
    """Write the members whose state changed (usually the one chosen); count the chosen one's lead."""
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
