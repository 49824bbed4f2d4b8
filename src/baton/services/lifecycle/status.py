"""Use case: a lead moves through its lifecycle (playbook 002).

Every move — by a rep (API, dashboard, CLI, a PATCH of ``status``), by qualification,
by recycling, by a history import — goes through ``move``: the live workspace's
allowed moves and rejection reasons are checked (``domain.lifecycle``), the status's
date is stamped, the move is kept in ``status_changes`` with who, why and how, and
``lead.status_changed`` is emitted for the clocks and routing to react to. A move that
lost a race (the lead changed status meanwhile) is refused like an illegal one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from baton.domain.events import AssignedBy, EventKind
from baton.domain.lifecycle import REJECTIONS, STAMPS, Refusal, check_move
from baton.domain.records import LeadStatus
from baton.services.app import App, Unit
from baton.services.live import live_workspace
from baton.services.people.access import scope_leads
from baton.services.people.users import User
from baton.store.lookup import one
from baton.store.tables import leads, status_changes
from baton.workspace.lifecycle_compile import LifecycleConfig

MANUAL, QUALIFICATION, RECYCLING, IMPORT = "manual", "qualification", "recycling", "import"


class StatusRefused(Exception):
    """The move may not be made: ``kind`` is ``conflict`` (not allowed from the lead's
    status, or it changed meanwhile) or ``reason`` (a rejection without a listed reason)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.kind, self.allowed = refusal.kind, refusal.allowed


@dataclass(frozen=True)
class Moved:
    lead_id: int
    from_status: str
    to_status: str
    at: datetime
    stamp: str | None


def change_status(
    app: App,
    lead_id: int,
    status: str,
    actor: str,
    *,
    reason: str | None = None,
    note: str | None = None,
    viewer: User | None = None,
) -> Moved:
    """A person moves a lead (API, dashboard, CLI). LookupError: no such lead, or not the
    ``viewer``'s (a rep their own leads, a manager their teams', an admin all; None: a token
    or the CLI); StatusRefused: the move breaks the lifecycle; ValueError: no such status."""
    return app.run(actor, _change, lead_id, LeadStatus(status), reason, note, viewer)


def _change(
    unit: Unit,
    lead_id: int,
    target: LeadStatus,
    reason: str | None,
    note: str | None,
    viewer: User | None,
) -> Moved:
    if viewer is not None:
        visible = scope_leads(select(leads.c.id).where(leads.c.id == lead_id), viewer)
        if unit.conn.execute(visible).first() is None:
            raise LookupError(lead_id)
    return move(unit, lead_id, target, reason, note, MANUAL)


def lifecycle_of(unit: Unit) -> LifecycleConfig:
    live = live_workspace(unit.conn)
    return live.lifecycle if live is not None else LifecycleConfig()


def move(
    unit: Unit,
    lead_id: int,
    target: LeadStatus,
    reason: str | None,
    note: str | None,
    by: str,
    at: datetime | None = None,
) -> Moved:
    """Move the lead to ``target`` within this unit; see the module's docstring."""
    conn, config = unit.conn, lifecycle_of(unit)
    row = one(conn, leads, columns=("status", "owner_id"), id=lead_id)
    if row is None:
        raise LookupError(lead_id)
    current = LeadStatus(row.status)
    refusal = check_move(config.policy, current, target, reason, listed=by == MANUAL)
    if refusal is not None:
        raise StatusRefused(refusal)
    at = at or unit.now
    values: dict[str, Any] = {"status": target.value, "updated_at": unit.now}
    stamp = STAMPS.get(target)
    if stamp:
        values[stamp] = at
    if target in REJECTIONS:
        values["status_reason"] = reason
    changed = conn.execute(
        update(leads).where(leads.c.id == lead_id, leads.c.status == current.value).values(values)
    ).rowcount
    if not changed:  # another transaction moved it first
        raise StatusRefused(Refusal("conflict", "the lead's status changed meanwhile", ()))
    record = {"reason": reason, "note": note, "by": by}
    conn.execute(
        insert(status_changes),
        {
            "lead_id": lead_id,
            "from_status": current.value,
            "to_status": target.value,
            "actor": unit.actor,
            "changed_at": at,
            "owner_id": row.owner_id,  # whose lead it was (recycling releases it below)
            **record,
        },
    )
    payload = {"from": current.value, "to": target.value, "at": at, **record}
    unit.emit(EventKind.LEAD_STATUS_CHANGED, lead_id, payload)
    if target is LeadStatus.RECYCLED and config.release_owner and row.owner_id:
        _release(unit, lead_id, row.owner_id, at)
    return Moved(lead_id, current.value, target.value, at, stamp)


def _release(unit: Unit, lead_id: int, owner_id: str, at: datetime) -> None:
    """A recycled lead goes back to Marketing: no owner, its clock's charge closed."""
    unit.conn.execute(
        update(leads).where(leads.c.id == lead_id).values(owner_id=None, updated_at=unit.now)
    )
    released = {"previous_owner_id": owner_id, "owner_id": None, "queue": None, "at": at}
    unit.emit(EventKind.LEAD_ASSIGNED, lead_id, {**released, "by": AssignedBy.LIFECYCLE})
