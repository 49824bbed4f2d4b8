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

from baton.services.events import record_event
from baton.services.outcomes import ItemResult, Rejected, errors_from_validation, reject
from baton.services.records.payloads import PersonIn, PersonPatch
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


def sync_people(conn: Connection, spec: WorkspaceSpec, actor: str, now: datetime) -> list[str]:
    """Make the people and teams tables match the workspace; return the changes in words."""
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
            record_event(
                conn,
                at=now,
                actor=actor,
                kind="person.created",
                entity="person",
                entity_id=pid,
                payload=values,
            )
            continue
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changed or row.managed_by != "workspace":
            conn.execute(
                update(people)
                .where(people.c.id == pid)
                .values(managed_by="workspace", updated_at=now, **changed)
            )
            changes += [f"{pid}.{k}: {getattr(row, k)!r} → {v!r}" for k, v in changed.items()]
            record_event(
                conn,
                at=now,
                actor=actor,
                kind="person.updated",
                entity="person",
                entity_id=pid,
                payload={"changed": changed},
            )
    for pid, row in current.items():
        if row.managed_by == "workspace" and pid not in wanted and row.active:
            conn.execute(
                update(people).where(people.c.id == pid).values(active=False, updated_at=now)
            )
            changes.append(f"{pid} removed from the workspace: deactivated")
            record_event(
                conn,
                at=now,
                actor=actor,
                kind="person.updated",
                entity="person",
                entity_id=pid,
                payload={"changed": {"active": False}, "reason": "removed from workspace"},
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


def create_person(conn: Connection, item: PersonIn, actor: str, now: datetime) -> tuple[str, bool]:
    """Insert a person; (id, created). The same id again is not a duplicate."""
    if conn.execute(select(people.c.id).where(people.c.id == item.id)).first():
        return item.id, False
    values = item.model_dump(exclude={"id"})
    _check_person_refs(conn, values)
    conn.execute(
        insert(people).values(
            id=item.id, managed_by="api", created_at=now, updated_at=now, **_plain(values)
        )
    )
    record_event(
        conn,
        at=now,
        actor=actor,
        kind="person.created",
        entity="person",
        entity_id=item.id,
        payload=values,
    )
    return item.id, True


def submit_people(db, items: list[dict[str, Any]], actor: str, now: datetime) -> list[ItemResult]:
    """People from a CSV import: each validated and created in one transaction."""
    results = []
    with db.write() as conn:
        for index, raw in enumerate(items):
            try:
                person = PersonIn.model_validate(raw)
                savepoint = conn.begin_nested()
                person_id, created = create_person(conn, person, actor, now)
                savepoint.commit()
            except ValidationError as exc:
                results.append(ItemResult(index, "rejected", errors=errors_from_validation(exc)))
                continue
            except Rejected as exc:
                savepoint.rollback()
                results.append(ItemResult(index, "rejected", errors=exc.errors))
                continue
            results.append(ItemResult(index, "created" if created else "existing", id=person_id))
        conn.commit()
    return results


def patch_person(
    conn: Connection, person_id: str, patch: PersonPatch, actor: str, now: datetime
) -> None:
    """Apply the fields present in ``patch``; ``out_of_office`` replaces the periods."""
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
        record_event(
            conn,
            at=now,
            actor=actor,
            kind="person.updated",
            entity="person",
            entity_id=person_id,
            payload={"changed": changed},
        )
    if periods is not None:
        set_out_of_office(conn, person_id, periods, actor, now)


def set_out_of_office(
    conn: Connection, person_id: str, periods: list[dict[str, Any]], actor: str, now: datetime
) -> None:
    conn.execute(delete(out_of_office).where(out_of_office.c.person_id == person_id))
    for p in periods:
        conn.execute(
            insert(out_of_office).values(
                person_id=person_id,
                starts_at=p["starts_at"],
                ends_at=p["ends_at"],
                reason=p.get("reason", ""),
                created_at=now,
            )
        )
    record_event(
        conn,
        at=now,
        actor=actor,
        kind="person.out_of_office_set",
        entity="person",
        entity_id=person_id,
        payload={"periods": periods},
    )


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


def _periods(conn: Connection, person_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(out_of_office)
        .where(out_of_office.c.person_id == person_id)
        .order_by(out_of_office.c.starts_at)
    )
    return [{"starts_at": p.starts_at, "ends_at": p.ends_at, "reason": p.reason} for p in rows]


def add_out_of_office(
    conn: Connection,
    person_id: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    actor: str,
    now: datetime,
) -> int:
    """Add one out-of-office period beside the person's others; returns its id."""
    new_id = conn.execute(
        insert(out_of_office)
        .values(
            person_id=person_id, starts_at=starts_at, ends_at=ends_at, reason=reason, created_at=now
        )
        .returning(out_of_office.c.id)
    ).scalar_one()
    record_event(
        conn,
        at=now,
        actor=actor,
        kind="person.out_of_office_set",
        entity="person",
        entity_id=person_id,
        payload={"periods": _periods(conn, person_id)},
    )
    return new_id


def remove_out_of_office(
    conn: Connection, person_id: str, period_id: int, actor: str, now: datetime
) -> bool:
    """Remove one of the person's periods; False when they have no such period."""
    done = conn.execute(
        delete(out_of_office).where(
            out_of_office.c.id == period_id, out_of_office.c.person_id == person_id
        )
    ).rowcount
    if done:
        record_event(
            conn,
            at=now,
            actor=actor,
            kind="person.out_of_office_set",
            entity="person",
            entity_id=person_id,
            payload={"periods": _periods(conn, person_id)},
        )
    return bool(done)
