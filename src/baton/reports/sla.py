"""The SLA report: per owner charge (one ``sla_clocks`` row), hit / miss and compliance
by rule, owner, team and ISO week of the clock's start, response times and miss
durations in business time, and the clocks still open. Excluded and released charges
are counted apart and never enter compliance: a released charge (the lead was taken
away in time) is nobody's miss.

Every verdict is as of ``now`` (``domain.sla.state``): a pending charge whose deadline
has passed is a miss whether or not the worker's timer has recorded it yet, so the
figures do not depend on when the worker last ran.

``response_bands`` is the playbook's response-time distribution: a hit that used less
than ``health.sla_approaching`` (80 %) of its rule's threshold is "under", one that used
more "approaching", a miss "breached" (pending charges have no response time yet).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, or_, select

from baton.domain.sla import verdict
from baton.domain.sla.state import state_as_of
from baton.reports.result import NOT_JSON, Result
from baton.reports.scope import (
    ReportScope,
    Sample,
    day_and_week,
    health_limits,
    lead_conditions,
    report_zone,
    share,
    summary_seconds,
    teams_of_people,
)
from baton.services.live import LiveWorkspace, live_workspace
from baton.services.sla.calendars import calendar_of
from baton.services.sla.clocks import clock_input
from baton.store.tables import leads, sla_clocks
from baton.workspace.health_schema import DEFAULT_LIMITS, HealthLimits

STATES = ("hit", "miss", "pending", "excluded", "released")
DIMENSIONS = ("rule", "lead_type", "owner", "team", "week")
BANDS = ("under", "approaching", "breached")
DURATIONS = ("response_business", "miss_business")


@dataclass(frozen=True)
class SlaGroup(Result):
    """One group's charges: per state as of ``now``, the open and overdue ones, compliance =
    hit / (hit + miss), the response bands; and, from the streaming report only, the
    business-time summaries of responses and misses (None from the mirror's)."""

    key: str
    clocks: int
    hit: int
    miss: int
    pending: int
    excluded: int
    released: int
    open: int  # still running: pending, or missed and still untouched (escalations running)
    overdue: int  # open and past the deadline
    compliance: float | None
    response_bands: Mapping[str, int]
    response_business: Mapping[str, Any] | None = None
    miss_business: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        return {k: v for k, v in out.items() if v is not None or k not in DURATIONS}

    def without_durations(self) -> SlaGroup:
        """The counts alone, as the mirror's twin gives them."""
        return replace(self, response_business=None, miss_business=None)


@dataclass(frozen=True)
class SlaReport(Result):
    """Charges whose clock started in ``[since, until)``: overall and per dimension."""

    since: datetime
    until: datetime
    timezone: str  # the zone of the report's weeks
    now: datetime
    filters: Mapping[str, str]
    overall: SlaGroup
    by_rule: tuple[SlaGroup, ...] = ()
    by_lead_type: tuple[SlaGroup, ...] = ()
    by_owner: tuple[SlaGroup, ...] = ()
    by_team: tuple[SlaGroup, ...] = ()
    by_week: tuple[SlaGroup, ...] = ()
    limits: HealthLimits = field(default=DEFAULT_LIMITS, metadata=NOT_JSON)

    def by(self, dimension: str) -> tuple[SlaGroup, ...]:
        return getattr(self, f"by_{dimension}")

    def sample(self, group: SlaGroup) -> Sample:
        """The verdicts (hit + miss) ``group``'s compliance rests on, against
        ``health.min_sample``."""
        return Sample(group.hit + group.miss, self.limits.min_sample, "verdicts")

    def under_target(self, group: SlaGroup) -> bool:
        """The red flag: compliance under ``health.team_sla_compliance``, on enough verdicts."""
        return (
            group.compliance is not None
            and self.sample(group).enough
            and group.compliance < self.limits.team_sla_compliance
        )

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        overall = out.pop("overall")
        overall.pop("key")
        head = {k: out.pop(k) for k in ("since", "until", "timezone", "now", "filters")}
        return head | overall | out

    def without_durations(self) -> SlaReport:
        groups = {f"by_{d}": tuple(g.without_durations() for g in self.by(d)) for d in DIMENSIONS}
        return replace(self, overall=self.overall.without_durations(), **groups)


def sla_group(
    key: str,
    states: Mapping[str, int],
    open_clocks: int,
    overdue: int,
    bands: Mapping[str, int],
    **durations: Mapping[str, Any],
) -> SlaGroup:
    """A group from its counts (the streaming report and its mirror twin both end here)."""
    hit, miss = states.get("hit", 0), states.get("miss", 0)
    return SlaGroup(
        key,
        sum(states.values()),
        *(states.get(s, 0) for s in STATES),
        open_clocks,
        overdue,
        share(hit, hit + miss),
        {b: bands.get(b, 0) for b in BANDS},
        **durations,
    )


@dataclass
class _Tally:
    states: Counter = field(default_factory=Counter)
    open: int = 0
    overdue: int = 0
    responses: list[timedelta] = field(default_factory=list)
    misses: list[timedelta] = field(default_factory=list)
    bands: Counter = field(default_factory=Counter)

    def add(self, charge: _Charge) -> None:
        self.states[charge.state] += 1
        if charge.band is not None:
            self.bands[charge.band] += 1
        self.open += charge.is_open
        self.overdue += charge.overdue
        if charge.response is not None:
            self.responses.append(charge.response)
        if charge.miss is not None:
            self.misses.append(charge.miss)

    def group(self, key: str) -> SlaGroup:
        return sla_group(
            key,
            self.states,
            self.open,
            self.overdue,
            self.bands,
            response_business=summary_seconds(self.responses),
            miss_business=summary_seconds(self.misses),
        )


@dataclass(frozen=True)
class _Charge:
    state: str
    is_open: bool
    overdue: bool
    response: timedelta | None
    miss: timedelta | None
    band: str | None


def sla_report(conn: Connection, scope: ReportScope, now: datetime) -> SlaReport:
    """Charges whose clock started in ``[scope.since, scope.until)``; owner and team filters
    are the charged owner's."""
    zone = report_zone(conn, scope)
    labels, team_of, live = day_and_week(zone), teams_of_people(conn), live_workspace(conn)
    limits = health_limits(conn)
    band = band_of(threshold_seconds(conn), limits.sla_approaching)
    overall, groups = _Tally(), {d: defaultdict(_Tally) for d in DIMENSIONS}
    for row in conn.execute(_charges(scope).execution_options(yield_per=10_000)):
        charge = _judge(row, live, now, band)
        keys = (
            row.rule,
            row.lead_type or "(none)",
            row.owner_id,
            team_of.get(row.owner_id) or "(none)",
            labels(row.started_at)[1],
        )
        for tally in (overall, *(groups[d][k] for d, k in zip(DIMENSIONS, keys, strict=True))):
            tally.add(charge)
    return SlaReport(
        scope.since,
        scope.until,
        zone.key,
        now,
        scope.filters(),
        overall.group(""),
        *(sort_rows([t.group(k) for k, t in groups[d].items()], d) for d in DIMENSIONS),
        limits=limits,
    )


def _charges(scope: ReportScope):
    c = sla_clocks.c
    return (
        select(
            c.rule,
            c.version,
            c.owner_id,
            c.state,
            c.started_at,
            c.due_at,
            c.stopped_at,
            c.closed_at,
            c.calendar,
            c.pauses,
            c.excluded_reason,
            c.elapsed_before_seconds,
            c.response_business_seconds,
            c.miss_business_seconds,
            leads.c.lead_type,
        )
        .join(leads, leads.c.id == c.lead_id)
        .where(
            c.started_at >= scope.since,
            c.started_at < scope.until,
            *lead_conditions(scope, c.owner_id),
        )
    )


def _judge(
    row: Any, live: LiveWorkspace | None, now: datetime, band: Callable[..., str | None]
) -> _Charge:
    """One charge as it stands at ``now``."""
    state = state_as_of(row.state, row.due_at, now)
    untouched_miss = state == "miss" and row.stopped_at is None and row.closed_at is None
    is_open = row.state == "pending" or untouched_miss
    return _Charge(
        state,
        is_open,
        is_open and row.due_at is not None and row.due_at <= now,
        _seconds(row.response_business_seconds) if state in ("hit", "miss") else None,
        _miss_so_far(live, row, now)
        if untouched_miss
        else _seconds(row.miss_business_seconds)
        if state == "miss"
        else None,
        band(state, row.version, row.rule, row.response_business_seconds),
    )


def _seconds(value: float | None) -> timedelta | None:
    return timedelta(seconds=value) if value is not None else None


def threshold_seconds(conn: Connection) -> Callable[[int, str], float | None]:
    """The threshold (business seconds) of a rule in the version a clock was started under,
    looked up once per pair."""
    cache: dict[tuple[int, str], float | None] = {}

    def of(version: int, rule_name: str) -> float | None:
        if (version, rule_name) not in cache:
            live = live_workspace(conn, version)
            rule = live.rule(rule_name) if live else None
            cache[(version, rule_name)] = rule.policy.threshold.total_seconds() if rule else None
        return cache[(version, rule_name)]

    return of


def band_of(
    threshold: Callable[[int, str], float | None], approaching: float
) -> Callable[[str, int, str, float | None], str | None]:
    """A charge's response band from its state (as of now) and response time: a miss is
    breached; a hit approaching from ``approaching`` of its rule's threshold, else under."""

    def band(state: str, version: int, rule: str, response: float | None) -> str | None:
        if state == "miss":
            return "breached"
        limit = threshold(version, rule)
        if state != "hit" or response is None or limit is None:
            return None
        return "approaching" if response >= approaching * limit else "under"

    return band


def _miss_so_far(live: LiveWorkspace | None, row: Any, now: datetime) -> timedelta | None:
    """An untouched miss keeps growing: its business time past the threshold as of ``now``."""
    rule = live.rule(row.rule) if live else None
    if rule is None:
        return _seconds(row.miss_business_seconds)
    return verdict(
        rule.policy, calendar_of(live, row.calendar), clock_input(row), now
    ).miss_duration


def sort_rows(rows: Sequence[SlaGroup], dimension: str) -> tuple[SlaGroup, ...]:
    """Weeks in time order; the other groups most charges first."""
    ordered = dimension == "week"
    return tuple(sorted(rows, key=(lambda r: r.key) if ordered else (lambda r: (-r.clocks, r.key))))


def state_now(c: Any, now: datetime) -> ColumnElement[str]:
    """``domain.sla.state.state_as_of`` in SQL, over the columns ``c`` of ``sla_clocks``."""
    return case((and_(c.state == "pending", c.due_at <= now), "miss"), else_=c.state)


def state_is(c: Any, state: str, now: datetime) -> ColumnElement[bool]:
    """``state_now(c, now) == state``, written so an index on ``state`` still serves it."""
    past_due = and_(c.state == "pending", c.due_at <= now)
    if state == "miss":
        return or_(c.state == "miss", past_due)
    if state == "pending":
        return and_(c.state == "pending", or_(c.due_at.is_(None), c.due_at > now))
    return c.state == state
