"""Use case: records arrive (API, batch, CSV import) and are stored, once.

One write transaction per submission: every valid item is stored, every
invalid one is reported by index, and nothing valid is lost. An item whose
(source_system, external_id) is already stored comes back as ``existing``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError

from baton.domain.events import EventKind
from baton.domain.handoff import Side
from baton.services.app import App, Unit
from baton.services.outcomes import (
    FieldError,
    ItemResult,
    Rejected,
    errors_from_validation,
)
from baton.services.records.deals import BOTH_SIDES, NotTheirs, check_sides, gate_new_deal
from baton.services.records.idempotency import StoredResponse, remember, replay, request_hash
from baton.services.records.kinds import RecordKind, build_row
from baton.services.records.references import find_by_external_id

MAX_BATCH = 1000


@dataclass(frozen=True)
class Submission:
    kind: RecordKind
    items: list[Any]
    actor: str
    strict: bool = True  # JSON from the API: no lax coercion; CSV cells: lenient
    idempotency_key: str | None = None
    sides: frozenset[Side] = BOTH_SIDES  # whose handoff fields the sender writes


@dataclass(frozen=True)
class SubmissionResult:
    results: list[ItemResult]
    replayed: StoredResponse | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def submit(app: App, sub: Submission, now: datetime | None = None) -> SubmissionResult:
    """Store a submission in one unit of work (``now``: the instant it is stored as of,
    default the clock's); retried once if a concurrent writer stored the same record first."""
    for attempt in (1, 2):
        try:
            with app.unit(sub.actor, now=now) as unit:
                result = _submit(unit, sub)
                unit.commit()
                return result
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _submit(unit: Unit, sub: Submission) -> SubmissionResult:
    conn = unit.conn
    body_hash = request_hash(sub.items)
    scope = f"{sub.kind.entity}:{sub.actor}"
    if sub.idempotency_key:
        stored = replay(conn, scope, sub.idempotency_key, body_hash)
        if stored is not None:
            return SubmissionResult([], replayed=stored)
    seen: dict[tuple[str, str], int] = {}
    results = [_store_one(unit, sub, i, item, seen) for i, item in enumerate(sub.items)]
    if sub.idempotency_key:
        answer = StoredResponse(201, [r.as_dict() for r in results])
        remember(conn, scope, sub.idempotency_key, body_hash, answer, unit.now)
    return SubmissionResult(results)


def validate_item(kind: RecordKind, item: Any, strict: bool):
    """The payload model, or the list of what is wrong with it."""
    try:
        if strict:
            return kind.payload.model_validate_json(json.dumps(item), strict=True)
        return kind.payload.model_validate(item)
    except ValidationError as exc:
        return errors_from_validation(exc)


def _store_one(unit: Unit, sub: Submission, index: int, raw: Any, seen: dict) -> ItemResult:
    conn, now = unit.conn, unit.now
    kind = sub.kind
    if not isinstance(raw, dict):
        return ItemResult(
            index,
            "rejected",
            errors=[FieldError((), f"each {kind.entity} must be a JSON object", "type_error")],
        )
    item = validate_item(kind, raw, sub.strict)
    if isinstance(item, list):
        return ItemResult(index, "rejected", errors=item)
    natural = (item.source_system, item.external_id)
    if item.external_id is not None:
        existing = seen.get(natural) or find_by_external_id(conn, kind.table, *natural)
        if existing is not None:
            return ItemResult(index, "existing", id=existing)
    try:
        row = build_row(conn, kind, item, now)  # reads only: a rejection leaves nothing behind
        if kind.entity == "opportunity":
            sided(conn, row, sub.sides)
            gate_new_deal(conn, row)  # created already Closed Won: the close's gate
    except Rejected as exc:
        return ItemResult(index, "rejected", errors=exc.errors)
    record_id = conn.execute(
        insert(kind.table).returning(kind.table.c.id), row
    ).scalar_one()  # params apart: the statement is cached
    warnings = kind.index(conn, record_id, row) if kind.index else []
    before = len(unit.warnings)
    unit.emit(EventKind.created(kind.entity), record_id, row)  # e.g. routing reacts
    warnings += unit.warnings[before:]
    if item.external_id is not None:
        seen[natural] = record_id
    return ItemResult(index, "created", id=record_id, warnings=warnings)


def sided(conn: Connection, row: dict[str, Any], sides: frozenset[Side]) -> None:
    """A new deal's handoff fields, written by a sender holding ``sides``: Rejected naming
    each field of the other side."""
    try:
        check_sides(conn, {}, {"handoff": row.get("handoff") or {}}, sides)
    except NotTheirs as exc:
        raise Rejected(
            [FieldError(("handoff", n), str(exc), "permission_error") for n in exc.names]
        ) from exc
