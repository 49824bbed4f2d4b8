"""Use case: an explicit change (PATCH) to a stored record, kept in the event log and
reacted to (a new owner, a new status or stage) through the event path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, select, update

from baton.domain.events import AssignedBy, EventKind
from baton.domain.handoff import Side
from baton.domain.records import LeadStatus
from baton.domain.routing.facts import company_key
from baton.services.app import App, Unit
from baton.services.jsonable import jsonable
from baton.services.lifecycle.status import MANUAL, move
from baton.services.outcomes import reject
from baton.services.ownership.decisions import OwnershipBlocked, record_block
from baton.services.records.deals import BOTH_SIDES, check_sides
from baton.services.records.kinds import RecordKind, index_account_domains
from baton.services.records.references import person_ref, record_ref
from baton.store.tables import account_domains, accounts

ACCOUNT_REFS = ("account_id", "parent_id")
OWNED = ("lead", "account", "opportunity")
STAGES = {"opportunity": {"stage": EventKind.OPPORTUNITY_STAGE_CHANGED}}  # a lead's: move()


def patch_record(
    app: App,
    kind: RecordKind,
    record_id: int,
    patch: BaseModel,
    actor: str,
    sides: frozenset[Side] = BOTH_SIDES,
) -> dict[str, Any]:
    """Apply the fields present in ``patch`` in one unit of work; returns {field: [old, new]}
    (empty: nothing changed). Raises LookupError when the record does not exist, Rejected on
    a bad reference, OwnershipBlocked when a rule of engagement protects the owner (the block
    is recorded with its trace), NotTheirs when a writer holding only ``sides`` changes the
    other side's handoff fields; nothing of the change is written then."""
    values = patch.model_dump(exclude_unset=True)
    try:
        return app.run(actor, change_record, kind, record_id, values, sides)
    except OwnershipBlocked as blocked:  # the rules of engagement refused the new owner
        record_block(app, blocked, actor)
        raise


def change_record(
    unit: Unit,
    kind: RecordKind,
    record_id: int,
    values: dict[str, Any],
    sides: frozenset[Side] = BOTH_SIDES,
) -> dict[str, Any]:
    """Change a record and emit what changed: ``{entity}.updated``, then ``{entity}.assigned``
    for a new owner, ``lead.status_changed`` / ``opportunity.stage_changed``."""
    conn, now = unit.conn, unit.now
    row = conn.execute(select(kind.table).where(kind.table.c.id == record_id)).first()
    if row is None:
        raise LookupError(record_id)
    if kind.entity == "opportunity":
        check_sides(conn, row.handoff or {}, values, sides)
    for name, value in list(values.items()):
        if name in ("owner_id", "person_id"):
            person_ref(conn, name, value)
        elif name in ACCOUNT_REFS:
            record_ref(conn, accounts, name, value, None, "")
    status = values.pop("status", None) if kind.entity == "lead" else None
    # a manager's permission to close without the handoff fields: read by the stage's handlers
    override = values.pop("handoff_override", None) if kind.entity == "opportunity" else None
    reason = values.pop("status_reason", None) if status is not None else None
    _derive(kind, row, values, now)
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if override is not None and "stage" not in changed:
        raise reject(
            "handoff_override",
            "an override goes with a move into a handoff stage (stage: Closed Won); this change "
            "does not move the stage",
            "value_error",
        )
    diff = _apply(unit, kind, record_id, row, values, changed, override) if changed else {}
    if status is not None and status != row.status:  # the lifecycle's rules, as for any move
        moved = move(unit, record_id, LeadStatus(status), reason, None, MANUAL)
        diff["status"] = [moved.from_status, moved.to_status]
    return diff


def _apply(
    unit: Unit,
    kind: RecordKind,
    record_id: int,
    row: Any,
    values: dict[str, Any],
    changed: dict[str, Any],
    override: dict[str, Any] | None = None,
) -> dict[str, Any]:
    conn, now = unit.conn, unit.now
    conn.execute(
        update(kind.table).where(kind.table.c.id == record_id).values(updated_at=now, **changed)
    )
    if kind.entity == "account" and ("domains" in changed or "website" in changed):
        conn.execute(delete(account_domains).where(account_domains.c.account_id == record_id))
        domains = {
            "domains": values.get("domains", row.domains),
            "website": values.get("website", row.website),
        }
        unit.warnings += index_account_domains(conn, record_id, domains)
    diff = {k: [jsonable(getattr(row, k)), jsonable(v)] for k, v in changed.items()}
    unit.emit(EventKind.updated(kind.entity), record_id, {"changed": diff})
    _emit_specific(unit, kind, record_id, row, changed, override)
    return diff


def _emit_specific(
    unit: Unit,
    kind: RecordKind,
    record_id: int,
    row: Any,
    changed: dict[str, Any],
    override: dict[str, Any] | None = None,
) -> None:
    """The events records react to, beyond the plain change: a new owner, a new status/stage."""
    if "owner_id" in changed and kind.entity in OWNED:
        at = changed.get("assigned_at") or unit.now
        unit.emit(
            EventKind.assigned(kind.entity),
            record_id,
            {
                "previous_owner_id": row.owner_id,
                "owner_id": changed["owner_id"],
                "at": at,
                "by": AssignedBy.MANUAL,
            },
        )
    for field, kind_changed in STAGES.get(kind.entity, {}).items():
        if field in changed:
            moved = {"from": getattr(row, field), "to": changed[field]}
            if override:
                moved["override"] = override
            unit.emit(kind_changed, record_id, moved)


def _derive(kind: RecordKind, row: Any, values: dict[str, Any], now: datetime) -> None:
    """Fields that follow from others: a lead's email domain, its first assignment time.

    A change of owner by hand is a reassignment (a ``lead.assigned`` event, ``by: manual``,
    with who and when): it does not move ``assigned_at``, which stays the first assignment,
    so systems delay (engagement → assignment) is never charged for a person's decision.
    A lead that had no owner yet (a queue) is assigned as of now."""
    if kind.entity == "lead":
        if "email" in values:
            values["email_domain"] = (
                values["email"].rsplit("@", 1)[1].lower() if values["email"] else None
            )
        first_owner = values.get("owner_id") and row.assigned_at is None
        if first_owner and "assigned_at" not in values:
            values["assigned_at"] = now
    if kind.entity == "account" and "domains" in values:
        values["domains"] = sorted(set(values["domains"] or []))
    if kind.entity == "account" and "name" in values:
        values["name_key"] = company_key(values["name"])
