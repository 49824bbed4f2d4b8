"""Drill-downs into SLA charges: the leads behind a number of the SLA report.

The SLA report counts owner charges (``sla_clocks`` rows) dated by the clock's
start, with owner and team meaning the *charged* owner (a miss stays Sam's after
the lead went to Priya). The lead list reproduces that with ``date=sla_charge``:
the period, owner and team then apply to one charge of the lead, and so do the
``sla`` state (as of now: a pending charge past its deadline is a miss) and the
``response`` band (under / approaching / breached) — all on the same charge. Source,
campaign and lead type stay filters on the lead.
A lead is listed once even when two of its charges match (handed over and
missed twice), where the report counts two charges.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, false, or_, select

from baton.reports.scope import health_limits
from baton.reports.sla import BANDS, state_is, state_now, threshold_seconds
from baton.store.tables import leads, people, sla_clocks
from baton.web.filters import Filters

CHARGE_DATE = "sla_charge"
RESPONSE_BANDS = BANDS


def charge_conditions(
    conn: Connection, filters: Filters, facets: Mapping[str, str], now: datetime
) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``leads``: a charge started in the period matching the owner, team,
    state and band as of ``now``."""
    c = sla_clocks.c
    on_charge: list[Any] = [
        c.lead_id == leads.c.id,
        c.started_at >= filters.since,
        c.started_at < filters.until,
    ]
    if filters.owner:
        on_charge.append(c.owner_id == filters.owner)
    if filters.team:
        on_charge.append(
            c.owner_id.in_(select(people.c.id).where(people.c.team_id == filters.team))
        )
    if facets.get("sla"):
        on_charge.append(state_is(c, facets["sla"], now))
    if facets.get("response"):
        on_charge.append(_band(conn, filters, facets["response"], now))
    on_lead = [
        leads.c[name] == getattr(filters, name)
        for name in ("source", "campaign", "lead_type")
        if getattr(filters, name)
    ]
    return [*on_lead, exists().where(*on_charge)]


def _band(conn: Connection, filters: Filters, band: str, now: datetime) -> ColumnElement[bool]:
    """The report's bands in SQL: a miss (as of ``now``) is breached; a hit is approaching from
    ``health.sla_approaching`` of its rule's threshold (in the version its clock started
    under), else under."""
    c = sla_clocks.c
    if band == "breached":
        return state_now(c, now) == "miss"
    threshold, approaching = threshold_seconds(conn), health_limits(conn).sla_approaching
    pairs = conn.execute(
        select(c.version, c.rule)
        .distinct()
        .where(c.started_at >= filters.since, c.started_at < filters.until)
    ).all()
    limits = [(v, r, t * approaching) for v, r in pairs if (t := threshold(v, r)) is not None]
    if not limits:
        return false()
    used = (
        (lambda limit: c.response_business_seconds >= limit)
        if band == "approaching"
        else (lambda limit: c.response_business_seconds < limit)
    )
    return and_(
        c.state == "hit",
        or_(*(and_(c.version == v, c.rule == r, used(limit)) for v, r, limit in limits)),
    )
