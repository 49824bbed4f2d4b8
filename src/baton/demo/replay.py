"""The demo's history told day by day, as it happened: each day's leads arrive (New, or an
MQL when their score qualified them) and are routed by the live rules; then what happened
before the next day's leads — the touches of whoever Baton routed each lead to, and the
status changes (``services.lifecycle.history``: real moves, by ``import``, dated when they
happened) — is recorded before the next day's leads come in. So a rep's open leads, which
routing weighs against their capacity, are the ones still open on the day, as they were;
a lead recycled back to Marketing has left its owner's count by then.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import TypeVar

from sqlalchemy import and_, select

from baton.bootstrap import Baton
from baton.demo.generator import SOURCE_SYSTEM
from baton.demo.history import Move, Routed, arrival_status, lead_histories
from baton.domain.records import LeadStatus
from baton.services.lifecycle.history import HistoryLine, rebuild_history
from baton.services.records.intake import MAX_BATCH, Submission, submit
from baton.services.records.kinds import KINDS
from baton.store.tables import leads, sla_clocks

ACTOR = "demo"
ANALYZE_AFTER = 1000  # leads: SQLite's statistics are worth taking from here (_analyze)
Progress = Callable[[str, int, int], None]
T = TypeVar("T")


@dataclass
class _Pending:
    """What happened to the leads so far that is not recorded yet."""

    touches: list[dict] = field(default_factory=list)
    lines: list[HistoryLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"status change": 0, "activity": 0})
    numbered: int = 0  # activities numbered so far (T-000001, … in the order they happened)


def replay_history(
    baton: Baton,
    lead_payloads: list[dict],
    account_touches: list[dict],
    now: datetime,
    progress: Progress,
) -> dict[str, int]:
    """Send ``lead_payloads`` (oldest first, with the statuses they ended in) day by day,
    each followed by what happened until the next day's first lead; returns the counts."""
    pending, sent = _Pending(touches=list(account_touches)), 0
    days = [list(day) for _, day in groupby(lead_payloads, key=lambda x: _day(x["received_at"]))]
    for index, day in enumerate(days):
        sent += _submit(baton, "lead", [{**x, "status": arrival_status(x)} for x in day])
        if sent >= ANALYZE_AFTER > sent - len(day):
            _analyze(baton)
        routed = routed_leads(baton, [x["external_id"] for x in day])
        history = lead_histories(day, routed, now)
        pending.touches += history.activities
        pending.lines += _lines(history.moves, len(pending.lines))
        until = _day(days[index + 1][0]["received_at"]) if index + 1 < len(days) else None
        _record(baton, pending, until)
        progress("lead", sent, len(lead_payloads))
    return {"lead": sent, **pending.counts}


def routed_leads(baton: Baton, only: Collection[str] | None = None) -> dict[str, Routed]:
    """Lead external id → its owner or queue and its running clock's deadline, as routed
    (``only``: these leads)."""
    clock = and_(sla_clocks.c.lead_id == leads.c.id, sla_clocks.c.state != "excluded")
    query = (
        select(
            leads.c.external_id,
            leads.c.owner_id,
            leads.c.queue,
            leads.c.assigned_at,
            sla_clocks.c.due_at,
        )
        .select_from(leads.outerjoin(sla_clocks, clock))
        .where(leads.c.source_system == SOURCE_SYSTEM)
        .order_by(leads.c.id, sla_clocks.c.id)
    )
    if only is not None:
        query = query.where(leads.c.external_id.in_(list(only)))
    with baton.db.read() as conn:
        return {r.external_id: Routed(*r[1:]) for r in conn.execute(query)}  # last clock wins


def _day(iso: str) -> str:
    """The UTC day of an ISO timestamp, as its ISO text (``2026-11-03``)."""
    return datetime.fromisoformat(iso).date().isoformat()


def _record(baton: Baton, pending: _Pending, until: str | None) -> None:
    """Record the touches, then the status changes, that happened before the day ``until``
    began (all of them when None): a day's rejections follow its touches."""
    due, pending.touches = _split(pending.touches, lambda t: _day(t["occurred_at"]), until)
    due.sort(key=lambda t: t["occurred_at"])
    for touch in due:
        pending.numbered += 1
        touch["external_id"] = f"T-{pending.numbered:06d}"
    pending.counts["activity"] += _submit(baton, "activity", due)
    lines, pending.lines = _split(pending.lines, lambda x: x.changed_at.date().isoformat(), until)
    pending.counts["status change"] += _replay(baton, sorted(lines, key=lambda x: x.changed_at))


def _split(items: list[T], day: Callable[[T], str], until: str | None) -> tuple[list[T], list[T]]:
    """(the items of a day before ``until``, the rest); all of them are due when None."""
    due: list[T] = []
    later: list[T] = []
    for item in items:
        (due if until is None or day(item) < until else later).append(item)
    return due, later


def _lines(moves: dict[str, list[Move]], before: int) -> list[HistoryLine]:
    """Every lead's moves as status history lines, numbered after the ``before`` earlier."""
    found = [(xid, move) for xid, lead_moves in moves.items() for move in lead_moves]
    return [
        HistoryLine(before + n, xid, SOURCE_SYSTEM, LeadStatus(m.status), m.at, m.reason)
        for n, (xid, m) in enumerate(found, 1)
    ]


def _submit(baton: Baton, entity: str, items: list[dict]) -> int:
    created = 0
    for start in range(0, len(items), MAX_BATCH):
        result = submit(baton, Submission(KINDS[entity], items[start : start + MAX_BATCH], ACTOR))
        rejected = [r for r in result.results if r.status == "rejected"]
        if rejected:
            raise RuntimeError(f"demo {entity} rejected: {rejected[0].as_dict()}")
        created += result.count("created")
    return created


def _replay(baton: Baton, lines: list[HistoryLine]) -> int:
    """Record the lines' status changes like an imported history; every one must replay."""
    if not lines:
        return 0
    result = rebuild_history(baton, lines, ACTOR)
    if result.refused:
        number, errors = min(result.refused.items())
        line = next(x for x in lines if x.line == number)
        raise RuntimeError(f"demo status change refused: {line}: {errors[0].message}")
    return result.moves


def _analyze(baton: Baton) -> None:
    """SQLite plans by statistics it has only once ANALYZE ran. Without them, after a bulk
    load, it cancels a clock's timers by scanning every pending timer due later (its state
    and due-time index) instead of the clock's few: 2 ms a touch, a quarter of the load."""
    if baton.db.dialect == "sqlite":
        with baton.unit(ACTOR) as unit:
            unit.conn.exec_driver_sql("ANALYZE")
            unit.commit()
