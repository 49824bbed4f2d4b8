"""Every activity is checked against the engagement rules (``activity.created``): two
different reps touching one account within ``duplicate_outreach.window`` (duplicate
outreach), another rep engaging an account in its cooling-off period after a closed-lost
deal, or a partner-registered deal inside its window. Each finding is a violation, recorded
with why (``ownership_decisions``, kind ``violation``), and the managers of the reps involved
are told through the alerts outbox (whose digests fold bursts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select

from baton.domain.ownership import Finding, Rule, cooling_off_breach, duplicate_outreach
from baton.services.app import Event, Unit
from baton.services.live import live_workspace
from baton.services.ownership.facts import account_facts
from baton.store.lookup import one
from baton.store.tables import activities, alerts, leads, opportunities, ownership_decisions, people

ALERT_KIND = "ownership.violation"


def _account_of(conn: Connection, act: Any) -> int | None:
    if act.account_id is not None:
        return int(act.account_id)
    if act.opportunity_id is not None:
        opp = one(conn, opportunities, columns=("account_id",), id=act.opportunity_id)
        return opp.account_id if opp else None
    if act.lead_id is not None:
        lead = one(conn, leads, columns=("account_id",), id=act.lead_id)
        return lead.account_id if lead else None
    return None


def on_activity_created(unit: Unit, event: Event) -> None:
    live = live_workspace(unit.conn)
    if live is None or live.ownership is None:
        return
    conn, rules = unit.conn, live.ownership.rules
    act = one(conn, activities, id=int(event.entity_id))
    if act is None or act.person_id is None:
        return
    account_id = _account_of(conn, act)
    found: list[tuple[Rule, Finding, list[str], int | None]] = []
    if account_id is not None:
        other = _other_rep(conn, account_id, act, rules.duplicate_outreach.window)
        if other is not None:
            hit = duplicate_outreach(
                rules, (other.person_id, other.occurred_at), (act.person_id, act.occurred_at)
            )
            if hit.hit and not _already(
                conn,
                account_id,
                {other.person_id, act.person_id},
                act.occurred_at - rules.duplicate_outreach.window,
            ):
                found.append(
                    (Rule.DUPLICATE_OUTREACH, hit, [other.person_id, act.person_id], account_id)
                )
        acc = account_facts(conn, account_id, live.ownership.lost_stages)
        if acc is not None and acc.lost_at is not None:
            hit = cooling_off_breach(
                rules, acc.lost_at, acc.lost_owner_id, act.person_id, act.occurred_at
            )
            if hit.hit:
                found.append(
                    (
                        Rule.COOLING_OFF,
                        hit,
                        [p for p in (acc.lost_owner_id, act.person_id) if p],
                        account_id,
                    )
                )
    if act.opportunity_id is not None:
        opp = one(conn, opportunities, id=act.opportunity_id)
        if opp is not None and opp.partner and opp.registered_at is not None:
            end = opp.registered_at + rules.deal_registration.window
            if act.person_id != opp.owner_id and opp.registered_at <= act.occurred_at < end:
                why = (
                    f"{act.person_id} engaged {opp.partner}'s registered deal {opp.id} at "
                    f"{act.occurred_at.isoformat()}, inside its window (owner "
                    f"{opp.owner_id}; until {end.isoformat()})"
                )
                found.append(
                    (
                        Rule.DEAL_REGISTRATION,
                        Finding(True, why),
                        [p for p in (opp.owner_id, act.person_id) if p],
                        account_id,
                    )
                )
    for rule, finding, reps, acc_id in found:
        _record(unit, live.version, act, rule, finding.why, reps, acc_id)


def _other_rep(conn: Connection, account_id: int, act: Any, window: Any) -> Any:
    """The latest touch on the account by someone else, within the window of this one."""
    a = activities.c
    opps = select(opportunities.c.id).where(opportunities.c.account_id == account_id)
    lead_ids = select(leads.c.id).where(leads.c.account_id == account_id)
    return conn.execute(
        select(a.person_id, a.occurred_at)
        .where(or_(a.account_id == account_id, a.opportunity_id.in_(opps), a.lead_id.in_(lead_ids)))
        .where(a.person_id.is_not(None), a.person_id != act.person_id, a.id != act.id)
        .where(a.occurred_at > act.occurred_at - window, a.occurred_at < act.occurred_at + window)
        .order_by(a.occurred_at.desc())
        .limit(1)
    ).first()


def _already(conn: Connection, account_id: int, pair: set[str], since: datetime) -> bool:
    d = ownership_decisions.c
    rows = conn.execute(
        select(d.old_owner_id, d.new_owner_id).where(
            d.kind == "violation",
            d.rule == Rule.DUPLICATE_OUTREACH.value,
            d.account_id == account_id,
            d.at >= since,
        )
    ).all()
    return any({r.old_owner_id, r.new_owner_id} == pair for r in rows)


def _record(
    unit: Unit,
    version: int,
    act: Any,
    rule: Rule,
    why: str,
    reps: list[str],
    account_id: int | None,
) -> None:
    step = {
        "rule": rule.value,
        "outcome": "violates",
        "why": why,
        "values": {"activity_id": act.id, "reps": reps},
    }
    first, last = (reps[0], reps[-1]) if reps else (None, None)
    decision = unit.conn.execute(
        insert(ownership_decisions).values(
            at=unit.now,
            actor=unit.actor,
            kind="violation",
            entity="activity",
            record_id=act.id,
            account_id=account_id,
            old_owner_id=first,
            new_owner_id=last,
            rule=rule.value,
            message=why,
            steps=[step],
            version=version,
        )
    ).inserted_primary_key[0]
    managers: list[str] = []
    for rep in reps:
        m = one(unit.conn, people, columns=("manager_id",), id=rep)
        if m is not None and m.manager_id and m.manager_id not in managers:
            managers.append(m.manager_id)
    subject = f"ROE violation ({rule.value.replace('_', ' ')}): {', '.join(reps)}"[:300]
    for manager in managers:
        unit.conn.execute(
            insert(alerts),
            {
                "idempotency_key": f"ownership:violation:{decision}:{manager}",
                "kind": ALERT_KIND,
                "entity": "activity",
                "entity_id": str(act.id),
                "lead_id": act.lead_id,
                "recipient_id": manager,
                "role": "manager",
                "subject": subject,
                "content": {
                    "rule": rule.value,
                    "why": why,
                    "reps": reps,
                    "account_id": account_id,
                    "activity_id": act.id,
                    "decision_id": int(decision),
                },
                "state": "pending",
                "due_at": unit.now,
                "created_at": unit.now,
                "attempts": 0,
                "next_attempt_at": unit.now,
            },
        )
