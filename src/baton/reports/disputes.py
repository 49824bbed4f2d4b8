"""The dispute report (playbook 000, 2c: "disputes raised, resolution time, outcomes"): the
disputes raised in a period — per local month, how long the resolved ones took (median,
mean, p90) and how many within their resolution SLA, their outcomes, and the most contested
accounts. ``GET /v1/reports/disputes`` and ``baton report disputes`` print the same figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from baton.domain.ownership.disputes import DisputeState, Outcome
from baton.reports.result import Result
from baton.reports.scope import share, summary_seconds
from baton.store.tables import accounts, ownership_disputes

TOP_ACCOUNTS = 10


@dataclass(frozen=True)
class MonthCount(Result):
    month: str  # 2026-11, in the report's zone
    raised: int
    resolved: int  # of those raised that month, resolved by now


@dataclass(frozen=True)
class ContestedAccount(Result):
    account_id: int
    name: str | None
    disputes: int
    open: int


@dataclass(frozen=True)
class DisputeReport(Result):
    since: datetime
    until: datetime
    timezone: str
    raised: int
    open: int
    resolved: int
    time_to_resolution: dict[str, Any]  # summary_seconds of resolved_at - raised_at
    within_sla: int  # resolved at or before due_at
    within_sla_rate: float | None  # of the resolved
    overdue_open: int  # open and past due_at at the report's now
    outcomes: dict[str, int]  # keep / transfer / split: every outcome, zeros included
    by_month: tuple[MonthCount, ...]
    top_accounts: tuple[ContestedAccount, ...]


def _months(first: datetime, last: datetime, zone: ZoneInfo) -> list[str]:
    """Every local month from ``first``'s to ``last``'s, in order."""
    a, b = first.astimezone(zone), last.astimezone(zone)
    y, m, out = a.year, a.month, []
    while (y, m) <= (b.year, b.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def dispute_report(
    conn: Connection, since: datetime, until: datetime, zone: ZoneInfo, now: datetime
) -> DisputeReport:
    """The disputes raised in ``[since, until)``; months read in ``zone``; open ones judged
    overdue as of ``now``."""
    d = ownership_disputes.c
    rows = conn.execute(
        select(d.account_id, d.state, d.outcome, d.raised_at, d.resolved_at, d.due_at)
        .where(d.raised_at >= since, d.raised_at < until)
        .order_by(d.id)
    ).all()
    resolved = [r for r in rows if r.state == DisputeState.RESOLVED.value]
    still_open = [r for r in rows if r.state == DisputeState.OPEN.value]
    within = sum(1 for r in resolved if r.resolved_at <= r.due_at)
    raised = [r.raised_at for r in rows]
    months = {m: [0, 0] for m in (_months(min(raised), max(raised), zone) if rows else [])}
    for r in rows:
        counts = months.setdefault(f"{r.raised_at.astimezone(zone):%Y-%m}", [0, 0])
        counts[0] += 1
        counts[1] += r.state == DisputeState.RESOLVED.value
    outcomes = Counter(r.outcome for r in resolved)
    return DisputeReport(
        since=since,
        until=until,
        timezone=zone.key,
        raised=len(rows),
        open=len(still_open),
        resolved=len(resolved),
        time_to_resolution=summary_seconds([r.resolved_at - r.raised_at for r in resolved]),
        within_sla=within,
        within_sla_rate=share(within, len(resolved)),
        overdue_open=sum(1 for r in still_open if now > r.due_at),
        outcomes={o.value: outcomes.get(o.value, 0) for o in Outcome},
        by_month=tuple(MonthCount(m, c[0], c[1]) for m, c in sorted(months.items())),
        top_accounts=_top_accounts(conn, rows),
    )


def _top_accounts(conn: Connection, rows: list[Any]) -> tuple[ContestedAccount, ...]:
    """The accounts with the most disputes (on the account or one of its opportunities);
    ties by account id."""
    counts = Counter(r.account_id for r in rows if r.account_id is not None)
    opened = Counter(
        r.account_id
        for r in rows
        if r.account_id is not None and r.state == DisputeState.OPEN.value
    )
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ACCOUNTS]
    ids = [a for a, _ in top]
    names = dict(
        conn.execute(select(accounts.c.id, accounts.c.name).where(accounts.c.id.in_(ids))).all()
    )
    return tuple(ContestedAccount(a, names.get(a), n, opened.get(a, 0)) for a, n in top)
