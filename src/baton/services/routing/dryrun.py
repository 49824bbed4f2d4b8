"""Use case: route records against any version (draft included) without writing anything.

Used by ``baton route --file … --dry-run``: round-robin state and capacity
counts start from the database and move in memory only, so a file of leads
distributes as it would for real; nothing is stored. Scenario tests
(``baton test``) run *isolated*: every pool starts a fresh cycle as the version
defines it and capacity counts only the run's own rows, so live traffic never
changes their result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from baton.domain.routing.availability import local_day
from baton.domain.routing.flow import Decision
from baton.domain.routing.roundrobin import MemberState, sync_members
from baton.services.live import LiveWorkspace, live_workspace
from baton.services.outcomes import FieldError, Rejected
from baton.services.records.intake import validate_item
from baton.services.records.kinds import LEAD
from baton.services.routing.assign import decide, lead_facts
from baton.services.routing.ports import DbRoutingPorts


class NoRouting(Exception):
    """The version has no routing flows (or does not exist)."""


@dataclass
class DryResult:
    index: int
    decision: Decision | None = None
    errors: list[FieldError] = field(default_factory=list)


class ScenarioPorts(DbRoutingPorts):
    """Ports that write nothing and can pretend some people are out of office, for one record at
    a time; ``isolated``: pools and capacity counts ignore the database (see the module)."""

    away: frozenset[str] = frozenset()
    isolated: bool = False

    def pool_members(self, pool_id: str) -> tuple[MemberState, ...]:
        if self.isolated and pool_id not in self.pools:
            self.pools[pool_id] = sync_members((), list(self.config.pools[pool_id].members))
        return super().pool_members(pool_id)

    def _open_count(self, pid: str) -> int:
        return self._open.setdefault(pid, 0) if self.isolated else super()._open_count(pid)

    def _today_count(self, pid: str, zone: str | None, now: datetime) -> int:
        if self.isolated:
            return self._today.setdefault((pid, local_day(now, zone)), 0)
        return super()._today_count(pid, zone, now)

    def note(self, decision: Decision, now: datetime) -> None:
        """Count this run's assignments too: unlike real routing's, none is in the database."""
        if decision.owner_id is not None:
            row = self.people.get(decision.owner_id)
            self._open_count(decision.owner_id)
            self._today_count(decision.owner_id, row.timezone if row else None, now)
        super().note(decision, now)

    def _why_not(
        self, pid: str, check_hours: bool, check_capacity: bool, now: datetime
    ) -> str | None:
        return (
            "out of office (assumed by the scenario)"
            if pid in self.away
            else super()._why_not(pid, check_hours, check_capacity, now)
        )


def open_dry_run(
    conn: Connection, version: int | None, *, isolated: bool = False
) -> tuple[LiveWorkspace, ScenarioPorts]:
    """Version ``version`` (default: the active one) and ports to dry-run it with."""
    live = live_workspace(conn, version)
    if live is None:
        raise NoRouting(
            f"there is no version {version}"
            if version is not None
            else "no active version; give --version N"
        )
    if not live.routes_leads:
        raise NoRouting(f"version {live.version} has no routing flows")
    ports = ScenarioPorts(conn, live.routing, live.calendars, lock=False)
    ports.isolated = isolated
    return live, ports


def dry_route(
    conn: Connection,
    live: LiveWorkspace,
    ports: ScenarioPorts,
    index: int,
    raw: dict[str, Any],
    at: datetime,
    *,
    strict: bool = False,
    away: Iterable[str] = (),
) -> DryResult:
    item = validate_item(LEAD, raw, strict)
    if isinstance(item, list):
        return DryResult(index, errors=item)
    try:
        row = LEAD.to_row(conn, item, at)
    except Rejected as exc:
        return DryResult(index, errors=exc.errors)
    ports.away = frozenset(away)
    try:
        decision = decide(live, ports, lead_facts(row), "lead.created", at)
    finally:
        ports.away = frozenset()
    if decision is None:
        return DryResult(index, errors=[FieldError((), "no routing flow applies to this record")])
    return DryResult(index, decision)
