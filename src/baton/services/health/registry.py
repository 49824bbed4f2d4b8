"""The monitors, in one place, and ``evaluate``: every registered monitor over one
connection as of ``now``.

Adding a monitor (ownership's disputes and timeouts, handoff's completion …) is one
function ``(HealthContext) -> Monitor`` (its figure from that capability's report) and
one line in ``MONITORS``; its threshold is a field of ``health:`` (health_schema.py)
and a row in docs/health.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from baton.domain.health import Monitor
from baton.services.health import delay_monitor as dm
from baton.services.health import handoff_monitors as ho
from baton.services.health import monitors as m
from baton.services.health import ownership_monitors as roe
from baton.services.health.context import HealthContext

Evaluate = Callable[[HealthContext], Monitor]

MONITORS: tuple[Evaluate, ...] = (
    m.pool_imbalance,
    m.fallback_share,
    m.unassigned_leads,
    m.inactive_owners,
    m.misroute_rate,
    m.team_sla_compliance,
    m.slow_response,
    m.miss_rate_trend,
    m.uncovered_lead_type,
    dm.systems_delay_shift,
    m.rejection_reason,
    m.leakage,
    m.alert_delivery,
    roe.ownership_timeouts,
    roe.unresolved_violations,
    roe.disputes,
    ho.handoff_completion,
    ho.handoff_first_touch,
    ho.handoff_escalations,
    m.worker_heartbeat,
)


def evaluate(
    conn: Connection, now: datetime, monitors: tuple[Evaluate, ...] = MONITORS
) -> list[Monitor]:
    """Every monitor's verdict as of ``now``; each report is computed once."""
    ctx = HealthContext(conn, now)
    return [monitor(ctx) for monitor in monitors]
