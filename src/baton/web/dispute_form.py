"""The dashboard's "raise a dispute" form: the people to pick claimants from, and the form
read into the service's DisputeIn — or what to fix, in words."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from baton.services.limits import MAX_ID
from baton.services.ownership.disputes import DisputeIn
from baton.store.tables import people

REASON_LENGTH = 2000  # the form's textarea says so too


def active_people(conn: Connection) -> list[Any]:
    p = people.c
    return conn.execute(select(p.id, p.name, p.role).where(p.active).order_by(p.name)).all()


def parse_dispute(form: dict[str, Any]) -> tuple[DisputeIn | None, list[str]]:
    errors = []
    if form["entity"] not in ("account", "opportunity"):
        errors.append("Choose what it is about: an account or an opportunity.")
    raw = form["record_id"].removeprefix("#")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        errors.append(f"'{form['record_id'][:40]}' is not a record number (e.g. 42).")
    if not form["claimants"]:
        errors.append("Choose who claims it: one person or more.")
    if not form["reason"]:
        errors.append("Say why: what each side claims and since when.")
    elif len(form["reason"]) > REASON_LENGTH:
        errors.append(f"The reason is longer than {REASON_LENGTH:,} characters.")
    if errors:
        return None, errors
    claimants = tuple(dict.fromkeys(form["claimants"]))
    return DisputeIn(form["entity"], int(raw), claimants, form["reason"]), []
