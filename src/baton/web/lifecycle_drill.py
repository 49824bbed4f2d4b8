"""Drill-downs into the lifecycle reports: the leads behind a number of the Funnel and
Feedback pages.

The funnel counts the leads that became MQL in the period (``reports.stages``: the
cohort), owner and team meaning *whose lead it is* — its owner, else the owner it was
recycled from. The lead list reproduces that with ``date=mql``: the period applies to
``mql_at``, owner and team to whose lead it is, and ``stage`` (sal, sql, opportunity,
won) keeps the leads that reached that stage in their current cycle; ``leaked=yes``
keeps the MQLs handed to Sales longer than ``lifecycle.leakage_after`` ago that nobody
worked (as of now, ``reports.leakage``).

The feedback loop counts rejections (moves to Recycled or Disqualified) made in the
period, owner and team meaning the owner the lead had then. With ``date=rejected`` the
period, owner, team and ``reason`` apply to one such move of the lead. A lead is listed
once even when two of its rejections match, where the report counts two.
Source, campaign and lead type stay filters on the lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, false, func, or_, select

from baton.reports.leakage import leakage_after
from baton.reports.stages import (
    NO_REASON,
    REJECTIONS,
    has_leaked,
    is_won,
    won_at,
    worked_by,
)
from baton.store.tables import leads, opportunities, people, status_changes
from baton.web.filters import Filters

MQL_DATE = "mql"
REJECTED_DATE = "rejected"
STAGES = ("sal", "sql", "opportunity", "won")  # what ``stage=`` may ask (MQL: the cohort itself)
DATE_WORDS = {
    MQL_DATE: "became MQL in the period (owner: whose lead it is)",
    REJECTED_DATE: "rejected in the period (owner: who had the lead then)",
}


def reached(stage: str) -> ColumnElement[bool]:
    """SQL: the lead reached ``stage`` in its current cycle (``reports.stages.reached``)."""
    mql = leads.c.mql_at
    sal, sql, converted = leads.c.sal_at >= mql, leads.c.sql_at >= mql, leads.c.converted_at >= mql
    if stage == "sal":
        return or_(sal, sql, converted)
    if stage == "sql":
        return or_(sql, converted)
    if stage == "opportunity":
        return converted
    won = exists().where(
        opportunities.c.account_id == leads.c.account_id,
        is_won(opportunities),
        won_at(opportunities) >= leads.c.converted_at,
    )
    return and_(converted, won)


def _on_lead(filters: Filters) -> list[ColumnElement[bool]]:
    return [
        leads.c[name] == getattr(filters, name)
        for name in ("source", "campaign", "lead_type")
        if getattr(filters, name)
    ]


def _whose(column: Any, filters: Filters) -> list[ColumnElement[bool]]:
    out = []
    if filters.owner:
        out.append(column == filters.owner)
    if filters.team:
        out.append(column.in_(select(people.c.id).where(people.c.team_id == filters.team)))
    return out


def cohort_conditions(
    conn: Connection, filters: Filters, facets: Mapping[str, str], now: datetime
) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``leads``: became MQL in the period, whose lead it is, the stage
    reached and whether it leaked as of ``now``."""
    out = [
        leads.c.mql_at >= filters.since,
        leads.c.mql_at < filters.until,
        *_on_lead(filters),
        *_whose(worked_by(), filters),
    ]
    if facets.get("stage"):
        out.append(reached(facets["stage"]))
    if facets.get("leaked"):
        out.append(func.coalesce(has_leaked(now, leakage_after(conn)), false()))
    return out


def rejection_conditions(filters: Filters, facets: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``leads``: a move to Recycled or Disqualified in the period by the
    owner and team asked, with the reason asked ("(none)": none given)."""
    c = status_changes.c
    on_move: list[Any] = [
        c.lead_id == leads.c.id,
        c.to_status.in_(REJECTIONS),
        c.changed_at >= filters.since,
        c.changed_at < filters.until,
        *_whose(c.owner_id, filters),
    ]
    reason = facets.get("reason")
    if reason == NO_REASON:
        on_move.append(func.coalesce(c.reason, "") == "")
    elif reason:
        on_move.append(c.reason == reason)
    return [*_on_lead(filters), exists().where(*on_move)]
