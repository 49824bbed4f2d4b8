"""What the lifecycle reports (funnel, feedback loop, leakage) mean by a stage, a cycle, a
rejection, a win and whose lead it was — one definition for the streaming reports and
their mirror twins.

- **The cohort** of a period: the leads that became MQL in it (``mql_at``; a lead that
  qualified again after a recycle counts at its latest MQL date).
- **A stage reached** in that cycle: its date — or a later stage's, when the workspace
  lets a lead skip one — is on or after ``mql_at``; a stamp from before the latest MQL
  belongs to an earlier cycle. So each stage holds no more leads than the one before.
- **Time between two stages**: both dates in the cycle, in order; wall clock, and
  business time in the calendar of the lead's owner.
- **Opportunity**: the lead was converted (``converted_at``).
- **Won**: Baton keeps no link from a lead to its opportunity, so a converted lead is
  won when its account (``leads.account_id``) has an opportunity in the stage
  ``Closed Won`` (any case) that closed at or after the conversion — ``closed_at``, or
  the opportunity's last update when the CRM sent none; the earliest such close is
  when it was won.
- **Whose lead**: its owner; a lead recycled back to Marketing has none, and counts
  for the owner it was recycled from (``status_changes.owner_id`` of its latest move).
- **A rejection**: a move to Recycled or Disqualified, dated by the move, for the owner
  the lead had then, with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, select

from baton.domain.records import LeadStatus
from baton.store.tables import activities, leads, opportunities, status_changes

STAGES = ("mql", "sal", "sql", "opportunity", "won")
STAMPS = {"mql": "mql_at", "sal": "sal_at", "sql": "sql_at", "opportunity": "converted_at"}
STEPS = tuple(f"{a}_to_{b}" for a, b in zip(STAGES, STAGES[1:], strict=False))
RATES = (*STEPS, "mql_to_won")
STAGE_NAMES = {"opportunity": "Opportunity", "won": "Won"}  # the others: lifecycle.names
WON_STAGE = "closed won"
REJECTIONS = (LeadStatus.RECYCLED.value, LeadStatus.DISQUALIFIED.value)
NO_REASON = "(none)"
UNASSIGNED, NO_TEAM, NONE = "(unassigned)", "(none)", "(none)"


def reached(dates: Sequence[datetime | None]) -> tuple[bool, ...]:
    """Per stage of ``STAGES``, whether the lead reached it in its current cycle, from its
    (mql_at, sal_at, sql_at, converted_at, won_at); ``won_at`` is already on or after
    the conversion (``won_at``)."""
    mql = dates[0]
    assert mql is not None
    inside = [d is not None and d >= mql for d in dates[1:4]]
    return (
        True,
        *(any(inside[k:]) for k in range(3)),
        inside[2] and dates[4] is not None,
    )


def step_ends(dates: Sequence[datetime | None]) -> list[tuple[datetime, datetime] | None]:
    """Per step of ``STEPS``, its (start, end) when both dates are in the cycle and in order."""
    mql = dates[0]
    assert mql is not None
    out: list[tuple[datetime, datetime] | None] = []
    for a, b in zip(dates, dates[1:], strict=False):
        ok = a is not None and b is not None and a >= mql and b >= a
        out.append((a, b) if ok else None)  # type: ignore[arg-type]
    return out


def won_times(conn: Any) -> dict[int, list[datetime]]:
    """Per account, the sorted times its opportunities were closed won."""
    out: dict[int, list[datetime]] = {}
    for account, at in conn.execute(
        select(opportunities.c.account_id, won_at(opportunities)).where(is_won(opportunities))
    ):
        if account is not None:
            out.setdefault(account, []).append(at)
    for times in out.values():
        times.sort()
    return out


def is_won(table: Any) -> Any:
    """SQL: an opportunity in the won stage (any case, spaces around ignored)."""
    return func.lower(func.trim(table.c.stage)) == WON_STAGE


def won_at(table: Any) -> Any:
    """SQL: when a won opportunity closed (its last update when it has no ``closed_at``)."""
    return func.coalesce(table.c.closed_at, table.c.updated_at)


def worked_by(lead_table: Any = leads, changes: Any = status_changes) -> Any:
    """SQL: whose lead it is — its owner, else the owner of its latest status change (the one it
    was recycled from)."""
    latest = (
        select(changes.c.owner_id)
        .where(changes.c.lead_id == lead_table.c.id)
        .order_by(changes.c.changed_at.desc(), changes.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(lead_table.c.owner_id, latest)


def median_summary(count: int, low_us: float | None, high_us: float | None) -> dict[str, Any]:
    """{count, median_seconds} from the two middle values (µs) of a sorted sample: their mean,
    rounded to the microsecond as ``timedelta`` rounds."""
    if not count or low_us is None or high_us is None:
        return {"count": 0, "median_seconds": None}
    return {
        "count": count,
        "median_seconds": timedelta(microseconds=(low_us + high_us) / 2).total_seconds(),
    }


def median_of(sorted_us: Sequence[int]) -> dict[str, Any]:
    """``median_summary`` of a sorted list of microseconds."""
    n = len(sorted_us)
    if not n:
        return median_summary(0, None, None)
    return median_summary(n, sorted_us[(n - 1) // 2], sorted_us[n // 2])


def handed_at(table: Any = leads) -> Any:
    """SQL: when the lead was handed to Sales — the later of its MQL date and its assignment."""
    return case((table.c.mql_at > table.c.assigned_at, table.c.mql_at), else_=table.c.assigned_at)


def has_leaked(now: datetime, after: timedelta, table: Any = leads) -> Any:
    """SQL: still an MQL with an owner, handed over ``after`` or longer before ``now``, and no
    activity on it since but the lead's own replies (``reports.leakage``)."""
    handed = handed_at(table)
    touched = exists().where(
        activities.c.lead_id == table.c.id,
        func.coalesce(activities.c.direction, "outbound") != "inbound",
        activities.c.occurred_at >= handed,
    )
    return and_(
        table.c.status == LeadStatus.MQL.value,
        table.c.owner_id.is_not(None),
        handed <= now - after,
        ~touched,
    )
