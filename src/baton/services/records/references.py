"""Resolving references between records (ids, or CRM external ids) inside a transaction."""

from __future__ import annotations

from sqlalchemy import Connection, Table

from baton.services.outcomes import reject
from baton.store.lookup import exists, one
from baton.store.tables import people


def person_ref(conn: Connection, field_name: str, person_id: str | None) -> str | None:
    if person_id is None:
        return None
    if not exists(conn, people, id=person_id):
        raise reject(
            field_name,
            f"person '{person_id}' does not exist; "
            "create it under people: in baton.yaml or POST /v1/people",
        )
    return person_id


def record_ref(
    conn: Connection,
    table: Table,
    field_name: str,
    record_id: int | None,
    external_id: str | None,
    source_system: str,
) -> int | None:
    """The id of an existing record given its id or its external id (same source system)."""
    what = table.name.rstrip("s").replace("opportunitie", "opportunity")
    if record_id is not None:
        if not exists(conn, table, id=record_id):
            raise reject(field_name, f"{what} {record_id} does not exist")
        return record_id
    if external_id is not None:
        found = one(
            conn, table, columns=("id",), external_id=external_id, source_system=source_system
        )
        if found is None:
            ext_field = field_name.replace("_id", "_external_id")
            raise reject(
                ext_field,
                f"no {what} with external_id '{external_id}' from source_system "
                f"'{source_system}'; send the {what} first",
            )
        return found[0]
    return None


def find_by_external_id(
    conn: Connection, table: Table, source_system: str, external_id: str | None
) -> int | None:
    if external_id is None:
        return None
    row = one(conn, table, columns=("id",), source_system=source_system, external_id=external_id)
    return row[0] if row else None
