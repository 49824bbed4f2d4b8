"""Use case: an explicit change (PATCH) to a stored record, kept in the event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, delete, select, update

from baton.domain.routing.facts import company_key
from baton.services.events import record_event
from baton.services.jsonable import jsonable
from baton.services.records.kinds import RecordKind, index_account_domains
from baton.services.records.references import person_ref, record_ref
from baton.services.sla.clocks import lead_changed
from baton.store.tables import account_domains, accounts

ACCOUNT_REFS = ("account_id", "parent_id")


def patch_record(
    conn: Connection, kind: RecordKind, record_id: int, patch: BaseModel, actor: str, now: datetime
) -> dict[str, Any]:
    """Apply the fields present in ``patch``; returns {field: [old, new]} (empty: nothing changed).

    Raises LookupError when the record does not exist, Rejected on a bad reference.
    """
    row = conn.execute(select(kind.table).where(kind.table.c.id == record_id)).first()
    if row is None:
        raise LookupError(record_id)
    values = patch.model_dump(exclude_unset=True)
    for name, value in list(values.items()):
        if name in ("owner_id", "person_id"):
            person_ref(conn, name, value)
        elif name in ACCOUNT_REFS:
            record_ref(conn, accounts, name, value, None, "")
    _derive(kind, row, values, now)
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        return {}
    conn.execute(
        update(kind.table).where(kind.table.c.id == record_id).values(updated_at=now, **changed)
    )
    if kind.entity == "account" and ("domains" in changed or "website" in changed):
        conn.execute(delete(account_domains).where(account_domains.c.account_id == record_id))
        index_account_domains(
            conn,
            record_id,
            {
                "domains": values.get("domains", row.domains),
                "website": values.get("website", row.website),
            },
            now,
            actor,
        )
    diff = {k: [jsonable(getattr(row, k)), jsonable(v)] for k, v in changed.items()}
    record_event(
        conn,
        at=now,
        actor=actor,
        kind=f"{kind.entity}.updated",
        entity=kind.entity,
        entity_id=record_id,
        payload={"changed": diff},
    )
    if kind.entity == "lead":
        lead_changed(conn, record_id, now, actor)  # SLA: exclusion, pause, SAL, new owner
    return diff


def _derive(kind: RecordKind, row: Any, values: dict[str, Any], now: datetime) -> None:
    """Fields that follow from others: a lead's email domain, its assignment time."""
    if kind.entity == "lead":
        if "email" in values:
            values["email_domain"] = (
                values["email"].rsplit("@", 1)[1].lower() if values["email"] else None
            )
        if (
            "owner_id" in values
            and values["owner_id"] != row.owner_id
            and "assigned_at" not in values
        ):
            values["assigned_at"] = now if values["owner_id"] else None
    if kind.entity == "account" and "domains" in values:
        values["domains"] = sorted(set(values["domains"] or []))
    if kind.entity == "account" and "name" in values:
        values["name_key"] = company_key(values["name"])
