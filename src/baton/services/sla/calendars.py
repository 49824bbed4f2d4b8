"""Which business calendar each owner's speed to lead is measured in, as SLA clocks
resolve it (``services.sla.resolve_calendar``: the person's, else their team's, else
24/7), for every person at once; and which owners' calendars changed since (the
dashboard's mirror measures their leads again)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from baton.domain.calendar import BusinessCalendar
from baton.services.sla.clocks import ALWAYS_OPEN, load_sla, resolve_calendar
from baton.store.tables import people, teams


@dataclass(frozen=True)
class OwnerCalendars:
    version: int | None  # the workspace version whose calendars these are
    names: dict[str, str]  # person id -> calendar name
    calendars: dict[str, BusinessCalendar]

    @classmethod
    def load(cls, conn: Connection) -> OwnerCalendars:
        live = load_sla(conn)
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
        """Owners whose leads must be measured again: their calendar is another one, or another version's."""
        if before is None:
            return set()

        def key(owners: OwnerCalendars, pid: str) -> tuple[str, int | None]:
            name = owners.names.get(pid, ALWAYS_OPEN.name)
            return name, owners.version if name != ALWAYS_OPEN.name else None

        return {
            pid for pid in set(self.names) | set(before.names) if key(self, pid) != key(before, pid)
        }
