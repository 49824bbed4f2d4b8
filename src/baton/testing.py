"""Test helpers shipped with the package: a clock you set by hand, and routing ports
backed by plain Python data so a flow can be unit-tested without a database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from baton.domain.calendar import BusinessCalendar
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
from baton.domain.routing.flow import AccountMatch, Decision, Flow, Router
from baton.domain.routing.roundrobin import MemberState, sync_members
from baton.services.routing.ports import ACCOUNT_FIELDS
from baton.workspace.calendars import build_calendar
from baton.workspace.routing_compile import PoolConfig, RoutingConfig

if TYPE_CHECKING:
    from baton.workspace.spec import WorkspaceSpec

__all__ = ["FakeClock", "InMemoryRoutingPorts"]


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now


@dataclass(frozen=True)
class _Person:
    id: str
    name: str
    active: bool = True
    timezone: str | None = None
    calendar: str | None = None
    max_open: int | None = None
    max_per_day: int | None = None
    manager: str | None = None


def _read(value: Any, key: str, default: Any = None) -> Any:
    """A field of a dict or of an object with attributes (e.g. a ``PersonSpec``)."""
    return value.get(key, default) if isinstance(value, Mapping) else getattr(value, key, default)


def _pool_config(pool_id: str, value: Any) -> PoolConfig:
    if isinstance(value, PoolConfig):
        return value
    if isinstance(value, (list, tuple)):
        value = {"members": value}
    weights = value.get("weights", {})
    members = tuple(m if isinstance(m, tuple) else (m, weights.get(m, 1)) for m in value["members"])
    return PoolConfig(
        pool_id,
        members,
        value.get("skip_outside_hours", False),
        value.get("respect_capacity", True),
    )


class InMemoryRoutingPorts(PeopleView):
    """``RoutingPorts`` over Python data, behaving like ``DbRoutingPorts`` in one transaction.

    - ``accounts``: dicts with ``id``, ``name``, ``domains``, ``website``, ``owner_id``,
      ``named`` and the account fields routing reads (segment, employees, industry,
      country, region, state). Domains fold to registrable domains; free-mail domains
      are never indexed; the first account to claim a domain keeps it; a company
      name matches the account with the lowest id.
    - ``people``: person id → dict (``name``, ``active``, ``timezone``, ``calendar``,
      ``max_open``, ``max_per_day``, ``manager``) or ``PersonSpec``.
    - ``pools``: a ``RoutingConfig``, or pool id → ``PoolConfig`` / ``{members, weights,
      skip_outside_hours, respect_capacity}`` / a list of member ids.
    - ``out_of_office``: person id → [(starts_at, ends_at)], half-open.
    - ``open_leads``: person id → open leads already held; ``assignments``: past
      (person id, assigned_at) pairs, for the daily cap.

    ``note(decision, now)`` keeps what a decision changed (pool state, counts);
    ``route(flow, facts, now)`` routes and notes, as the intake does.
    """

    def __init__(
        self,
        *,
        accounts: Iterable[Mapping[str, Any]] = (),
        people: Mapping[str, Any] | None = None,
        pools: RoutingConfig | Mapping[str, Any] | None = None,
        calendars: Mapping[str, BusinessCalendar] | None = None,
        out_of_office: Mapping[str, Iterable[tuple[datetime, datetime]]] | None = None,
        open_leads: Mapping[str, int] | None = None,
        assignments: Iterable[tuple[str, datetime]] = (),
        pool_state: Mapping[str, tuple[MemberState, ...]] | None = None,
    ) -> None:
        self.people = {pid: self._person(pid, value) for pid, value in (people or {}).items()}
        raw_pools = pools.pools if isinstance(pools, RoutingConfig) else (pools or {})
        self.pool_configs = {pid: _pool_config(pid, value) for pid, value in raw_pools.items()}
        self.calendars = dict(calendars or {})
        self.ooo = {pid: list(periods) for pid, periods in (out_of_office or {}).items()}
        self.open_leads: Counter[str] = Counter(open_leads or {})
        self.assigned_per_day: Counter[tuple[str, str]] = Counter(
            self._day_key(pid, at) for pid, at in assignments
        )
        self.stored = dict(
            pool_state or {}
        )  # pool states "in the database", before sync with the config
        self.pools: dict[str, tuple[MemberState, ...]] = {}
        self.accounts: dict[int, dict[str, Any]] = {a["id"]: dict(a) for a in accounts}
        self._reindex()

    @classmethod
    def for_workspace(
        cls, spec: WorkspaceSpec, config: RoutingConfig, **data: Any
    ) -> InMemoryRoutingPorts:
        """Ports with a workspace's people, calendars and pools (from its compiled routing)."""
        people = {p.id: p for p in spec.people}
        calendars = {name: build_calendar(name, cal) for name, cal in spec.calendars.items()}
        return cls(people=people, pools=config, calendars=calendars, **data)

    @staticmethod
    def _person(pid: str, value: Any) -> _Person:
        fields = ("active", "timezone", "calendar", "max_open", "max_per_day", "manager")
        values = {f: _read(value, f, _Person.__dataclass_fields__[f].default) for f in fields}
        return _Person(pid, _read(value, "name") or pid, **values)

    # -- accounts
    def upsert_account(self, account: Mapping[str, Any]) -> None:
        """Add or replace an account (e.g. a newly named one) and re-index."""
        self.accounts[account["id"]] = dict(account)
        self._reindex()

    def remove_account(self, account_id: int) -> None:
        del self.accounts[account_id]
        self._reindex()

    def _reindex(self) -> None:
        self._by_domain: dict[str, int] = {}
        self._by_name: dict[str, int] = {}
        for account in self.accounts.values():  # insertion order: the first claim of a domain wins
            claimed = {registrable_domain(d) or d for d in account.get("domains") or ()}
            if account.get("website"):
                claimed.add(registrable_domain(account["website"]))
            for domain in sorted(d for d in claimed if d and not is_free_mail(d)):
                self._by_domain.setdefault(domain, account["id"])
            key = company_key(account.get("name"))
            if key and account["id"] < self._by_name.get(key, account["id"] + 1):
                self._by_name[key] = account["id"]

    def match_account(self, facts: RecordFacts, by: tuple[str, ...]) -> AccountMatch | None:
        for how in by:
            key, account_id = self._lookup(how, facts)
            if account_id is not None:
                a = self.accounts[account_id]
                fields = {f: a.get(f) for f in ACCOUNT_FIELDS}
                return AccountMatch(
                    account_id, a["name"], a.get("owner_id"), bool(a.get("named")), how, key, fields
                )
        return None

    def _lookup(self, how: str, facts: RecordFacts) -> tuple[str | None, int | None]:
        if how == "company_name":
            key = company_key(facts.get("company"))
            return key, self._by_name.get(key) if key else None
        domain = (
            facts.email_domain
            if how == "email_domain"
            else registrable_domain(facts.get("website"))
        )
        if not domain or is_free_mail(domain):
            return domain, None
        return domain, self._by_domain.get(domain)

    def set_out_of_office(self, person_id: str, starts_at: datetime, ends_at: datetime) -> None:
        self.ooo.setdefault(person_id, []).append((starts_at, ends_at))

    # -- pools
    def pool_members(self, pool_id: str) -> tuple[MemberState, ...]:
        if pool_id not in self.pools:
            self.pools[pool_id] = sync_members(
                self.stored.get(pool_id, ()), list(self.pool_configs[pool_id].members)
            )
        return self.pools[pool_id]

    def configure_pool(self, pool_id: str, members: Any) -> None:
        """Change a pool's members or weights, as applying a new workspace version does."""
        self.pool_configs[pool_id] = _pool_config(pool_id, members)
        if pool_id in self.pools:
            self.stored[pool_id] = self.pools.pop(pool_id)

    def unavailable(
        self, pool_id: str, members: tuple[MemberState, ...], now: datetime
    ) -> dict[str, str]:
        pool = self.pool_configs[pool_id]
        return unavailable_members(
            members,
            lambda pid: self._why_not(pid, pool.skip_outside_hours, pool.respect_capacity, now),
        )

    def _why_not(
        self, pid: str, check_hours: bool, check_capacity: bool, now: datetime
    ) -> str | None:
        person = self.people.get(pid)
        if person is None:
            return "inactive"
        return unavailable_reason(
            active=person.active,
            timezone=person.timezone,
            away_until=self._away_until(pid, now) if pid in self.ooo else None,
            calendar=self.calendars.get(person.calendar or ""),
            max_open=person.max_open,
            max_per_day=person.max_per_day,
            open_count=lambda: self.open_leads[pid],
            today_count=lambda: self.assigned_per_day[self._day_key(pid, now)],
            now=now,
            check_hours=check_hours,
            check_capacity=check_capacity,
        )

    def _day_key(self, pid: str, at: datetime) -> tuple[str, str]:
        person = self.people.get(pid)
        return pid, local_day(at, person.timezone if person else None)

    # -- decisions
    def note(self, decision: Decision, now: datetime) -> None:
        """Remember a decision: new pool states, one more open lead and one more today for
        the owner."""
        self.pools.update(decision.pool_updates)
        if decision.owner_id is None:
            return
        self.open_leads[decision.owner_id] += 1
        self.assigned_per_day[self._day_key(decision.owner_id, now)] += 1

    def route(self, flow: Flow, facts: RecordFacts, now: datetime) -> Decision:
        decision = Router(self, now).route(flow, facts)
        self.note(decision, now)
        return decision
