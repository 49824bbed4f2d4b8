"""What the monitors are evaluated from: one connection, one ``now``, the live ``health:``
thresholds and the period (the last 30 local calendar days, as the reports' default), with
each report computed at most once however many monitors read it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import urlencode

from sqlalchemy import Connection

from baton.domain.health import Sample
from baton.reports.feedback import rejection_reasons
from baton.reports.routing import RoutingReport, distribution
from baton.reports.scope import ReportScope, health_limits, report_zone, scope_of
from baton.services.health.leakage_tally import LeakageTally, leakage_tally
from baton.services.health.sla_tally import SlaTally, sla_tally
from baton.services.live import LiveWorkspace, live_workspace
from baton.workspace.health_schema import HealthLimits

WEEK = timedelta(days=7)
T = TypeVar("T")


class HealthContext:
    def __init__(self, conn: Connection, now: datetime) -> None:
        self.conn = conn
        self.now = now
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per evaluation: for a capability's figures that several of its
        monitors read (registered from their own module)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @cached_property
    def limits(self) -> HealthLimits:
        return health_limits(self.conn)

    @cached_property
    def live(self) -> LiveWorkspace | None:
        return live_workspace(self.conn)

    @cached_property
    def scope(self) -> ReportScope:
        """The last 30 local calendar days of the workspace's zone, today included."""
        return scope_of(self.now, zone=report_zone(self.conn))

    @cached_property
    def routing(self) -> RoutingReport:
        return distribution(self.conn, self.scope.since, self.scope.until, self.limits)

    @cached_property
    def sla(self) -> SlaTally:
        return sla_tally(self.conn, self.scope.since, self.scope.until, self.now)

    def sla_between(self, since: datetime, until: datetime) -> SlaTally:
        return sla_tally(self.conn, since, until, self.now)

    @cached_property
    def leakage(self) -> LeakageTally:
        return leakage_tally(self.conn, self.scope, self.now)

    @cached_property
    def rejections(self) -> Counter[str]:
        """The period's rejections per reason (the Feedback report's)."""
        return rejection_reasons(self.conn, self.scope)

    def sample(self, size: int, unit: str = "leads", needed: int | None = None) -> Sample:
        return Sample(size, self.limits.min_sample if needed is None else needed, unit)


def link(path: str, range_: str = "30d", **params: str) -> str:
    """A dashboard drill-down: ``path`` over the monitor's period with ``params``."""
    return f"{path}?{urlencode({'range': range_, **params})}"
