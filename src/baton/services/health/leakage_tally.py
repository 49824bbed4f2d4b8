"""The leakage figures the monitor reads, counted by the database: the period's MQLs handed
to Sales ``lifecycle.leakage_after`` or longer ago, how many of them leaked (still MQL with an
owner, nobody worked since: ``reports.stages.has_leaked``) and the longest waiting of those —
instead of ``reports.leakage.leakage_report``'s pass over every MQL in Python (a second at a
million leads). ``tests/integration/test_health_speed.py`` holds it equal to the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, case, func, select

from baton.reports.leakage import leakage_after
from baton.reports.scope import ReportScope, share
from baton.reports.stages import handed_at, has_leaked
from baton.store.tables import leads

LISTED = 50  # the longest waiting leaked leads, as the monitor's items


@dataclass(frozen=True)
class LeakageTally:
    mqls: int  # handed over long enough ago to be judged
    leaked: int
    longest: tuple[tuple[int, str | None], ...]  # (lead id, owner), longest waiting first

    @property
    def share(self) -> float | None:
        return share(self.leaked, self.mqls)


def leakage_tally(conn: Connection, scope: ReportScope, now: datetime) -> LeakageTally:
    after = leakage_after(conn)
    judged = (
        leads.c.mql_at >= scope.since,
        leads.c.mql_at < scope.until,
        leads.c.assigned_at.is_not(None),
        handed_at() <= now - after,
    )
    leaked = has_leaked(now, after)
    mqls, lost = conn.execute(
        select(func.count(), func.sum(case((leaked, 1), else_=0))).where(*judged)
    ).one()
    longest = conn.execute(
        select(leads.c.id, leads.c.owner_id)
        .where(*judged, leaked)
        .order_by(handed_at(), leads.c.id)
        .limit(LISTED)
    ).all()
    return LeakageTally(int(mqls), int(lost or 0), tuple((r.id, r.owner_id) for r in longest))
