"""Lead leakage (``reports.leakage``) counted in the mirror: the period's MQLs handed to Sales
longer than ``lifecycle.leakage_after`` ago and those of them that leaked, overall and by
owner, team and source, by one GROUPING SETS query (the leaked leads themselves are listed
by the lead list: ``/leads?date=mql&leaked=yes``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, false, func, select, text

from baton.reports.leakage import DIMENSIONS, LeakageReport, assemble, leakage_after
from baton.reports.mirror import WORKED_BY, blank_as, mirrored, run
from baton.reports.scope import ReportScope, lead_conditions
from baton.reports.stages import NO_TEAM, NONE, UNASSIGNED, handed_at, has_leaked
from baton.store.tables import leads, people


def leakage_counts(
    conn: Connection, duck: Connection, scope: ReportScope, now: datetime
) -> LeakageReport:
    """``reports.leakage.leakage_report`` without its list of leads, over the mirror ``duck``."""
    after = leakage_after(conn)
    worked = mirrored(WORKED_BY)
    base = (
        select(
            blank_as(worked, UNASSIGNED).label("k_owner"),
            blank_as(people.c.team_id, NO_TEAM).label("k_team"),
            blank_as(leads.c.source, NONE).label("k_source"),
            func.coalesce(has_leaked(now, after), false()).label("leaked"),
        )
        .select_from(leads.outerjoin(people, people.c.id == worked))
        .where(
            leads.c.mql_at >= scope.since,
            leads.c.mql_at < scope.until,
            leads.c.assigned_at.is_not(None),
            handed_at() <= now - after,
            *lead_conditions(scope, owner_column=worked),
        )
        .subquery("base")
    )
    keys = [base.c[f"k_{d}"] for d in DIMENSIONS]
    sets = ", ".join(["()"] + [f"({k.name})" for k in keys])
    query = select(
        *[func.grouping(k) for k in keys], *keys, func.count(), func.count().filter(base.c.leaked)
    ).group_by(text(f"GROUPING SETS ({sets})"))
    mqls: dict[tuple[str, str], int] = {}
    leaked: dict[tuple[str, str], int] = {}
    for row in run(duck, query):
        flags, values = row[: len(keys)], row[len(keys) :]
        d = next((i for i, f in enumerate(flags) if not f), None)
        group: Any = ("all", "all") if d is None else (DIMENSIONS[d], values[d])
        mqls[group], leaked[group] = values[len(keys) :]
    return assemble(conn, scope, now, after, mqls, leaked)
