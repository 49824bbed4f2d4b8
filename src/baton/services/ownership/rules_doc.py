"""The rules of a version, for reading: the live ``ownership:`` rules (the defaults when the
section is absent, which enforce nothing) and the version number they come from."""

from __future__ import annotations

from sqlalchemy import Connection

from baton.domain.ownership import OwnershipRules
from baton.services.live import live_workspace
from baton.workspace.spec import WorkspaceSpec


def rules_of(conn: Connection, version: int | None = None) -> tuple[int | None, OwnershipRules]:
    live = live_workspace(conn, version)
    if live is None or live.ownership is None:
        return (live.version if live else None), OwnershipRules()
    return live.version, live.ownership.rules


def spec_of(conn: Connection, version: int | None = None) -> tuple[int, WorkspaceSpec] | None:
    """The workspace of version ``version`` (default: the live one), or None."""
    live = live_workspace(conn, version)
    return (live.version, live.spec) if live else None
