"""Use cases: out-of-office periods, set from the API, the dashboard or the CLI.

One rule for every door (``domain.people.out_of_office_problems``: ordered, at most
366 days, no overlap) and one access rule (``access.editable_person``), so the
three refuse the same bad input with the same message. Every change is a
``person.out_of_office_set`` event carrying the person's periods as they now are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, insert, select

from baton.domain.events import EventKind
from baton.domain.people import Period, out_of_office_problems
from baton.services.app import App, Unit
from baton.services.live import live_workspace
from baton.services.outcomes import FieldError, Rejected
from baton.services.people.access import editable_person
from baton.services.people.users import User
from baton.store.tables import out_of_office


def periods_of(conn: Connection, person_id: str) -> list[Period]:
    rows = conn.execute(
        select(out_of_office)
        .where(out_of_office.c.person_id == person_id)
        .order_by(out_of_office.c.starts_at)
    )
    return [Period(r.starts_at, r.ends_at, r.reason) for r in rows]


def add_out_of_office(
    app: App, person_id: str, period: Period, actor: str, *, viewer: User | None = None
) -> int:
    """Add one period beside the person's others; its id. LookupError (no such person, or
    not the viewer's), Forbidden (a rep), Rejected (the period breaks the rule)."""
    with app.unit(actor) as unit:
        person = editable_person(unit.conn, viewer, person_id)
        _check(period, periods_of(unit.conn, person_id), zone_of(unit.conn, person))
        period_id = _insert(unit, person_id, period)
        _emit(unit, person_id)
        unit.commit()
    return period_id


def remove_out_of_office(
    app: App, person_id: str, period_id: int, actor: str, *, viewer: User | None = None
) -> bool:
    """Remove one of the person's periods; False when they have no such period."""
    with app.unit(actor) as unit:
        editable_person(unit.conn, viewer, person_id)
        where = (out_of_office.c.id == period_id, out_of_office.c.person_id == person_id)
        if not unit.conn.execute(delete(out_of_office).where(*where)).rowcount:
            return False
        _emit(unit, person_id)
        unit.commit()
    return True


def set_out_of_office(app: App, person_id: str, periods: Sequence[Period], actor: str) -> None:
    """Use case: replace all of the person's periods (``baton pto --replace``)."""
    app.run(actor, replace_out_of_office, person_id, periods)


def replace_out_of_office(unit: Unit, person_id: str, periods: Sequence[Period]) -> None:
    """Replace the person's periods with ``periods``, each checked against the others."""
    zone = zone_of(unit.conn, editable_person(unit.conn, None, person_id))
    errors = []
    for i, period in enumerate(periods):
        others = [p for j, p in enumerate(periods) if j != i]
        problems = out_of_office_problems(period, others, zone)
        errors += [FieldError(("out_of_office", i, f), m) for f, m in problems.items()]
    if errors:
        raise Rejected(errors)
    unit.conn.execute(delete(out_of_office).where(out_of_office.c.person_id == person_id))
    for period in periods:
        _insert(unit, person_id, period)
    _emit(unit, person_id)


def zone_of(conn: Connection, person: Any) -> ZoneInfo:
    """The zone a person's periods are shown in: their own, else the workspace's."""
    live = live_workspace(conn)
    return ZoneInfo(person.timezone or (live.zone if live else "UTC"))


def _check(period: Period, others: list[Period], zone: ZoneInfo) -> None:
    problems = out_of_office_problems(period, others, zone)
    if problems:
        raise Rejected([FieldError((f,), m) for f, m in problems.items()])


def _insert(unit: Unit, person_id: str, period: Period) -> int:
    values = {
        "person_id": person_id,
        "starts_at": period.starts_at,
        "ends_at": period.ends_at,
        "reason": period.reason,
        "created_at": unit.now,
    }
    statement = insert(out_of_office).values(**values).returning(out_of_office.c.id)
    return unit.conn.execute(statement).scalar_one()


def _emit(unit: Unit, person_id: str) -> None:
    periods = [vars(p) for p in periods_of(unit.conn, person_id)]
    unit.emit(EventKind.PERSON_OUT_OF_OFFICE_SET, person_id, {"periods": periods})
