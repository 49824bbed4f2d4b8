"""The routing domain's view of the database: accounts, people, availability, pool state.

One instance serves one transaction (a submission of up to 1,000 leads, or a
dry run): people and out-of-office periods are read once, pool state is read
(and, when writing, locked) on first use and then kept in memory, and every
assignment made in the transaction is counted against capacity.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from baton.domain.calendar import BusinessCalendar
from baton.domain.records import OPEN_STATUSES
from baton.domain.routing.availability import (
    PeopleView,
    local_day,
    unavailable_members,
    unavailable_reason,
)
from baton.domain.routing.facts import (
    RecordFacts,
    company_key,
    is_free_mail,
    registrable_domain,
)
from baton.domain.routing.flow import AccountMatch, Decision
from baton.domain.routing.roundrobin import MemberState, sync_members
from baton.store.tables import (
    account_domains,
    accounts,
    leads,
    out_of_office,
    people,
    pool_members,
)
from baton.workspace.routing_compile import RoutingConfig

ACCOUNT_FIELDS = ("segment", "employees", "industry", "country", "region", "state")


class DbRoutingPorts(PeopleView):
    skip: frozenset[str] = frozenset()  # people a re-route passes over (an SLA miss's owner)

    def __init__(
        self,
        conn: Connection,
        config: RoutingConfig,
        calendars: dict[str, BusinessCalendar],
        *,
        lock: bool,
    ) -> None:
        self.conn = conn
        self.config = config
        self.calendars = calendars
        # FOR UPDATE on pool rows (PostgreSQL; SQLite's BEGIN IMMEDIATE already serializes)
        self.lock = lock
        self.people = {r.id: r for r in conn.execute(select(people))}
        self.ooo: dict[str, list[tuple[datetime, datetime]]] = {}
        for r in conn.execute(select(out_of_office)):
            self.ooo.setdefault(r.person_id, []).append((r.starts_at, r.ends_at))
        self.pools: dict[str, tuple[MemberState, ...]] = {}
        self.stored: dict[
            tuple[str, str], MemberState
        ] = {}  # pool rows as they are in the database
        self._open: dict[str, int] = {}
        self._today: dict[tuple[str, str], int] = {}

    # -- accounts
    def match_account(self, facts: RecordFacts, by: tuple[str, ...]) -> AccountMatch | None:
        for how in by:
            key, account_id = self._lookup(how, facts)
            if account_id is not None:
                row = self.conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
                fields = {f: getattr(row, f) for f in ACCOUNT_FIELDS}
                return AccountMatch(row.id, row.name, row.owner_id, row.named, how, key, fields)
        return None

    def _lookup(self, how: str, facts: RecordFacts) -> tuple[str | None, int | None]:
        if how == "company_name":
            key = company_key(facts.get("company"))
            if not key:
                return None, None
            found = self.conn.execute(
                select(accounts.c.id)
                .where(accounts.c.name_key == key)
                .order_by(accounts.c.id)
                .limit(1)
            ).first()
            return key, found[0] if found else None
        domain = (
            facts.email_domain
            if how == "email_domain"
            else registrable_domain(facts.get("website"))
        )
        if not domain or is_free_mail(domain):
            return domain, None
        found = self.conn.execute(
            select(account_domains.c.account_id).where(account_domains.c.domain == domain)
        ).first()
        return domain, found[0] if found else None

    # -- pools
    def pool_members(self, pool_id: str) -> tuple[MemberState, ...]:
        if pool_id not in self.pools:
            query = (
                select(pool_members)
                .where(pool_members.c.pool_id == pool_id)
                .order_by(pool_members.c.position)
            )
            if self.lock:
                query = query.with_for_update()
            stored = tuple(
                MemberState(
                    r.person_id, r.weight, r.credit, r.behind, r.last_assigned_at, r.position
                )
                for r in self.conn.execute(query)
            )
            self.stored.update(((pool_id, m.person_id), m) for m in stored)
            self.pools[pool_id] = sync_members(stored, list(self.config.pools[pool_id].members))
        return self.pools[pool_id]

    def unavailable(
        self, pool_id: str, members: tuple[MemberState, ...], now: datetime
    ) -> dict[str, str]:
        pool = self.config.pools[pool_id]
        return unavailable_members(
            members,
            lambda pid: self._why_not(pid, pool.skip_outside_hours, pool.respect_capacity, now),
        )

    def _why_not(
        self, pid: str, check_hours: bool, check_capacity: bool, now: datetime
    ) -> str | None:
        if pid in self.skip:
            return "missed this lead's SLA"
        row = self.people.get(pid)
        if row is None:
            return "inactive"
        return unavailable_reason(
            active=row.active,
            timezone=row.timezone,
            away_until=self._away_until(pid, now),
            calendar=self.calendars.get(row.calendar or ""),
            max_open=row.max_open,
            max_per_day=row.max_per_day,
            open_count=lambda: self._open_count(pid),
            today_count=lambda: self._today_count(pid, row.timezone, now),
            now=now,
            check_hours=check_hours,
            check_capacity=check_capacity,
        )

    def _open_count(self, pid: str) -> int:
        """Open leads the person holds (one indexed count per person, then kept up to date by
        note())."""
        if pid not in self._open:
            self._open[pid] = self.conn.execute(
                select(func.count())
                .select_from(leads)
                .where(leads.c.owner_id == pid, leads.c.status.in_(OPEN_STATUSES))
            ).scalar_one()
        return self._open[pid]

    def _today_count(self, pid: str, zone: str | None, now: datetime) -> int:
        tz = ZoneInfo(zone or "UTC")
        day = now.astimezone(tz).date()
        key = (pid, day.isoformat())
        if key not in self._today:
            start = datetime.combine(day, time(0), tz)
            end = start + timedelta(days=1)
            self._today[key] = self.conn.execute(
                select(func.count())
                .select_from(leads)
                .where(
                    leads.c.owner_id == pid, leads.c.assigned_at >= start, leads.c.assigned_at < end
                )
            ).scalar_one()
        return self._today[key]

    def note(self, decision: Decision, now: datetime) -> None:
        """Remember a decision made in this transaction: new pool states, one more lead for the
        owner."""
        self.pools.update(decision.pool_updates)
        if decision.owner_id is None:
            return
        if decision.owner_id in self._open:
            self._open[decision.owner_id] += 1
        row = self.people.get(decision.owner_id)
        key = (decision.owner_id, local_day(now, row.timezone if row else None))
        if key in self._today:
            self._today[key] += 1
