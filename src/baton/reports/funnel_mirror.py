"""The funnel (``reports.funnel``) computed in the mirror: the same cohort, groups and
numbers, counted by one GROUPING SETS query over the period's MQLs instead of a pass in
Python.

Whose lead it is (``worked_by``) and the business time of the lead's own steps (MQL →
SAL → SQL → converted) were kept on the lead when it was copied
(``mirror.FUNNEL_STEPS``); a win is found by joining the cohort's converted leads to their
accounts' won opportunities as the query runs, and the few won leads' Opportunity → Won
time is measured here, in Python, in their owner's calendar.

Medians cost a sort per group and step, so the caller says where it shows them:
``times`` True (every group), "overall", or False; groups not asked for get none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, false, func, literal_column, null, select, text

from baton.reports.funnel import (
    DIMENSIONS,
    FunnelGroup,
    FunnelReport,
    assemble,
    funnel_group,
    stage_names,
)
from baton.reports.local_time import local_date, week_label
from baton.reports.mirror import WORKED_BY, blank_as, mirrored, run
from baton.reports.scope import ReportScope, lead_conditions, report_zone
from baton.reports.stages import (
    NO_TEAM,
    NONE,
    STEPS,
    UNASSIGNED,
    is_won,
    median_of,
    median_summary,
    won_at,
)
from baton.services.sla.calendars import OwnerCalendars
from baton.store.tables import leads, opportunities, people

MIDDLE = "[0.5, 0.5000000001]"  # the lower and upper middle values (see speed_mirror.QUANTILES)
_LEAD_STEPS = STEPS[:3]  # measured on the lead; the last (opportunity → won) here
_BUSINESS = ("mql_sal_b_us", "sal_sql_b_us", "sql_opp_b_us")


def funnel_report(
    conn: Connection,
    duck: Connection,
    scope: ReportScope,
    *,
    dimensions: Sequence[str] = DIMENSIONS,
    times: bool | str = True,
) -> FunnelReport:
    """``reports.funnel.funnel_report`` over the mirror ``duck`` (the zone, the stage names and
    the calendars read from ``conn``)."""
    zone = report_zone(conn, scope)
    base = _base(scope, zone, with_team="team" in dimensions).subquery("base")
    keys = [base.c[f"k_{d}"] for d in dimensions]
    counts = _grouped(duck, base, keys, dimensions, _counts(base))
    timed = dimensions if times is True else ()
    steps: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    if times:
        timed_keys = [base.c[f"k_{d}"] for d in timed]
        for group, values in _grouped(duck, base, timed_keys, timed, _steps(base)).items():
            steps[group] = _summaries(values)
        won = OwnerCalendars.load(conn).calendar
        for group, summary in _won_steps(duck, base, timed, won).items():
            steps[group]["opportunity_to_won"] = summary
    groups: dict[str, list[FunnelGroup]] = defaultdict(list)
    for (dimension, key), values in counts.items():
        groups[dimension].append(funnel_group(key, values, steps.get((dimension, key), {})))
    return assemble(scope, zone.key, stage_names(conn), groups)


def _grouped(
    duck: Connection, base: Any, keys: list[Any], dimensions: Sequence[str], aggregates: list
) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(dimension, key) → the aggregates, by one GROUPING SETS query ("all": the overall)."""
    sets = ", ".join(["()"] + [f"({k.name})" for k in keys])
    query = select(*[func.grouping(k) for k in keys], *keys, *aggregates).group_by(
        text(f"GROUPING SETS ({sets})")
    )
    out = {}
    for row in run(duck, query):
        flags, values = row[: len(keys)], row[len(keys) :]
        d = next((i for i, f in enumerate(flags) if not f), None)
        if d is None:
            out[("all", "all")] = tuple(values[len(keys) :])
        else:
            out[(dimensions[d], _label(dimensions[d], values[d]))] = tuple(values[len(keys) :])
    return out


def _counts(base: Any) -> list[Any]:
    return [func.count(), *(func.count().filter(base.c[f"r_{s}"]) for s in _REACHED)]


def _steps(base: Any) -> list[Any]:
    out = []
    for step in _LEAD_STEPS:
        for kind in ("wall", "business"):
            value = base.c[f"{kind}_{step}"]
            out += [func.count(value), func.quantile_disc(value, literal_column(MIDDLE))]
    return out


def _summaries(values: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, step in enumerate(_LEAD_STEPS):
        for j, kind in enumerate(("wall", "business")):
            count, middle = values[4 * i + 2 * j : 4 * i + 2 * j + 2]
            low, high = middle if middle else (None, None)
            out.setdefault(step, {})[kind] = median_summary(count, low, high)
    return out


def _won_steps(
    duck: Connection, base: Any, dimensions: Sequence[str], calendar_of: Any
) -> dict[tuple[str, str], dict[str, Any]]:
    """Opportunity → Won of the won leads, per group: wall clock and business time of the
    lead's owner, measured here."""
    keys = [base.c[f"k_{d}"] for d in dimensions]
    query = select(base.c.worked_by, base.c.converted_us, base.c.won_us, *keys).where(base.c.r_won)
    values: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for row in run(duck, query):
        person, start, end = row[:3]
        wall, business = end - start, calendar_of(person).between_us(start, end)
        groups = [("all", "all")] + [
            (d, _label(d, k)) for d, k in zip(dimensions, row[3:], strict=True)
        ]
        for group in groups:
            values[(*group, "wall")].append(wall)
            values[(*group, "business")].append(business)
    out: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for (dimension, key, kind), found in values.items():
        out[(dimension, key)][kind] = median_of(sorted(found))
    return out


def _label(dimension: str, value: Any) -> str:
    return week_label(value) if dimension == "week" else value


_REACHED = ("sal", "sql", "opportunity", "won")


def _base(scope: ReportScope, zone: Any, *, with_team: bool):
    """One row per lead of the cohort: its group keys, the stages it reached, each step's
    wall-clock and business time (µs) where measured."""
    worked = mirrored(WORKED_BY)
    cohort = [
        leads.c.mql_at >= scope.since,
        leads.c.mql_at < scope.until,
        *lead_conditions(scope, owner_column=worked),
    ]
    wins = (
        select(opportunities.c.account_id, won_at(opportunities).label("won_at"))
        .where(is_won(opportunities))
        .subquery("wins")
    )
    won = (
        select(leads.c.id.label("lead_id"), func.min(wins.c.won_at).label("won_at"))
        .select_from(
            leads.join(
                wins,
                and_(
                    wins.c.account_id == leads.c.account_id,
                    wins.c.won_at >= leads.c.converted_at,
                ),
            )
        )
        .where(*cohort, leads.c.converted_at >= leads.c.mql_at)
        .group_by(leads.c.id)
        .subquery("won")
    )
    mql, sal, sql, converted = (
        leads.c.mql_at,
        leads.c.sal_at,
        leads.c.sql_at,
        leads.c.converted_at,
    )
    inside = {"sal": sal >= mql, "sql": sql >= mql, "opportunity": converted >= mql}
    is_won_lead = and_(inside["opportunity"], won.c.won_at.is_not(None))
    measured = {
        "mql_to_sal": (inside["sal"], mql, sal),
        "sal_to_sql": (and_(inside["sal"], sql >= sal), sal, sql),
        "sql_to_opportunity": (and_(inside["sql"], converted >= sql), sql, converted),
    }
    steps = []
    for (step, (ok, start, end)), business in zip(measured.items(), _BUSINESS, strict=True):
        wall = func.epoch_us(end) - func.epoch_us(start)
        steps += [
            case((ok, wall), else_=null()).label(f"wall_{step}"),
            case((ok, mirrored(business)), else_=null()).label(f"business_{step}"),
        ]
    day = local_date(mql, zone, scope.since, scope.until)
    return (
        select(
            blank_as(leads.c.source, NONE).label("k_source"),
            blank_as(leads.c.campaign, NONE).label("k_campaign"),
            blank_as(leads.c.lead_type, NONE).label("k_lead_type"),
            blank_as(worked, UNASSIGNED).label("k_owner"),
            (blank_as(people.c.team_id, NO_TEAM) if with_team else null()).label("k_team"),
            func.date_trunc("week", day).label("k_week"),
            func.coalesce(inside["sal"] | inside["sql"] | inside["opportunity"], false()).label(
                "r_sal"
            ),
            func.coalesce(inside["sql"] | inside["opportunity"], false()).label("r_sql"),
            func.coalesce(inside["opportunity"], false()).label("r_opportunity"),
            func.coalesce(is_won_lead, false()).label("r_won"),
            *steps,
            worked.label("worked_by"),
            func.epoch_us(converted).label("converted_us"),
            func.epoch_us(won.c.won_at).label("won_us"),
        )
        .select_from(
            (leads.outerjoin(people, people.c.id == worked) if with_team else leads).outerjoin(
                won, won.c.lead_id == leads.c.id
            )
        )
        .where(*cohort)
    )
