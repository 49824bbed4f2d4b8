"""People and teams: synced from the active workspace, managed through the API.

A person defined in ``baton.yaml`` is written to the people table when that
version is activated; removing them from the workspace deactivates them (their
history stays). People created through the API live alongside. Availability
(active flag, out-of-office periods) changes through the API or CLI and every
change is an event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, delete, insert, select, update

from baton.domain.events import EventKind
from baton.domain.people import Period
from baton.services.app import App, Event, Unit
from baton.services.live import live_workspace
from baton.services.outcomes import ItemResult, Rejected, errors_from_validation, reject
from baton.services.people.availability import replace_out_of_office
from baton.services.people.payloads import PersonIn, PersonPatch
from baton.store.tables import out_of_office, people, teams
from baton.workspace.spec import WorkspaceSpec

PERSON_FIELDS = (
    "name",
    "email",
    "slack_id",
    "role",
    "manager_id",
    "team_id",
    "timezone",
    "calendar",
    "active",
    "max_open",
    "max_per_day",
)


def _spec_rows(spec: WorkspaceSpec) -> dict[str, dict[str, Any]]:
    return {
        p.id: {
            "name": p.name,
            "email": p.email,
            "slack_id": p.slack_id,
            "role": p.role.value,
            "manager_id": p.manager,
            "team_id": p.team,
            "timezone": p.timezone,
            "calendar": p.calendar,
            "active": p.active,
            "max_open": p.max_open,
            "max_per_day": p.max_per_day,
        }
        for p in spec.people
    }


def on_workspace_activated(unit: Unit, event: Event) -> None:
    """A version went live: the people and teams tables follow its ``people:`` and ``teams:``."""
    live = live_workspace(unit.conn)
    if live is not None:
        unit.warnings += sync_people(unit, live.spec)


def sync_people(unit: Unit, spec: WorkspaceSpec) -> list[str]:
    """Make the people and teams tables match the workspace; return the changes in words."""
    conn, now = unit.conn, unit.now
    wanted = _spec_rows(spec)
    current = {r.id: r for r in conn.execute(select(people))}
    changes: list[str] = []
    for pid, values in wanted.items():
        row = current.get(pid)
        if row is None:
            conn.execute(
                insert(people).values(
                    id=pid, managed_by="workspace", created_at=now, updated_at=now, **values
                )
            )
            changes.append(f"added {pid}")
            unit.emit(EventKind.PERSON_CREATED, pid, values)
            continue
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changed or row.managed_by != "workspace":
            conn.execute(
                update(people)
                .where(people.c.id == pid)
                .values(managed_by="workspace", updated_at=now, **changed)
            )
            changes += [f"{pid}.{k}: {getattr(row, k)!r} → {v!r}" for k, v in changed.items()]
            unit.emit(EventKind.PERSON_UPDATED, pid, {"changed": changed})
    for pid, row in current.items():
        if row.managed_by == "workspace" and pid not in wanted and row.active:
            conn.execute(
                update(people).where(people.c.id == pid).values(active=False, updated_at=now)
            )
            changes.append(f"{pid} removed from the workspace: deactivated")
            unit.emit(
                EventKind.PERSON_UPDATED,
                pid,
                {"changed": {"active": False}, "reason": "removed from workspace"},
            )
    _sync_teams(conn, spec, now)
    return changes


def _sync_teams(conn: Connection, spec: WorkspaceSpec, now: datetime) -> None:
    conn.execute(delete(teams).where(teams.c.id.not_in([t.id for t in spec.teams])))
    existing = {r.id for r in conn.execute(select(teams.c.id))}
    for t in spec.teams:
        values = {
            "name": t.name,
            "manager_id": t.manager,
            "calendar": t.calendar,
            "updated_at": now,
        }
        if t.id in existing:
            conn.execute(update(teams).where(teams.c.id == t.id).values(**values))
        else:
            conn.execute(insert(teams).values(id=t.id, **values))


def add_person(app: App, item: PersonIn, actor: str) -> tuple[str, bool]:
    """Use case: add a person through the API; (id, created)."""
    return app.run(actor, create_person, item)


def create_person(unit: Unit, item: PersonIn) -> tuple[str, bool]:
    """Insert a person; (id, created). The same id again is not a duplicate."""
    conn, now = unit.conn, unit.now
    if conn.execute(select(people.c.id).where(people.c.id == item.id)).first():
        return item.id, False
    values = item.model_dump(exclude={"id"})
    _check_person_refs(conn, values)
    conn.execute(
        insert(people).values(
            id=item.id, managed_by="api", created_at=now, updated_at=now, **_plain(values)
        )
    )
    unit.emit(EventKind.PERSON_CREATED, item.id, values)
    return item.id, True


def submit_people(
    app: App, items: list[dict[str, Any]], actor: str, now: datetime | None = None
) -> list[ItemResult]:
    """People from a CSV import: each validated and created in one transaction."""
    results = []
    with app.unit(actor, now=now) as unit:
        conn = unit.conn
        for index, raw in enumerate(items):
            try:
                person = PersonIn.model_validate(raw)
                savepoint = conn.begin_nested()
                person_id, created = create_person(unit, person)
                savepoint.commit()
            except ValidationError as exc:
                results.append(ItemResult(index, "rejected", errors=errors_from_validation(exc)))
                continue
            except Rejected as exc:
                savepoint.rollback()
                results.append(ItemResult(index, "rejected", errors=exc.errors))
                continue
            results.append(ItemResult(index, "created" if created else "existing", id=person_id))
        unit.commit()
    return results


def patch_person(app: App, person_id: str, patch: PersonPatch, actor: str) -> None:
    """Use case: apply the fields present in ``patch``; ``out_of_office`` replaces the periods
    (each checked as the dashboard checks them). LookupError, Rejected: nothing written."""
    app.run(actor, _patch_person, person_id, patch)


def _patch_person(unit: Unit, person_id: str, patch: PersonPatch) -> None:
    conn, now = unit.conn, unit.now
    row = conn.execute(select(people).where(people.c.id == person_id)).first()
    if row is None:
        raise LookupError(person_id)
    changes = patch.model_dump(exclude_unset=True)
    periods = changes.pop("out_of_office", None)
    _check_person_refs(conn, changes)
    changed = {k: v for k, v in _plain(changes).items() if getattr(row, k) != v}
    if changed:
        conn.execute(
            update(people).where(people.c.id == person_id).values(updated_at=now, **changed)
        )
        unit.emit(EventKind.PERSON_UPDATED, person_id, {"changed": changed})
    if periods is not None:
        replace_out_of_office(unit, person_id, [Period(**p) for p in periods])


def _check_person_refs(conn: Connection, values: dict[str, Any]) -> None:
    manager = values.get("manager_id")
    if manager and not conn.execute(select(people.c.id).where(people.c.id == manager)).first():
        raise reject("manager_id", f"person '{manager}' does not exist")
    team = values.get("team_id")
    if team and not conn.execute(select(teams.c.id).where(teams.c.id == team)).first():
        raise reject("team_id", f"team '{team}' does not exist; teams are defined in baton.yaml")


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def person_view(conn: Connection, person_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(people).where(people.c.id == person_id)).first()
    if row is None:
        return None
    view = dict(row._mapping)
    view["out_of_office"] = [
        {"starts_at": p.starts_at, "ends_at": p.ends_at, "reason": p.reason}
        for p in conn.execute(
            select(out_of_office)
            .where(out_of_office.c.person_id == person_id)
            .order_by(out_of_office.c.starts_at)
        )
    ]
    return view
