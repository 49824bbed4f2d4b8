"""Use case: rebuild leads' lifecycle from a status history (a CRM's, for a baseline).

Each line says a lead reached a status at a time (and why, for a rejection). A lead's lines
are replayed in ``changed_at`` order through ``status.move`` — by ``import``, stamped at
``changed_at`` — from where Baton's record of the lead stands: its last recorded change, or,
for a lead with none, its arrival as New (the status and stamps an import of leads gave it
are replaced by what its history says).

A line that cannot be replayed is refused, with why, and skipped; the lead's other lines
are kept: an unknown lead, a move the lifecycle does not allow from the lead's status at
that point, a rejection without a reason, a date before the lead's previous recorded change
or in the future. A line equal to a recorded change (same status, same time) is counted as
already there, so the same file can be imported twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from baton.domain.lifecycle import STAMPS, LifecyclePolicy, check_move
from baton.domain.records import LeadStatus
from baton.services.app import App, Unit
from baton.services.lifecycle.status import IMPORT, lifecycle_of, move
from baton.services.outcomes import FieldError
from baton.store.tables import leads, status_changes

CHUNK = 500  # leads per transaction


@dataclass(frozen=True)
class HistoryLine:
    line: int  # where it came from, for the rejects file
    external_id: str
    source_system: str | None  # None: whichever system's lead has this external id
    status: LeadStatus
    changed_at: datetime
    reason: str | None = None
    note: str | None = None


@dataclass
class HistoryResult:
    moves: int = 0  # status changes recorded
    leads: int = 0  # leads whose history grew
    already: int = 0  # lines already recorded (or no change of status)
    refused: dict[int, list[FieldError]] = field(default_factory=dict)  # line → why
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other: HistoryResult) -> None:
        self.moves += other.moves
        self.leads += other.leads
        self.already += other.already
        self.refused.update(other.refused)
        self.warnings += other.warnings


Key = tuple[str | None, str]


def rebuild_history(
    app: App,
    lines: Iterable[HistoryLine],
    actor: str,
    progress: Callable[[int], None] = lambda n: None,
) -> HistoryResult:
    """Replay ``lines`` (see the module's docstring), CHUNK leads per transaction."""
    by_lead: dict[Key, list[HistoryLine]] = defaultdict(list)
    for line in lines:
        by_lead[(line.source_system, line.external_id)].append(line)
    keys, result = list(by_lead), HistoryResult()
    for start in range(0, len(keys), CHUNK):
        chunk = {key: by_lead[key] for key in keys[start : start + CHUNK]}
        result.add(app.run(actor, _rebuild, chunk))
        progress(sum(len(found) for found in chunk.values()))
    return result


def _rebuild(unit: Unit, chunk: dict[Key, list[HistoryLine]]) -> HistoryResult:
    result = HistoryResult()
    found = _find_leads(unit, chunk, result)
    recorded = _recorded(unit, [lead.id for lead in found.values()])
    policy = lifecycle_of(unit).policy
    for key, lead in found.items():
        plan = _plan(policy, chunk[key], recorded.get(lead.id, []), unit.now, result)
        if not plan:
            continue
        if lead.id not in recorded:  # the history replaces what an import of leads said
            _back_to_new(unit, lead.id)
            if plan[-1].status.value != lead.status:
                result.warnings.append(
                    (
                        plan[-1].line,
                        f"lead {key[1]} was {lead.status} before its history was imported; "
                        f"its history ends {plan[-1].status.value}",
                    )
                )
        for line in plan:
            move(unit, lead.id, line.status, line.reason, line.note, IMPORT, at=line.changed_at)
        result.moves += len(plan)
        result.leads += 1
    return result


def _find_leads(unit: Unit, chunk: dict[Key, list[HistoryLine]], result: HistoryResult):
    """Each key's lead; the lines of a key with no lead (or several) are refused."""
    ids = {external_id for _, external_id in chunk}
    rows = unit.conn.execute(
        select(leads.c.id, leads.c.source_system, leads.c.external_id, leads.c.status).where(
            leads.c.external_id.in_(ids)
        )
    ).all()
    by_id: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_id[row.external_id].append(row)
    found = {}
    for (system, external_id), lines in chunk.items():
        matches = [r for r in by_id[external_id] if system is None or r.source_system == system]
        if len(matches) == 1:
            found[(system, external_id)] = matches[0]
            continue
        if matches:
            systems = ", ".join(sorted(r.source_system or "''" for r in matches))
            error = FieldError(
                ("source_system",),
                f"external_id '{external_id}' is a lead of {len(matches)} systems ({systems}): "
                "add a source_system column or pass --source-system",
            )
        else:
            where = f" of source_system '{system}'" if system is not None else ""
            error = FieldError(("external_id",), f"no lead with external_id '{external_id}'{where}")
        for line in lines:
            result.refused[line.line] = [error]
    return found


def _recorded(unit: Unit, lead_ids: list[int]) -> dict[int, list[tuple[str, datetime]]]:
    """The changes Baton already holds for these leads, oldest first."""
    out: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    query = (
        select(status_changes.c.lead_id, status_changes.c.to_status, status_changes.c.changed_at)
        .where(status_changes.c.lead_id.in_(lead_ids))
        .order_by(status_changes.c.lead_id, status_changes.c.changed_at, status_changes.c.id)
    )
    for row in unit.conn.execute(query):
        out[row.lead_id].append((row.to_status, row.changed_at))
    return dict(out)


def _plan(
    policy: LifecyclePolicy,
    lines: Sequence[HistoryLine],
    recorded: list[tuple[str, datetime]],
    now: datetime,
    result: HistoryResult,
) -> list[HistoryLine]:
    """The lines that replay, in order; the others refused (or counted as already there)."""
    current, last_at = (
        (LeadStatus(recorded[-1][0]), recorded[-1][1]) if recorded else (LeadStatus.NEW, None)
    )
    held, plan = set(recorded), []
    arrived_until = recorded[0][1] if recorded else None  # a "new" line up to here: arrival
    for line in sorted(lines, key=lambda x: (x.changed_at, x.line)):
        at = f"{line.changed_at:%Y-%m-%d %H:%M} UTC"
        arrival = line.status is LeadStatus.NEW and (
            arrived_until is None or line.changed_at <= arrived_until
        )
        if arrival or line.status is current or (line.status.value, line.changed_at) in held:
            result.already += 1
            continue
        if line.changed_at > now:
            error = FieldError(("changed_at",), f"{at} is in the future")
        elif last_at is not None and line.changed_at < last_at:
            error = FieldError(
                ("changed_at",),
                f"{at} is before the lead's previous change ({current.value} at "
                f"{last_at:%Y-%m-%d %H:%M} UTC)",
            )
        else:
            refusal = check_move(policy, current, line.status, line.reason, listed=False)
            if refusal is None:
                plan.append(line)
                arrived_until = arrived_until or line.changed_at
                current, last_at = line.status, line.changed_at
                continue
            field_name = "reason" if refusal.kind == "reason" else "status"
            error = FieldError((field_name,), f"as of {at}: {refusal.message}")
        result.refused[line.line] = [error]
    return plan


def _back_to_new(unit: Unit, lead_id: int) -> None:
    values: dict[str, Any] = {name: None for name in STAMPS.values()}
    values |= {"status": LeadStatus.NEW.value, "status_reason": None, "updated_at": unit.now}
    unit.conn.execute(update(leads).where(leads.c.id == lead_id).values(values))
