"""Which business calendar an SLA clock or a speed-to-lead figure runs in: the rule's own,
else the owner's, else their team's, else 24/7 — for one person (a clock starting) or
for everyone at once (``OwnerCalendars``: the streaming speed report and the dashboard's
mirror), and which owners' calendars changed since (the mirror measures their leads again)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from baton.domain.calendar import BusinessCalendar
from baton.services.live import LiveWorkspace, live_workspace
from baton.store.lookup import one
from baton.store.tables import people, teams
from baton.workspace.sla_compile import SlaRule

ALWAYS_OPEN = BusinessCalendar(
    "UTC", {d: [(datetime.min.time(), datetime.min.time())] for d in range(7)}, name="24/7"
)


def owner_calendar(
    conn: Connection, live: LiveWorkspace, rule: SlaRule, owner_id: str
) -> tuple[str, BusinessCalendar]:
    """The calendar a clock runs in: the rule's, else the owner's, else their team's, else 24/7."""
    if rule.calendar != "owner":
        return rule.calendar, live.calendars[rule.calendar]
    return person_calendar(conn, live.calendars, owner_id)


def person_calendar(
    conn: Connection, calendars: Mapping[str, BusinessCalendar], owner_id: str
) -> tuple[str, BusinessCalendar]:
    """A person's calendar, else their team's, else 24/7."""
    person = one(conn, people, columns=("calendar", "team_id"), id=owner_id)
    team = (
        one(conn, teams, columns=("calendar",), id=person.team_id)
        if person and not person.calendar and person.team_id
        else None
    )
    return resolve_calendar(
        calendars, person.calendar if person else None, team.calendar if team else None
    )


def resolve_calendar(
    calendars: Mapping[str, BusinessCalendar], own: str | None, team: str | None
) -> tuple[str, BusinessCalendar]:
    """The person's own calendar, else their team's, else 24/7 (a name no calendar has
    counts as none)."""
    name = own or team
    if name and name in calendars:
        return name, calendars[name]
    return ALWAYS_OPEN.name, ALWAYS_OPEN


def calendar_of(live: LiveWorkspace, name: str) -> BusinessCalendar:
    return live.calendars.get(name, ALWAYS_OPEN)


@dataclass(frozen=True)
class OwnerCalendars:
    version: int | None  # the workspace version whose calendars these are
    names: dict[str, str]  # person id -> calendar name
    calendars: Mapping[str, BusinessCalendar]

    @classmethod
    def load(cls, conn: Connection) -> OwnerCalendars:
        live = live_workspace(conn)
        calendars = live.calendars if live else {}
        team_calendar = dict(conn.execute(select(teams.c.id, teams.c.calendar)).all())
        names = {
            r.id: resolve_calendar(calendars, r.calendar, team_calendar.get(r.team_id))[0]
            for r in conn.execute(select(people.c.id, people.c.calendar, people.c.team_id))
        }
        return cls(live.version if live else None, names, calendars)

    def calendar(self, owner_id: str | None) -> BusinessCalendar:
        name = self.names.get(owner_id) if owner_id is not None else None
        return self.calendars.get(name, ALWAYS_OPEN) if name else ALWAYS_OPEN

    def changed_since(self, before: OwnerCalendars | None) -> set[str]:
        """Owners whose leads must be measured again: their calendar is another one, or
        another version's."""
        if before is None:
            return set()

        def key(owners: OwnerCalendars, pid: str) -> tuple[str, int | None]:
            name = owners.names.get(pid, ALWAYS_OPEN.name)
            return name, owners.version if name != ALWAYS_OPEN.name else None

        return {
            pid for pid in set(self.names) | set(before.names) if key(self, pid) != key(before, pid)
        }
