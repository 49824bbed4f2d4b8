"""The People page: who is active or away, capacity, current load; and the
out-of-office form (dates read in the person's own time zone)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from baton.domain.records import OPEN_STATUSES
from baton.services.people.access import scope_leads, scope_people
from baton.services.people.users import Role, User
from baton.store.tables import leads, out_of_office, people, teams
from baton.web.charts import Chart, Series
from baton.web.filters import Filters


@dataclass
class PersonRow:
    id: str
    name: str
    role: str
    team_id: str | None
    team_name: str | None
    active: bool
    zone: ZoneInfo
    max_open: int | None
    max_per_day: int | None
    leads_visible: bool  # False: a rep looking at a teammate (their leads are not the rep's to see)
    open_leads: int = 0
    open_link: str | None = None
    received: int = 0
    received_link: str | None = None
    periods: list[Any] = field(default_factory=list)  # current and upcoming out-of-office rows
    away_now: Any = None

    @property
    def load_pct(self) -> int | None:
        return (
            round(100 * self.open_leads / self.max_open)
            if self.max_open and self.leads_visible
            else None
        )


def people_rows(
    conn: Connection,
    mirror: Connection,
    user: User,
    filters: Filters,
    now: datetime,
    workspace_zone: ZoneInfo,
) -> list[PersonRow]:
    """Visible people (the team/owner filters apply), active first, with load and away periods
    (leads counted in the ``mirror``)."""
    query = scope_people(
        select(people, teams.c.name.label("team_name")).select_from(
            people.outerjoin(teams, teams.c.id == people.c.team_id)
        ),
        user,
    )
    if filters.team:
        query = query.where(people.c.team_id == filters.team)
    if filters.owner:
        query = query.where(people.c.id == filters.owner)
    rows = [
        PersonRow(
            p.id,
            p.name,
            p.role,
            p.team_id,
            p.team_name,
            p.active,
            ZoneInfo(p.timezone) if p.timezone else workspace_zone,
            p.max_open,
            p.max_per_day,
            user.role is not Role.REP or p.id == user.person_id,
        )
        for p in conn.execute(query.order_by(people.c.active.desc(), people.c.name))
    ]
    ids = [r.id for r in rows]
    open_counts = {
        r.owner_id: (r.n, r.oldest)
        for r in mirror.execute(
            scope_leads(
                select(
                    leads.c.owner_id,
                    func.count().label("n"),
                    func.min(leads.c.received_at).label("oldest"),
                )
                .where(leads.c.owner_id.in_(ids), leads.c.status.in_(OPEN_STATUSES))
                .group_by(leads.c.owner_id),
                user,
            )
        )
    }
    received = dict(
        mirror.execute(
            scope_leads(
                select(leads.c.owner_id, func.count())
                .where(leads.c.owner_id.in_(ids), *filters.lead_conditions())
                .group_by(leads.c.owner_id),
                user,
            )
        ).all()
    )
    periods: dict[str, list[Any]] = {}
    for p in conn.execute(
        select(out_of_office)
        .where(out_of_office.c.person_id.in_(ids), out_of_office.c.ends_at > now)
        .order_by(out_of_office.c.starts_at)
    ):
        periods.setdefault(p.person_id, []).append(p)
    today = now.astimezone(filters.zone).date()
    for r in rows:
        r.periods = periods.get(r.id, [])
        r.away_now = next((p for p in r.periods if p.starts_at <= now), None)
        if not r.leads_visible:
            continue
        r.open_leads, oldest = open_counts.get(r.id, (0, None))
        if oldest is not None:
            r.open_link = (
                filters.without_fields()
                .between(oldest.astimezone(filters.zone).date(), today)
                .url("/leads", owner=r.id, status="open")
            )
        r.received = received.get(r.id, 0)
        r.received_link = filters.url("/leads", owner=r.id) if r.received else None
    return rows


def load_chart(rows: list[PersonRow]) -> Chart:
    shown = [r for r in rows if r.active and r.leads_visible]
    return Chart(
        id="open-by-person",
        title="Current load: open leads by person",
        label_header="Person",
        unit="leads",
        horizontal=True,
        note=(
            "Open = status new, MQL or SAL, whenever received."
            " The line is the person's max_open (blank: no cap)."
        ),
        labels=[r.name for r in shown],
        series=[
            Series("Open leads", [r.open_leads for r in shown], [r.open_link for r in shown]),
            Series("Max open", [r.max_open for r in shown]),
        ],
    )


class PtoFormError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _day(form: Mapping[str, Any], name: str, label: str, errors: dict[str, str]) -> date | None:
    raw = str(form.get(name) or "").strip()
    if not raw:
        errors[name] = f"{label} is required, e.g. 2026-12-22"
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"'{raw[:40]}' is not a date; expected YYYY-MM-DD, e.g. 2026-12-22"
        return None


def parse_pto_form(form: Mapping[str, Any], zone: ZoneInfo) -> tuple[datetime, datetime, str]:
    """(starts_at, ends_at, reason) from the form: first day out and the day back, in ``zone``;
    raises PtoFormError with a message per field. Whether the period may be recorded (ordered,
    at most 366 days, no overlap) is the service's rule, the same for the API."""
    errors: dict[str, str] = {}
    first, back = (
        _day(form, "starts", "The first day out", errors),
        _day(form, "ends", "The day back", errors),
    )
    reason = str(form.get("reason") or "").strip() or "PTO"
    if len(reason) > 200:
        errors["reason"] = "at most 200 characters"
    if errors:
        raise PtoFormError(errors)
    starts_at, ends_at = (
        datetime.combine(first, time(0), zone),
        datetime.combine(back, time(0), zone),
    )
    return starts_at, ends_at, reason
