"""Use case: a deal enters a handoff stage (``opportunity.stage_changed``).

In the transaction that moves the deal: the gate (its tier's required fields, or a manager's
override — else HandoffBlocked and nothing is kept), then on the first close the handoff with
its CSM (routing, with the trace), the CSM's notice in the outbox, the review task and the
summary; on a re-close after a re-open, the same handoff, its summary redone with what
changed — no second notice, no second task. Every step is stored with why.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from baton.domain.events import EventKind
from baton.domain.handoff import (
    Gate,
    HandoffPolicy,
    StepKind,
    changes,
    escalation_due,
    gate,
    progress,
)
from baton.services.app import Event, Unit
from baton.services.handoff.assign import account_csm, assign_csm, deal_facts
from baton.services.handoff.gate import judge
from baton.services.handoff.notice import create_task, notify_csm
from baton.services.handoff.summary import render_summary, summary_data
from baton.services.jsonable import jsonable
from baton.services.live import LiveWorkspace, live_workspace
from baton.services.records.deals import deal_of
from baton.services.sla.calendars import ALWAYS_OPEN, person_calendar
from baton.store.lookup import one
from baton.store.tables import handoff_steps, handoffs, opportunities, people


def on_opportunity_created(unit: Unit, event: Event) -> None:
    """A deal created already in a handoff stage (the API, an import): a close from nothing.
    Intake has already refused it without its tier's fields (gate_new_deal)."""
    stage = event.payload.get("stage")
    on_stage(unit, int(event.entity_id), None, stage, event.payload.get("override"))


def on_opportunity_stage_changed(unit: Unit, event: Event) -> None:
    before, to = event.payload.get("from"), event.payload.get("to")
    on_stage(unit, int(event.entity_id), before, to, event.payload.get("override"))


def on_stage(unit: Unit, opp_id: int, before: Any, to: Any, override: Any) -> None:
    live = live_workspace(unit.conn)
    if live is None or live.handoff is None:
        return  # no handoff: section: deals close as before
    policy = live.handoff.policy
    opp = one(unit.conn, opportunities, id=opp_id)
    if opp is None:
        return
    existing = one(unit.conn, handoffs, opportunity_id=opp.id)
    if not policy.triggers(to):
        if existing is not None and policy.triggers(before):
            why = f"stage {before} → {to}: the deal was re-opened"
            record_step(unit, existing.id, StepKind.REOPENED, why)
            unit.emit(EventKind.HANDOFF_REOPENED, existing.id, {"opportunity_id": opp.id})
        return
    if policy.triggers(before):
        return  # from one handoff stage to another: still closed
    if existing is not None and _last_step(unit, existing.id) != StepKind.REOPENED:
        return  # the same close seen twice (two changes racing on PostgreSQL): nothing new
    verdict, account, override = judge(unit.conn, policy, opp, override)
    if existing is None:
        open_handoff(unit, live, opp, account, verdict, override)
    else:
        reclose(unit, live, existing, opp, account, verdict, override)


CLOSE_STEPS = (StepKind.GATE_PASSED, StepKind.OVERRIDDEN, StepKind.REOPENED)


def _last_step(unit: Unit, handoff_id: int) -> str | None:
    """The latest close or re-open of the handoff."""
    s = handoff_steps.c
    query = (
        select(s.kind)
        .where(s.handoff_id == handoff_id, s.kind.in_([k.value for k in CLOSE_STEPS]))
        .order_by(s.id.desc())
        .limit(1)
    )
    return unit.conn.execute(query).scalar_one_or_none()


def record_step(
    unit: Unit, handoff_id: int, kind: StepKind, why: str, data: dict[str, Any] | None = None
) -> None:
    unit.conn.execute(
        insert(handoff_steps),
        {
            "handoff_id": handoff_id,
            "kind": kind.value,
            "at": unit.now,
            "actor": unit.actor,
            "why": why,
            "data": jsonable(data or {}),
        },
    )


def _gate_step(unit: Unit, handoff_id: int, verdict: Gate, override: dict | None) -> None:
    why = "; ".join(verdict.why)
    if override:
        data = {"missing": [m.field.name for m in verdict.missing], **override}
        why += f"; closed anyway: {override['approved_by']} allowed it — {override['reason']}"
        record_step(unit, handoff_id, StepKind.OVERRIDDEN, why, data)
    else:
        record_step(unit, handoff_id, StepKind.GATE_PASSED, why)


def _name(unit: Unit, person_id: str | None) -> str | None:
    row = one(unit.conn, people, columns=("name",), id=person_id) if person_id else None
    return row.name if row else None


def _tier_of(policy: HandoffPolicy, name: str) -> Any:
    return next(t for t in policy.tiers if t.name == name)


def open_handoff(
    unit: Unit, live: LiveWorkspace, opp: Any, account: Any, verdict: Gate, override: dict | None
) -> int:
    conn, now, policy = unit.conn, unit.now, live.handoff.policy
    handoff_id = conn.execute(
        insert(handoffs).returning(handoffs.c.id),
        {
            "opportunity_id": opp.id,
            "account_id": opp.account_id,
            "ae_id": opp.owner_id,
            "stage": opp.stage,
            "tier": verdict.tier,
            "variation": verdict.variation.value,
            "state": "open",
            "missing": [m.field.name for m in verdict.missing],
            "overridden": override is not None,
            "override_reason": override["reason"] if override else None,
            "override_by": override["approved_by"] if override else None,
            "assignment": {},
            "summary_data": {},
            "summary_changes": {},
            "closes": 1,
            "closed_at": now,
            "first_closed_at": now,
            "created_at": now,
            "updated_at": now,
        },
    ).scalar_one()
    _gate_step(unit, handoff_id, verdict, override)
    values = _assign(unit, live, handoff_id, opp, account, verdict.tier)
    csm = values["csm_id"]
    _, calendar = person_calendar(conn, live.calendars, csm) if csm else ("", ALWAYS_OPEN)
    values["escalate_at"] = escalation_due(calendar, now, policy.escalate_after)
    data = summary_data(opp, account, verdict, _names(unit, opp.owner_id, csm))
    values.update(_summary(live, data, verdict, override, {}, now))
    record_step(unit, handoff_id, StepKind.SUMMARY_WRITTEN, "summary made from the deal's data")
    summary = values["summary_md"]
    values.update(_tell(unit, live, handoff_id, csm, data, values["escalate_at"], summary))
    values.update(_state(verdict, csm, None, None, now))
    conn.execute(update(handoffs).where(handoffs.c.id == handoff_id).values(**values))
    payload = {"opportunity_id": opp.id, "csm_id": csm, "tier": verdict.tier}
    unit.emit(EventKind.HANDOFF_OPENED, handoff_id, {**payload, "overridden": bool(override)})
    return handoff_id


def _names(unit: Unit, ae: str | None, csm: str | None) -> dict[str, str | None]:
    return {"ae": _name(unit, ae), "csm": _name(unit, csm), "csm_id": csm}


def _assign(
    unit: Unit, live: LiveWorkspace, handoff_id: int, opp: Any, account: Any, tier: str
) -> dict[str, Any]:
    previous = account_csm(unit, opp.account_id, opp.id)
    trace = assign_csm(unit, live, deal_facts(opp, account, tier, previous), unit.now)
    record_step(unit, handoff_id, StepKind.ASSIGNED, trace["why"], {"owner_id": trace["owner_id"]})
    return {"csm_id": trace["owner_id"], "queue": trace["queue"], "assignment": jsonable(trace)}


def _summary(
    live: LiveWorkspace,
    data: dict[str, Any],
    verdict: Gate,
    override: dict | None,
    changed: dict[str, list[Any]],
    now: Any,
) -> dict[str, Any]:
    tier = _tier_of(live.handoff.policy, verdict.tier)
    markdown, html = render_summary(
        live.handoff.summary_template,
        data,
        verdict,
        live_call=tier.live_call,
        closed_at=jsonable(now),
        override=override,
        changes=changed,
    )
    return {
        "summary_md": markdown,
        "summary_html": html,
        "summary_data": data,
        "summary_changes": changed,
    }


def _tell(
    unit: Unit,
    live: LiveWorkspace,
    handoff_id: int,
    csm: str | None,
    data: dict,
    due: Any,
    summary: str,
) -> dict[str, Any]:
    """The CSM's notice and review task, each once per handoff."""
    values: dict[str, Any] = {}
    if csm:
        content = {**data, "handoff_id": handoff_id, "summary": summary}
        if notify_csm(unit, handoff_id, csm, content):
            values["notified_at"] = unit.now
            record_step(
                unit, handoff_id, StepKind.NOTIFIED, f"{csm} told through the alerts outbox"
            )
        title = create_task(unit, handoff_id, csm, live.handoff.task_template, data, due)
        if title:
            record_step(unit, handoff_id, StepKind.TASK_CREATED, f"task for {csm}: {title}")
    return values


def _state(
    verdict: Gate, csm: str | None, reviewed_at: Any, escalated_at: Any, now: Any
) -> dict[str, Any]:
    missing = tuple(m.field.name for m in verdict.missing)
    p = progress(missing, csm, reviewed_at, escalated_at)
    done = p.state.value == "complete"
    return {"state": p.state.value, "completed_at": now if done else None, "updated_at": now}


def reclose(
    unit: Unit,
    live: LiveWorkspace,
    existing: Any,
    opp: Any,
    account: Any,
    verdict: Gate,
    override: dict | None,
) -> None:
    conn, now = unit.conn, unit.now
    values: dict[str, Any] = {
        "stage": opp.stage,
        "tier": verdict.tier,
        "variation": verdict.variation.value,
        "missing": [m.field.name for m in verdict.missing],
        "closes": existing.closes + 1,
        "closed_at": now,
    }
    if override:
        values.update(overridden=True, override_reason=override["reason"])
        values["override_by"] = override["approved_by"]
    _gate_step(unit, existing.id, verdict, override)
    csm = existing.csm_id
    if csm is None:
        values.update(_assign(unit, live, existing.id, opp, account, verdict.tier))
        csm = values["csm_id"]
    data = summary_data(opp, account, verdict, _names(unit, opp.owner_id, csm))
    changed = changes(_flat(existing.summary_data), _flat(data))
    values.update(_summary(live, data, verdict, override, changed, now))
    why = f"closed again (close {existing.closes + 1}): no second notice or task"
    record_step(unit, existing.id, StepKind.RECLOSED, why)
    if changed:
        what = "summary updated; changed: " + ", ".join(changed)
        record_step(unit, existing.id, StepKind.SUMMARY_UPDATED, what, {"changes": changed})
    summary = values["summary_md"]
    values.update(_tell(unit, live, existing.id, csm, data, existing.escalate_at, summary))
    values.update(_state(verdict, csm, existing.reviewed_at, existing.escalated_at, now))
    conn.execute(update(handoffs).where(handoffs.c.id == existing.id).values(**values))
    unit.emit(
        EventKind.HANDOFF_RECLOSED, existing.id, {"opportunity_id": opp.id, "changes": changed}
    )


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    """deal.amount, fields.scope, …: what a re-close compares."""
    out: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def refresh(unit: Unit, live: LiveWorkspace, row: Any, opp: Any) -> dict[str, list[Any]]:
    """The deal's handoff fields changed after the close: what is missing, the state and the
    summary (with what changed) follow. Returns what changed in the summary's data."""
    deal, account = deal_of(unit.conn, opp)
    verdict = gate(live.handoff.policy, deal)
    data = summary_data(opp, account, verdict, _names(unit, opp.owner_id, row.csm_id))
    changed = changes(_flat(row.summary_data), _flat(data))
    missing = [m.field.name for m in verdict.missing]
    if not changed and missing == list(row.missing):
        return {}
    override = (
        {"reason": row.override_reason, "approved_by": row.override_by} if row.overridden else None
    )
    values: dict[str, Any] = {"missing": missing}
    values.update(_summary(live, data, verdict, override, changed, unit.now))
    values.update(_state(verdict, row.csm_id, row.reviewed_at, row.escalated_at, unit.now))
    if row.completed_at is not None:
        values["completed_at"] = row.completed_at  # completed once: stays when it was
    unit.conn.execute(update(handoffs).where(handoffs.c.id == row.id).values(**values))
    why = "handoff fields changed after the close; missing: " + (", ".join(missing) or "nothing")
    if changed:
        why += "; summary updated: " + ", ".join(changed)
    record_step(unit, row.id, StepKind.FIELDS_UPDATED, why, {"changes": changed})
    if values["state"] == "complete" and row.state != "complete":
        record_step(unit, row.id, StepKind.COMPLETED, "complete: fields, CSM, review")
    return changed
