"""The Overview (home page): speed to lead over time, SLA compliance against the
previous period, leads received / routed / to the fallback, the open clocks about
to breach, and the health red flags the reports can raise so far.

It reuses the other pages' figures (``speed_data``, ``sla_data``,
``routing_data``), so a number here is the same number, with the same
drill-down, as on its own page. The red flags are for managers and admins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from baton.reports.sla import SlaReport
from baton.reports.speed_mirror import speed_report
from baton.services.live import live_workspace
from baton.services.people.access import scope_leads
from baton.services.people.users import Role, User
from baton.store.tables import leads, people, teams
from baton.web.filters import Filters
from baton.web.reports import percent, viewer_scope
from baton.web.routing_data import PoolView, routing_view
from baton.web.sla_charges import CHARGE_DATE
from baton.web.sla_data import compliance, open_clock_rows
from baton.web.speed_data import over_time_charts, time_unit
from baton.web.units import plural
from baton.workspace.sla_compile import uncovered_lead_types

ABOUT_TO_BREACH_SHOWN = 10


@dataclass(frozen=True)
class Flag:
    key: str  # the flag's id in the page, e.g. "imbalance"
    title: str
    raised: bool
    detail: str
    items: list[tuple[str, str | None]] = field(default_factory=list)  # (what, drill-down link)
    judged: bool = True  # False: too few leads to say (health: min_pool_leads, min_sample)


def overview_view(
    conn: Connection, mirror: Connection, user: User, filters: Filters, now: datetime
) -> dict[str, Any]:
    """``conn``: the main database; ``mirror``: the analytics mirror the period's figures are
    counted in."""
    speed = speed_report(
        conn, mirror, viewer_scope(user, filters), dimensions=(time_unit(filters),), business=False
    )
    period = compliance(conn, mirror, user, filters, now, dimensions=("team",))
    routing = routing_view(conn, mirror, user, filters, now, charts=False)
    about_to_breach = open_clock_rows(
        conn, user, filters, now, ABOUT_TO_BREACH_SHOWN, overdue=False
    )
    flags = (
        []
        if user.role is Role.REP
        else health_flags(conn, mirror, user, filters, routing, period.now)
    )
    return {
        "speed": speed,
        "speed_chart": over_time_charts(speed, filters)[0],
        "compliance": period,
        "routing": routing,
        "about_to_breach": about_to_breach,
        "flags": flags,
    }


def health_flags(
    conn: Connection,
    mirror: Connection,
    user: User,
    filters: Filters,
    routing: dict[str, Any],
    sla: SlaReport,
) -> list[Flag]:
    """The red flags, each judged by the live version's ``health:`` threshold on enough
    leads (below ``min_pool_leads`` / ``min_sample`` a flag says so instead of raising)."""
    limits = routing["limits"]
    routed = routing["routed"]
    sample = routing["sample"]
    of_routed = f"of {plural(routed, 'routed lead')}" + (
        "" if sample.enough else f" — {sample.words}"
    )
    return [
        _imbalance(routing["pools"], limits.pool_imbalance, filters),
        Flag(
            "fallback",
            f"Fallback share (flag over {percent(limits.fallback_share)})",
            routing["fallback_flagged"],
            f"{percent(routing['fallback_share']) if routed else '—'} {of_routed}",
            [
                (
                    f"{plural(routing['fallback'], 'lead')} to the fallback",
                    routing["links"]["fallback"],
                )
            ]
            if routing["fallback"]
            else [],
            sample.enough,
        ),
        Flag(
            "misroutes",
            f"Misroute rate (flag over {percent(limits.misroute_rate)})",
            routing["misroute_flagged"],
            f"{percent(routing['misroute_rate']) if routed else '—'} {of_routed}",
            [
                (
                    f"{plural(routing['misrouted'], 'lead')} flagged as misrouted",
                    routing["links"]["misrouted"],
                )
            ]
            if routing["misrouted"]
            else [],
            sample.enough,
        ),
        _inactive_owners(conn, mirror, user, filters),
        _lead_types_without_rule(conn, mirror, user, filters),
        _teams_under_target(conn, sla, filters),
    ]


def _imbalance(pools: list[PoolView], limit: float, filters: Filters) -> Flag:
    """Flagged pools with whom they skipped; pools with too few leads say so."""
    small = [p for p in pools if not p.sample.enough]
    return Flag(
        "imbalance",
        f"Round-robin imbalance (flag over {percent(limit)})",
        any(p.flagged for p in pools),
        f"{plural(len(pools), 'pool')} in the period" if pools else "no round robin in the period",
        [
            (f"{p.pool}: {percent(p.imbalance)} — {p.skips.words}", filters.url("/routing"))
            for p in pools
            if p.flagged and p.skips
        ]
        + [(f"{p.pool}: {p.sample.words}", filters.url("/routing")) for p in small],
        not pools or len(small) < len(pools),
    )


def _received_by(
    mirror: Connection, user: User, filters: Filters, column, *where
) -> dict[str, int]:
    """Leads received in the period per value of ``column`` (counted in the mirror)."""
    query = (
        select(column, func.count())
        .where(*filters.lead_conditions(), column.is_not(None), *where)
        .group_by(column)
    )
    return dict(mirror.execute(scope_leads(query, user)).all())


def _inactive_owners(conn: Connection, mirror: Connection, user: User, filters: Filters) -> Flag:
    inactive = dict(
        conn.execute(select(people.c.id, people.c.name).where(people.c.active.is_(False))).all()
    )
    counts = (
        _received_by(mirror, user, filters, leads.c.owner_id, leads.c.owner_id.in_(list(inactive)))
        if inactive
        else {}
    )
    return Flag(
        "inactive",
        "Inactive people who received leads",
        bool(counts),
        f"{plural(len(inactive), 'person', 'people')} marked inactive",
        [
            (f"{inactive[pid]}: {plural(n, 'lead')}", filters.url("/leads", owner=pid))
            for pid, n in sorted(counts.items())
        ],
    )


def _lead_types_without_rule(
    conn: Connection, mirror: Connection, user: User, filters: Filters
) -> Flag:
    """Lead types of the period's leads that no SLA rule times
    (``sla_compile.uncovered_lead_types``, as ``baton check`` warns)."""
    live = live_workspace(conn)
    counts = (
        _received_by(mirror, user, filters, leads.c.lead_type) if live and live.sla.rules else {}
    )
    uncovered = uncovered_lead_types(live.sla, counts) if counts else []
    detail = (
        "no SLA rules in the live version"
        if not (live and live.sla.rules)
        else f"{plural(len(counts), 'lead type')} received in the period"
    )
    return Flag(
        "uncovered",
        "Lead types without an SLA rule",
        bool(uncovered),
        detail,
        [
            (f"{t}: {plural(counts[t], 'lead')} never timed", filters.url("/leads", lead_type=t))
            for t in uncovered
        ],
    )


def _teams_under_target(conn: Connection, sla: SlaReport, filters: Filters) -> Flag:
    names = dict(conn.execute(select(teams.c.id, teams.c.name)).all())
    target = sla.limits.team_sla_compliance
    judged = [t for t in sla.by_team if t.compliance is not None]
    named = [t for t in judged if t.key in names]
    low = [t for t in named if sla.under_target(t)]
    small = [t for t in named if not sla.sample(t).enough]
    return Flag(
        "compliance",
        f"Team SLA compliance (flag under {percent(target)})",
        bool(low),
        f"{plural(len(judged), 'team')} with verdicts in the period",
        [
            (
                f"{names[t.key]}: {percent(t.compliance)} ({t.miss:,} missed)",
                filters.url("/leads", date=CHARGE_DATE, sla="miss", team=t.key),
            )
            for t in low
        ]
        + [
            (
                f"{names[t.key]}: {percent(t.compliance)} — {sla.sample(t).words}",
                filters.url("/leads", date=CHARGE_DATE, team=t.key),
            )
            for t in small
        ],
        not named or len(small) < len(named),
    )
