"""The SLA report's counts (``reports.sla``) computed in the mirror.

Per group — overall, rule, lead type, charged owner, their team, ISO week of the
clock's start in the report's zone — the charges per state as of ``now`` (a pending
charge past its deadline is a miss, as in the streaming report), the open and the
overdue ones, compliance and the response-time bands: everything the dashboard shows,
by one GROUPING SETS query. The business-time summaries of responses and misses
(``response_business``, ``miss_business``) are the streaming report's alone: an
untouched miss grows with ``now`` in its own calendar, which is the one number not
worth a pass over a year of charges.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, null, or_, select, text

from baton.reports.local_time import local_date, week_label
from baton.reports.mirror import CLOCK_LEAD_TYPE, blank_as, mirrored, run
from baton.reports.scope import ReportScope, health_limits, lead_conditions, report_zone
from baton.reports.sla import (
    BANDS,
    DIMENSIONS,
    STATES,
    SlaGroup,
    SlaReport,
    sla_group,
    sort_rows,
    state_now,
    threshold_seconds,
)
from baton.store.tables import leads, people, sla_clocks


def sla_counts(
    conn: Connection,
    duck: Connection,
    scope: ReportScope,
    now: datetime,
    *,
    dimensions: Sequence[str] = DIMENSIONS,
) -> SlaReport:
    """``reports.sla.sla_report`` without the duration summaries, over the mirror ``duck``."""
    zone, limits = report_zone(conn, scope), health_limits(conn)
    base = _base(conn, duck, scope, now, limits.sla_approaching).subquery("base")
    keys = [base.c[f"k_{d}"] for d in dimensions]
    sets = ", ".join(["()"] + [f"({k.name})" for k in keys])
    query = select(*[func.grouping(k) for k in keys], *keys, *_aggregates(base)).group_by(
        text(f"GROUPING SETS ({sets})")
    )
    groups: dict[str, list[SlaGroup]] = {d: [] for d in dimensions}
    overall = _group("", (0,) * (len(STATES) + 2 + len(BANDS)))
    for row in run(duck, query):
        flags, values = row[: len(keys)], row[len(keys) :]
        d = next((i for i, f in enumerate(flags) if not f), None)
        if d is None:
            overall = _group("", values[len(keys) :])
        else:
            key = _label(dimensions[d], values[d])
            groups[dimensions[d]].append(_group(key, values[len(keys) :]))
    return SlaReport(
        scope.since,
        scope.until,
        zone.key,
        now,
        scope.filters(),
        overall,
        *(sort_rows(groups.get(d, []), d) for d in DIMENSIONS),
        limits=limits,
    )


def _aggregates(base: Any) -> list[Any]:
    return (
        [func.count().filter(base.c.state == s) for s in STATES]
        + [func.count().filter(base.c.open), func.count().filter(base.c.overdue)]
        + [func.count().filter(base.c.band == b) for b in BANDS]
    )


def _group(key: str, values: Sequence[int]) -> SlaGroup:
    states, (open_clocks, overdue), bands = (
        values[: len(STATES)],
        values[len(STATES) : len(STATES) + 2],
        values[len(STATES) + 2 :],
    )
    return sla_group(
        key,
        dict(zip(STATES, states, strict=True)),
        open_clocks,
        overdue,
        dict(zip(BANDS, bands, strict=True)),
    )


def _label(dimension: str, value: Any) -> str:
    return week_label(value) if dimension == "week" else value


def _base(
    conn: Connection, duck: Connection, scope: ReportScope, now: datetime, approaching_from: float
):
    """One row per owner charge started in the period: its state, open / overdue as of
    ``now``, response band, group keys. The lead is joined only when a filter needs it (the
    lead type is on the mirrored clock): over a year it is most of the cost. A hit is
    approaching from ``approaching_from`` of its rule's threshold."""
    c = sla_clocks.c
    in_period = (c.started_at >= scope.since, c.started_at < scope.until)
    pairs = duck.execute(select(c.version, c.rule).where(*in_period).distinct()).all()
    threshold = threshold_seconds(conn)
    limits = [
        (and_(c.version == v, c.rule == r), approaching_from * t)
        for v, r in pairs
        if (t := threshold(v, r)) is not None
    ]
    state = state_now(c, now)
    untouched_miss = and_(state == "miss", c.stopped_at.is_(None), c.closed_at.is_(None))
    is_open = or_(c.state == "pending", untouched_miss)
    approaching = (
        case(
            *((when, c.response_business_seconds >= literal(limit)) for when, limit in limits),
            else_=null(),
        )
        if limits
        else null()
    )
    band = case(
        (state == "miss", "breached"),
        (
            and_(state == "hit", c.response_business_seconds.is_not(None)),
            case(
                (approaching.is_(True), "approaching"),
                (approaching.is_(False), "under"),
                else_=null(),
            ),
        ),
        else_=null(),
    )
    week = func.date_trunc(
        "week", local_date(c.started_at, report_zone(conn, scope), scope.since, scope.until)
    )
    with_lead = any(v is not None for v in (scope.source, scope.lead_type, scope.lead_ids))
    charges = sla_clocks.join(leads, leads.c.id == c.lead_id) if with_lead else sla_clocks
    lead_type = mirrored(
        CLOCK_LEAD_TYPE, "sla_clocks"
    )  # NULL: its lead is not in the mirror yet, and the streaming report's join drops it
    return (
        select(
            state.label("state"),
            is_open.label("open"),
            and_(is_open, c.due_at.is_not(None), c.due_at <= now).label("overdue"),
            band.label("band"),
            c.rule.label("k_rule"),
            blank_as(lead_type, "(none)").label("k_lead_type"),
            c.owner_id.label("k_owner"),
            blank_as(people.c.team_id, "(none)").label("k_team"),
            week.label("k_week"),
        )
        .select_from(charges.outerjoin(people, people.c.id == c.owner_id))
        .where(*in_period, lead_type.is_not(None), *lead_conditions(scope, c.owner_id))
    )
