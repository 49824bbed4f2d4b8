"""Use cases: record a workspace as a version (draft), make a version live, compare two.

This is the playbooks' change log: each version keeps its content hash, who
applied it, when, and a readable diff against the version before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from baton.domain.events import EventKind
from baton.domain.records import OPEN_STATUSES
from baton.services.app import App
from baton.store.lookup import tx_memo
from baton.store.tables import accounts, leads, people
from baton.store.tables import workspace_versions as versions
from baton.workspace.diff import diff_documents
from baton.workspace.loader import Workspace


class VersionError(Exception):
    """A version operation that cannot be done, with the reason for a person."""


@dataclass(frozen=True)
class Applied:
    number: int
    created: bool  # False: identical to the latest version, nothing recorded
    diff: list[str]


def apply_workspace(
    app: App,
    ws: Workspace,
    author: str,
    now: datetime | None = None,
    roe_material: bool | None = None,
) -> Applied:
    """Record ``ws`` as a new draft version unless it equals the latest one;
    ``roe_material``: whether its change to the rules of engagement asks the reps to
    acknowledge again (None: not asked — a change is material)."""
    with app.unit(author, now=now) as unit:
        conn, now = unit.conn, unit.now
        latest = conn.execute(select(versions).order_by(versions.c.number.desc()).limit(1)).first()
        if latest is not None and latest.content_hash == ws.content_hash:
            return Applied(latest.number, False, [])
        lines = diff_documents(latest.document if latest else None, ws.document)
        number = conn.execute(
            insert(versions)
            .values(
                content_hash=ws.content_hash,
                state="draft",
                author=author,
                created_at=now,
                diff="\n".join(lines),
                document=ws.document,
                sources=ws.sources,
                roe_material=roe_material,
            )
            .returning(versions.c.number)
        ).scalar_one()
        unit.emit(
            EventKind.WORKSPACE_APPLIED, number, {"content_hash": ws.content_hash, "diff": lines}
        )
        unit.commit()
        return Applied(number, True, lines)


def activate_version(app: App, number: int, actor: str, now: datetime | None = None) -> list[str]:
    """Make version ``number`` live; the previous live version is kept as retired.

    Returns what changed, in words: people and teams (synced by the handlers of
    ``workspace.activated``), re-timed clocks, and who must be re-routed.
    """
    with app.unit(actor, now=now) as unit:
        conn = unit.conn
        row = conn.execute(select(versions).where(versions.c.number == number)).first()
        if row is None:
            raise VersionError(f"there is no version {number}; `baton versions` lists them")
        if row.state == "active":
            return []
        previous = conn.execute(select(versions.c.number).where(versions.c.state == "active"))
        retired = previous.scalar()
        conn.execute(update(versions).where(versions.c.state == "active").values(state="retired"))
        conn.execute(
            update(versions)
            .where(versions.c.number == number)
            .values(state="active", activated_at=unit.now, activated_by=actor)
        )
        tx_memo(conn).clear()  # the active version changed within this transaction
        unit.emit(EventKind.WORKSPACE_ACTIVATED, number, {"retired": retired})
        changes = unit.warnings + _orphans(conn)
        unit.commit()
        return changes


def _orphans(conn: Connection) -> list[str]:
    """Inactive people who still own open leads or accounts: the departure to re-route."""
    inactive = [r.id for r in conn.execute(select(people.c.id).where(people.c.active.is_(False)))]
    lines = []
    for pid in inactive:
        open_leads = conn.execute(
            select(func.count())
            .select_from(leads)
            .where(leads.c.owner_id == pid, leads.c.status.in_(OPEN_STATUSES))
        ).scalar_one()
        owned = conn.execute(
            select(func.count()).select_from(accounts).where(accounts.c.owner_id == pid)
        ).scalar_one()
        if open_leads or owned:
            lines.append(
                f"{pid} is inactive but owns {open_leads} open leads and {owned} accounts: "
                f"`baton reroute {pid}` shows where they would go"
            )
    return lines


def list_versions(conn: Connection) -> list[dict[str, Any]]:
    cols = [c for c in versions.c if c.name not in ("document", "sources")]
    return [dict(r._mapping) for r in conn.execute(select(*cols).order_by(versions.c.number))]


def get_version(conn: Connection, number: int) -> Any:
    row = conn.execute(select(versions).where(versions.c.number == number)).first()
    if row is None:
        raise VersionError(f"there is no version {number}; `baton versions` lists them")
    return row


def active_version(conn: Connection) -> Any | None:
    return conn.execute(select(versions).where(versions.c.state == "active")).first()


def diff_versions(conn: Connection, a: int, b: int) -> list[str]:
    return diff_documents(get_version(conn, a).document, get_version(conn, b).document)
