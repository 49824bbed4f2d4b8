"""Who may see and change what, as WHERE clauses added to a SELECT and as checks.

One rule for every page: an admin sees every lead; a manager the leads owned by
the people of their team (``people.team_id``) and of the teams they manage
(``teams.manager_id``); a rep the leads they own. Pages never filter by role
themselves: they pass their query through :func:`scope_leads` (or
:func:`scope_people`), so a lead outside the scope is simply not found (404).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, or_, select, union

from baton.services.people.users import Role, User
from baton.store.tables import handoffs, leads, people, teams


def team_ids(user: User):
    """A subquery of the team ids a manager or rep belongs to (and, for a manager, manages)."""
    own = select(people.c.team_id).where(
        people.c.id == user.person_id, people.c.team_id.is_not(None)
    )
    if user.role is Role.MANAGER:
        return union(own, select(teams.c.id).where(teams.c.manager_id == user.person_id))
    return own


def visible_owner_ids(user: User):
    """A subquery of the person ids whose leads ``user`` may see (not used for admins)."""
    if user.role is Role.REP:
        return select(people.c.id).where(people.c.id == user.person_id)
    return union(
        select(people.c.id).where(people.c.team_id.in_(team_ids(user))),
        select(people.c.id).where(people.c.id == user.person_id),
    )


def scope_leads(query: Select, user: User) -> Select:
    """``query`` (a SELECT over ``leads``) restricted to the leads ``user`` may see."""
    if user.role is Role.ADMIN:
        return query
    if not user.person_id:
        return query.where(false())
    if user.role is Role.REP:
        return query.where(leads.c.owner_id == user.person_id)
    return query.where(leads.c.owner_id.in_(visible_owner_ids(user)))


def scope_people(query: Select, user: User) -> Select:
    """``query`` (a SELECT over ``people``) restricted to the people ``user`` may see:
    an admin everyone, a manager their teams, a rep their own team (to know who is out)."""
    if user.role is Role.ADMIN:
        return query
    if not user.person_id:
        return query.where(false())
    return query.where(or_(people.c.id == user.person_id, people.c.team_id.in_(team_ids(user))))


def handoff_scope(user: User) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``handoffs``: the handoffs ``user`` may see. Admins and managers see
    every handoff (a deal's handoff crosses from a sales team to CS, so no one team holds it); a
    rep sees the handoffs they take part in — as the CSM assigned (a user of a person whose
    role is csm: issue 14's csm view) or as the deal's AE."""
    if user.role in (Role.ADMIN, Role.MANAGER):
        return []
    if not user.person_id:
        return [false()]
    return [or_(handoffs.c.csm_id == user.person_id, handoffs.c.ae_id == user.person_id)]


def may_set_out_of_office(user: User) -> bool:
    """Managers and admins set PTO (for the people they may see); reps cannot."""
    return user.role in (Role.ADMIN, Role.MANAGER)


class Forbidden(Exception):
    """The viewer may not do this; the message says who may."""


def editable_person(conn: Connection, viewer: User | None, person_id: str) -> Any:
    """The person whose availability ``viewer`` may set (None: an admin token, everyone).

    Forbidden for reps; LookupError for a person who does not exist or is outside the
    viewer's people — the same answer, so a rep cannot probe who exists.
    """
    if viewer is not None and not may_set_out_of_office(viewer):
        raise Forbidden("Only managers and admins can set out-of-office periods. Ask your manager.")
    query = select(people).where(people.c.id == person_id)
    row = conn.execute(scope_people(query, viewer) if viewer else query).first()
    if row is None:
        raise LookupError(
            f"There is no person '{person_id}'"
            + (", or they are not in your teams." if viewer is not None else ".")
        )
    return row
