"""Use case: route records against any version (draft included) without writing anything.

Used by ``baton route --file … --dry-run`` and by scenario tests. Round-robin
state starts from the database and moves in memory only, so a file of leads
distributes as it would for real; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from baton.domain.routing.flow import Decision
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
    """Ports that can pretend some people are out of office, for one record at a time."""

    away: frozenset[str] = frozenset()

    def _why_not(
        self, pid: str, check_hours: bool, check_capacity: bool, now: datetime
    ) -> str | None:
        return (
            "out of office (assumed by the scenario)"
            if pid in self.away
            else super()._why_not(pid, check_hours, check_capacity, now)
        )


def open_dry_run(conn: Connection, version: int | None) -> tuple[LiveWorkspace, ScenarioPorts]:
    live = live_workspace(conn, version)
    if live is None:
        raise NoRouting(
            f"there is no version {version}"
            if version is not None
            else "no active version; give --version N"
        )
    if not live.routes_leads:
        raise NoRouting(f"version {live.version} has no routing flows")
    return live, ScenarioPorts(conn, live.routing, live.calendars, lock=False)


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
