"""Acknowledgments (playbook 000, 3b/3d: "all reps acknowledge the ROE"): every active rep
acknowledges the current version of the rules. The current ROE version is the earliest
workspace version since which the ``ownership:`` section has not changed, up to the live
one — so a change to the rules asks for a new acknowledgment, unless `baton apply` was told
it is not material (a typo, a reworded message); a version that changes only routing or SLA
never does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from baton.services.app import App, Unit
from baton.services.outcomes import FieldError, Rejected
from baton.store.lookup import one
from baton.store.tables import ownership_acks, people, workspace_versions

REP_ROLES = ("sdr", "bdr", "ae", "am", "csm", "se")


def roe_version(conn: Connection) -> int | None:
    """The version whose rules the reps must have acknowledged (None: no live rules): walking
    back from the live version, the earliest since which the rules have not changed — a
    change that `baton apply` was told is not material (roe_material false) does not count."""
    v = workspace_versions.c
    live = conn.execute(
        select(v.number, v.document, v.roe_material).where(v.state == "active")
    ).first()
    if live is None or live.document.get("ownership") is None:
        return None
    rules, first, material = live.document["ownership"], live.number, live.roe_material
    for row in conn.execute(
        select(v.number, v.document, v.roe_material)
        .where(v.number < live.number)
        .order_by(v.number.desc())
    ):
        older = row.document.get("ownership")
        if older != rules and (material is not False or older is None):
            break  # the version after this one changed the rules, materially
        rules, first, material = older, row.number, row.roe_material
    return int(first)


def rules_changed(conn: Connection, document: dict[str, Any]) -> bool:
    """Whether ``document`` (a workspace about to be applied) changes the live version's
    rules of engagement."""
    v = workspace_versions.c
    live = conn.execute(select(v.document).where(v.state == "active")).scalar_one_or_none()
    before = live.get("ownership") if live is not None else None
    return document.get("ownership") is not None and document.get("ownership") != before


def ack_status(conn: Connection) -> dict[str, Any]:
    """The current ROE version, who acknowledged it (and when), and the active reps who have not."""
    version = roe_version(conn)
    reps = conn.execute(
        select(people.c.id, people.c.name, people.c.role)
        .where(people.c.active, people.c.role.in_(REP_ROLES))
        .order_by(people.c.id)
    ).all()
    a = ownership_acks.c
    acked = (
        {
            r.person_id: r.acked_at
            for r in conn.execute(select(a.person_id, a.acked_at).where(a.version == version))
        }
        if version
        else {}
    )
    return {
        "version": version,
        "acknowledged": [
            {"person_id": r.id, "name": r.name, "acked_at": acked[r.id]}
            for r in reps
            if r.id in acked
        ],
        "missing": [
            {"person_id": r.id, "name": r.name, "role": r.role} for r in reps if r.id not in acked
        ],
    }


def acknowledge(app: App, person_id: str, actor: str) -> dict[str, Any]:
    return app.run(actor, _acknowledge, person_id)


def _acknowledge(unit: Unit, person_id: str) -> dict[str, Any]:
    conn = unit.conn
    if one(conn, people, columns=("id",), id=person_id) is None:
        raise Rejected([FieldError(("person_id",), f"no person '{person_id}'")])
    version = roe_version(conn)
    if version is None:
        raise Rejected(
            [
                FieldError(
                    ("person_id",),
                    "there are no live rules of engagement to "
                    "acknowledge (no ownership: section in the live version)",
                )
            ]
        )
    a = ownership_acks.c
    found = conn.execute(select(a.acked_at).where(a.person_id == person_id, a.version == version))
    before = found.scalar()
    if before is not None:
        return {"version": version, "acked_at": before, "already": True}
    conn.execute(
        insert(ownership_acks).values(
            person_id=person_id, version=version, acked_at=unit.now, actor=unit.actor
        )
    )
    return {"version": version, "acked_at": unit.now, "already": False}
