"""The lead list and lead page queries: every one goes through ``scope_leads``.

A drill-down link is ``/leads`` with the page's :class:`~baton.web.filters.Filters`
plus *facets*: narrower conditions a number stands for (``status=open``,
``sla=miss``) and which timestamp the period applies to (``date=assigned``).
Add a facet to ``FACETS`` when a new page needs to drill into a new kind of number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, select, true

from baton.domain.records import OPEN_STATUSES
from baton.reports.sla import state_is
from baton.services.people.access import scope_leads, scope_people
from baton.services.people.users import User
from baton.services.records.payloads import LeadStatus
from baton.services.records.views import LEAD_TIMESTAMPS
from baton.store.tables import leads, misroutes, people, routing_decisions, sla_clocks, teams
from baton.web.filters import FilterError, Filters
from baton.web.lifecycle_drill import (
    DATE_WORDS,
    MQL_DATE,
    REJECTED_DATE,
    STAGES,
    cohort_conditions,
    rejection_conditions,
)
from baton.web.sla_charges import CHARGE_DATE, RESPONSE_BANDS, charge_conditions

PER_PAGE = 50
DATE_COLUMNS = {
    "received": leads.c.received_at,
    "engaged": leads.c.engaged_at,
    "assigned": leads.c.assigned_at,
    "first_touch": leads.c.first_touch_at,
}
SLA_STATES = ("pending", "hit", "miss", "excluded", "released")


Condition = Callable[[str, datetime], ColumnElement[bool]]  # (value, now) → WHERE


def _status(value: str, now: datetime) -> ColumnElement[bool]:
    return leads.c.status.in_(OPEN_STATUSES) if value == "open" else leads.c.status == value


def _sla(value: str, now: datetime) -> ColumnElement[bool]:
    """A clock of the lead in state ``value`` as of ``now`` (a pending one past its deadline is
    a miss, as the SLA report counts it)."""
    return exists().where(sla_clocks.c.lead_id == leads.c.id, state_is(sla_clocks.c, value, now))


def _decided(column) -> Condition:
    return lambda value, now: exists().where(
        routing_decisions.c.lead_id == leads.c.id, column == value
    )


def _yes(condition: ColumnElement[bool]) -> Condition:
    return lambda value, now: condition


@dataclass(frozen=True)
class Facet:
    label: str
    values: tuple[str, ...] | None  # None: any text (e.g. a node or pool name)
    condition: Condition


FACETS: dict[str, Facet] = {
    "status": Facet("Status", ("open", *(s.value for s in LeadStatus)), _status),
    "sla": Facet("SLA clock", SLA_STATES, _sla),
    "node": Facet("Routed by node", None, _decided(routing_decisions.c.node)),
    "pool": Facet("Round-robin pool", None, _decided(routing_decisions.c.pool_id)),
    "queue": Facet("Queue", None, lambda value, now: leads.c.queue == value),
    "routed": Facet(
        "Routed by Baton", ("yes",), _yes(exists().where(routing_decisions.c.lead_id == leads.c.id))
    ),
    "fallback": Facet(
        "Routed to the fallback",
        ("yes",),
        _yes(
            exists().where(
                routing_decisions.c.lead_id == leads.c.id,
                routing_decisions.c.via_fallback.is_(True),
            )
        ),
    ),
    "misrouted": Facet(
        "Flagged as misrouted", ("yes",), _yes(exists().where(misroutes.c.lead_id == leads.c.id))
    ),
    "response": Facet(
        "SLA response", RESPONSE_BANDS, lambda value, now: true()
    ),  # only with date=sla_charge: see charge_conditions
    # only with date=mql (stage, leaked) or date=rejected (reason): see lifecycle_drill
    "stage": Facet("Reached stage", STAGES, lambda value, now: true()),
    "leaked": Facet("Leaked (an MQL nobody worked)", ("yes",), lambda value, now: true()),
    "reason": Facet("Rejection reason", None, lambda value, now: true()),
}
SPECIAL_DATES = (CHARGE_DATE, MQL_DATE, REJECTED_DATE)  # dated by something else than a column
ONLY_WITH = {
    "response": CHARGE_DATE,
    "stage": MQL_DATE,
    "leaked": MQL_DATE,
    "reason": REJECTED_DATE,
}
ONLY_WITH_WHY = {
    "response": "the band of one SLA charge started in the period",
    "stage": "a stage reached by the leads that became MQL in the period",
    "leaked": "the MQLs of the period nobody worked",
    "reason": "the reason of one rejection made in the period",
}


@dataclass(frozen=True)
class Facets:
    values: dict[str, str]
    date: str = "received"

    def conditions(self, now: datetime) -> list[ColumnElement[bool]]:
        return [FACETS[name].condition(value, now) for name, value in self.values.items()]

    def params(self) -> dict[str, str]:
        return self.values | ({"date": self.date} if self.date != "received" else {})

    def describe(self) -> list[str]:
        return [f"{FACETS[k].label}: {v}" for k, v in self.values.items()] + (
            [DATE_WORDS.get(self.date, f"dated by {self.date.replace('_', ' ')}")]
            if self.date != "received"
            else []
        )


def parse_facets(params: Mapping[str, str]) -> Facets:
    errors, values = [], {}
    for name, facet in FACETS.items():
        value = (params.get(name) or "").strip()
        if facet.values is None and len(value) > 200:
            errors.append(f"{name}: at most 200 characters")
        elif value and facet.values is not None and value not in facet.values:
            errors.append(f"{name}: '{value[:40]}' is not one of {', '.join(facet.values)}")
        elif value:
            values[name] = value
    date = (params.get("date") or "received").strip()
    if date not in DATE_COLUMNS and date not in SPECIAL_DATES:
        errors.append(
            f"date: '{date[:40]}' is not one of {', '.join([*DATE_COLUMNS, *SPECIAL_DATES])}"
        )
    for name, needed in ONLY_WITH.items():
        if name in values and date != needed:
            errors.append(f"{name}: only with date={needed} ({ONLY_WITH_WHY[name]})")
    if errors:
        raise FilterError(errors, params)
    return Facets(values, date)


@dataclass(frozen=True)
class LeadPage:
    rows: list[Any]
    total: int
    page: int
    pages: int


def lead_list(
    conn: Connection,
    mirror: Connection,
    user: User,
    filters: Filters,
    facets: Facets,
    page: int = 1,
    *,
    now: datetime,
) -> LeadPage:
    """The leads behind a number, newest first, ``PER_PAGE`` at a time (counted in the
    analytics ``mirror``, read from ``conn``); SLA states are as of ``now``."""
    if facets.date == CHARGE_DATE:
        dated = charge_conditions(conn, filters, facets.values, now)
    elif facets.date == MQL_DATE:
        dated = cohort_conditions(conn, filters, facets.values, now)
    elif facets.date == REJECTED_DATE:
        dated = rejection_conditions(filters, facets.values)
    else:
        dated = filters.lead_conditions(DATE_COLUMNS[facets.date])
    where = [*dated, *facets.conditions(now)]
    total = mirror.execute(
        scope_leads(select(func.count()).select_from(leads), user).where(*where)
    ).scalar_one()
    pages = max(1, ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    query = (
        select(
            leads.c.id,
            leads.c.first_name,
            leads.c.last_name,
            leads.c.email,
            leads.c.company,
            leads.c.lead_type,
            leads.c.source,
            leads.c.campaign,
            leads.c.status,
            leads.c.received_at,
            leads.c.assigned_at,
            leads.c.queue,
            leads.c.owner_id,
            people.c.name.label("owner_name"),
        )
        .select_from(leads.outerjoin(people, people.c.id == leads.c.owner_id))
        .where(*where)
        .order_by(leads.c.received_at.desc(), leads.c.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return LeadPage(conn.execute(scope_leads(query, user)).all(), total, page, pages)


def lead_detail(conn: Connection, user: User, lead_id: int) -> dict[str, Any] | None:
    """The lead's fields, owner (with team) and timestamps; None when absent or not the user's
    to see."""
    row = conn.execute(scope_leads(select(leads).where(leads.c.id == lead_id), user)).first()
    if row is None:
        return None
    lead = dict(row._mapping)
    owner = None
    if lead["owner_id"]:
        found = conn.execute(
            select(
                people.c.id,
                people.c.name,
                people.c.email,
                people.c.team_id,
                teams.c.name.label("team_name"),
            )
            .select_from(people.outerjoin(teams, teams.c.id == people.c.team_id))
            .where(people.c.id == lead["owner_id"])
        ).first()
        owner = (
            dict(found._mapping) if found else {"id": lead["owner_id"], "name": lead["owner_id"]}
        )
    return {
        "lead": lead,
        "owner": owner,
        "timestamps": [(name, lead[name]) for name in LEAD_TIMESTAMPS],
    }


def filter_options(conn: Connection, user: User, filters: Filters) -> dict[str, list[Any]]:
    """Choices for the filter bar: values seen in the period (scoped), visible people and teams
    (pages pass the mirror)."""

    def seen(column) -> list[str]:
        query = (
            select(column)
            .distinct()
            .where(column.is_not(None), *filters.without_fields().lead_conditions())
            .order_by(column)
            .limit(200)
        )
        return [v for (v,) in conn.execute(scope_leads(query, user))]

    owners = conn.execute(
        scope_people(select(people.c.id, people.c.name).order_by(people.c.name), user)
    ).all()
    team_ids = {
        t for (t,) in conn.execute(scope_people(select(people.c.team_id).distinct(), user)) if t
    }
    team_rows = conn.execute(select(teams.c.id, teams.c.name).order_by(teams.c.name)).all()
    return {
        "source": seen(leads.c.source),
        "campaign": seen(leads.c.campaign),
        "lead_type": seen(leads.c.lead_type),
        "owner": owners,
        "team": [t for t in team_rows if user.is_admin or t.id in team_ids],
    }
