"""The time zone a viewer reads times in: ``?tz=`` if given, else their person's
time zone, else the live workspace's, else UTC. Times are stored in UTC and
converted only when shown."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from baton.store.tables import workspace_versions
from baton.workspace.zones import check_timezone

_workspace_zones: dict[
    tuple[int, str], str
] = {}  # (version, content hash) → zone name; documents never change


def workspace_zone_name(conn: Connection) -> str | None:
    """The live version's ``workspace.timezone`` (read once per version)."""
    live = conn.execute(
        select(workspace_versions.c.number, workspace_versions.c.content_hash).where(
            workspace_versions.c.state == "active"
        )
    ).first()
    if live is None:
        return None
    key = (live.number, live.content_hash)
    if key not in _workspace_zones:
        document = conn.execute(
            select(workspace_versions.c.document).where(workspace_versions.c.number == live.number)
        ).scalar_one()
        _workspace_zones[key] = document["workspace"]["timezone"]
    return _workspace_zones[key]


def resolve_zone(
    requested: str | None, person_zone: str | None, workspace_zone: str | None
) -> tuple[ZoneInfo, str | None]:
    """(zone, problem): an unusable ``?tz=`` falls back to the next choice and says why."""
    problem = None
    if requested:
        problem = check_timezone(requested)
        if problem is None:
            return ZoneInfo(requested), None
        problem = f"tz: {problem}; e.g. tz=Europe/Berlin"
    for name in (person_zone, workspace_zone):
        if name and check_timezone(name) is None:
            return ZoneInfo(name), problem
    return ZoneInfo("UTC"), problem


def local(at: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``at`` as wall time in ``zone`` ("" for None)."""
    return "" if at is None else at.astimezone(zone).strftime(fmt)
