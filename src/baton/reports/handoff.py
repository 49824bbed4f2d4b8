"""The handoff report (playbook 003, the maintenance schedule): of the deals whose handoff
started in the period, the completion rate (fields + CSM + review; target 90 %, red flag
under 85 %), the share closed with every required field (no override), time to first touch
(close → the CSM's first activity, wall-clock hours; red flag over ``first_touch_within``,
48 h) and the escalation rate (red flag over 20 %) — overall and by segment, AE and CSM; the
pilot view (the first N handoffs ever) and the open handoffs with their age. The numbers
are the workspace's ``handoff.targets``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean, median
from typing import Any

from sqlalchemy import Connection, select

from baton.reports.result import NOT_JSON, Result
from baton.services.handoff.views import first_touch_sla
from baton.services.live import live_workspace
from baton.store.tables import accounts, handoffs, opportunities
from baton.workspace.handoff_schema import TargetsSpec

NONE = "(none)"
OPEN_LIMIT = 50


@dataclass(frozen=True)
class HandoffGroup(Result):
    key: str
    closed: int
    complete: int
    completion_rate: float | None
    fields_at_close: int  # closed with every required field: no manager override
    fields_at_close_rate: float | None
    escalated: int
    escalation_rate: float | None
    touched: int  # the CSM has made a first touch
    first_touch_avg_hours: float | None
    first_touch_median_hours: float | None
    first_touch_missed: int  # the CSM's first-touch SLA is a miss as of now
    flags: tuple[str, ...] = ()
    # which figures the flags are about: completion, escalation, first_touch (for the pages)
    flagged: frozenset[str] = field(default=frozenset(), metadata=NOT_JSON)


@dataclass(frozen=True)
class HandoffRow(Result):
    handoff_id: int
    opportunity_id: int
    deal_name: str
    segment: str | None
    tier: str
    ae_id: str | None
    csm_id: str | None
    state: str
    overridden: bool
    closed_at: datetime
    first_touch_hours: float | None
    age_hours: float  # since the first close, as of now
    first_touch_sla: str | None  # pending, hit or miss as of now (None: no CSM)


@dataclass(frozen=True)
class HandoffReport(Result):
    since: datetime
    until: datetime
    overall: HandoffGroup
    by_segment: tuple[HandoffGroup, ...]
    by_ae: tuple[HandoffGroup, ...]
    by_csm: tuple[HandoffGroup, ...]
    pilot: tuple[HandoffRow, ...]
    open: tuple[HandoffRow, ...]
    targets: dict[str, float]
    limits: TargetsSpec = field(default_factory=TargetsSpec, metadata=NOT_JSON)


def handoff_rows(
    conn: Connection, now: datetime, *where: Any, limit: int | None = None
) -> list[HandoffRow]:
    """The handoffs matching ``where``, first closed first, each judged as of ``now``."""
    h = handoffs.c
    query = (
        select(
            h.id,
            h.opportunity_id,
            opportunities.c.name,
            accounts.c.segment,
            h.tier,
            h.ae_id,
            h.csm_id,
            h.state,
            h.overridden,
            h.first_closed_at,
            h.first_touch_at,
        )
        .join(opportunities, opportunities.c.id == h.opportunity_id)
        .outerjoin(accounts, accounts.c.id == h.account_id)
        .where(*where)
        .order_by(h.first_closed_at, h.id)
        .limit(limit)
    )
    out = []
    for r in conn.execute(query):
        touch = (
            (r.first_touch_at - r.first_closed_at) / timedelta(hours=1)
            if r.first_touch_at
            else None
        )
        age = (now - r.first_closed_at) / timedelta(hours=1)
        sla = first_touch_sla(conn, r, now)
        out.append(
            HandoffRow(
                r.id,
                r.opportunity_id,
                r.name,
                r.segment,
                r.tier,
                r.ae_id,
                r.csm_id,
                r.state,
                r.overridden,
                r.first_closed_at,
                touch,
                age,
                sla["state"] if sla else None,
            )
        )
    return out


# What each count of a group counts: the report sums these, the dashboard's drill-down lists
# the rows they hold, so a figure and the handoffs behind it cannot disagree.
COUNTS: dict[str, Callable[[HandoffRow], bool]] = {
    "closed": lambda r: True,
    "complete": lambda r: r.state == "complete",
    "incomplete": lambda r: r.state != "complete",
    "fields_at_close": lambda r: not r.overridden,
    "overridden": lambda r: r.overridden,
    "escalated": lambda r: r.state == "escalated",
    "touched": lambda r: r.first_touch_hours is not None,
    "first_touch_missed": lambda r: r.first_touch_sla == "miss",
}
GROUPS = {"segment": "segment", "ae": "ae_id", "csm": "csm_id"}  # by_segment, by_ae, by_csm


def group_key(row: HandoffRow, by: str) -> str:
    """The key of ``row``'s group in ``by`` (segment, ae or csm): "(none)" when unset."""
    return getattr(row, GROUPS[by]) or NONE


def _count(rows: list[HandoffRow], what: str) -> int:
    return sum(COUNTS[what](r) for r in rows)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _group(key: str, rows: list[HandoffRow], t: TargetsSpec, touch_limit: float) -> HandoffGroup:
    closed = len(rows)
    complete = _count(rows, "complete")
    fields = _count(rows, "fields_at_close")
    escalated = _count(rows, "escalated")
    touches = [r.first_touch_hours for r in rows if r.first_touch_hours is not None]
    avg = mean(touches) if touches else None
    completion, escalation = _rate(complete, closed), _rate(escalated, closed)
    flags = {}
    if completion is not None and completion < t.completion_flag_below:
        flags["completion"] = f"completion {completion:.0%} < {t.completion_flag_below:.0%}"
    if escalation is not None and escalation > t.escalation_flag_above:
        flags["escalation"] = f"escalations {escalation:.0%} > {t.escalation_flag_above:.0%}"
    if avg is not None and avg > touch_limit:
        flags["first_touch"] = f"first touch {avg:.1f} h on average > {touch_limit:g} h"
    return HandoffGroup(
        key,
        closed,
        complete,
        completion,
        fields,
        _rate(fields, closed),
        escalated,
        escalation,
        len(touches),
        avg,
        median(touches) if touches else None,
        _count(rows, "first_touch_missed"),
        tuple(flags.values()),
        frozenset(flags),
    )


def handoff_report(
    conn: Connection,
    since: datetime,
    until: datetime,
    now: datetime,
    targets: TargetsSpec | None = None,
    first_touch_within: timedelta = timedelta(hours=48),
    where: Sequence[Any] = (),
) -> HandoffReport:
    """``where``: conditions on ``handoffs`` every figure is limited to (a viewer's scope)."""
    t = targets or TargetsSpec()
    limit = first_touch_within / timedelta(hours=1)
    h = handoffs.c
    rows = handoff_rows(conn, now, *period(since, until), *where)

    def by(name: str) -> tuple[HandoffGroup, ...]:
        groups: dict[str, list[HandoffRow]] = defaultdict(list)
        for r in rows:
            groups[group_key(r, name)].append(r)
        return tuple(_group(k, v, t, limit) for k, v in sorted(groups.items()))

    pilot = tuple(handoff_rows(conn, now, *where, limit=t.pilot_deals))
    still_open = handoff_rows(conn, now, h.state != "complete", *where, limit=OPEN_LIMIT)
    return HandoffReport(
        since,
        until,
        _group("all", rows, t, limit),
        by("segment"),
        by("ae"),
        by("csm"),
        pilot,
        tuple(still_open),
        {
            "completion": t.completion,
            "completion_flag_below": t.completion_flag_below,
            "escalation_flag_above": t.escalation_flag_above,
            "first_touch_flag_above_hours": limit,
        },
        t,
    )


def period(since: datetime, until: datetime) -> tuple[Any, ...]:
    """The handoffs of a period: those whose first close falls in ``[since, until)``."""
    return handoffs.c.first_closed_at >= since, handoffs.c.first_closed_at < until


def live_handoff_report(
    conn: Connection, since: datetime, until: datetime, now: datetime, where: Sequence[Any] = ()
) -> HandoffReport:
    """The report judged by the live workspace's ``handoff.targets`` and first-touch time."""
    live = live_workspace(conn)
    config = live.handoff if live is not None else None
    if config is None:
        return handoff_report(conn, since, until, now, where=where)
    within = config.policy.first_touch_within
    return handoff_report(conn, since, until, now, config.targets, within, where)
