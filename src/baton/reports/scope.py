"""What the reports share: the period and filters they are scoped by, the time zone their
days and weeks are read in, the health thresholds they flag against, and how a summary of
durations is written out (seconds, for JSON and tables alike).

"The last 30 days" is the same period everywhere: the 30 local calendar days ending
today, in the workspace's zone (``default_period``), as the dashboard's "Last 30 days".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from baton.domain.speed import summarize
from baton.reports.result import NOT_JSON, Result
from baton.services.live import live_workspace
from baton.store.tables import leads, people
from baton.workspace.health_schema import DEFAULT_LIMITS, HealthLimits

DEFAULT_DAYS = 30
FILTERS = ("source", "lead_type", "owner", "team")


@dataclass(frozen=True)
class ReportScope:
    """A period ``[since, until)`` and optional equality filters on the lead and its owner.

    ``zone``: read days and weeks in this zone rather than the workspace's (a
    dashboard viewer's). ``lead_ids``: a SELECT of the only lead ids to count
    (the dashboard passes the viewer's role scope and the filters the reports
    do not know, e.g. the campaign); None counts every lead.
    """

    since: datetime
    until: datetime
    source: str | None = None
    lead_type: str | None = None
    owner: str | None = None
    team: str | None = None
    zone: ZoneInfo | None = None
    lead_ids: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(
                    f"{name} must carry a time zone, e.g. 2026-11-01T00:00:00Z; "
                    f"got {value.isoformat()}"
                )
        if self.since >= self.until:
            raise ValueError(
                f"since ({self.since.isoformat()}) must be before until ({self.until.isoformat()})"
            )

    def filters(self) -> dict[str, str]:
        return {k: v for k in FILTERS if (v := getattr(self, k)) is not None}


def scope_of(
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    zone: ZoneInfo | None = None,
    **filters: str | None,
) -> ReportScope:
    """The scope with its period filled in by ``default_period`` in ``zone`` (UTC if None)."""
    since, until = default_period(now, zone or ZoneInfo("UTC"), since, until)
    return ReportScope(since, until, zone=zone, **filters)


def default_period(
    now: datetime, zone: ZoneInfo, since: datetime | None = None, until: datetime | None = None
) -> tuple[datetime, datetime]:
    """``[since, until)`` with what is missing filled in: until ``now``; since the local
    midnight that starts the 30 calendar days of ``zone`` ending with until's day (today,
    so far, by default) — the days the dashboard's "Last 30 days" counts."""
    until = until or now
    if since is None:
        last_day = (until - timedelta(microseconds=1)).astimezone(zone).date()
        since = datetime.combine(last_day - timedelta(days=DEFAULT_DAYS - 1), time(0), zone)
    return since, until


def lead_conditions(scope: ReportScope, owner_column: Any = leads.c.owner_id) -> list[Any]:
    """WHERE conditions for the scope's filters (not the period: each report dates its own rows).

    ``owner_column`` is whose owner and team are meant: the lead's for speed to
    lead, the charged owner's (``sla_clocks.owner_id``) for the SLA.
    """
    conditions = [
        column == value
        for column, value in (
            (leads.c.source, scope.source),
            (leads.c.lead_type, scope.lead_type),
            (owner_column, scope.owner),
        )
        if value is not None
    ]
    if scope.team is not None:
        conditions.append(
            owner_column.in_(select(people.c.id).where(people.c.team_id == scope.team))
        )
    if scope.lead_ids is not None:
        conditions.append(leads.c.id.in_(scope.lead_ids))
    return conditions


def report_zone(conn: Connection, scope: ReportScope | None = None) -> ZoneInfo:
    """Days and weeks are the scope's zone if it has one, else the workspace's: the live
    version's time zone, else UTC."""
    if scope is not None and scope.zone is not None:
        return scope.zone
    live = live_workspace(conn)
    return ZoneInfo(live.zone if live is not None else "UTC")


def health_limits(conn: Connection) -> HealthLimits:
    """The thresholds every flag and band is judged by: the live version's ``health:``
    section, else the playbooks' defaults."""
    live = live_workspace(conn)
    return live.health.limits if live is not None else DEFAULT_LIMITS


@dataclass(frozen=True)
class Sample(Result):
    """What a ratio flag was judged on against the ``health:`` minimum for it: with fewer
    than ``needed``, the flag is not raised and says so (``words``) — three leads are no
    evidence of a 50 % imbalance."""

    size: int
    needed: int
    unit: str = field(default="leads", metadata=NOT_JSON)
    enough: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "enough", self.size >= self.needed)

    @property
    def words(self) -> str:
        return f"not enough {self.unit} ({self.size:,} of {self.needed:,})"


def teams_of_people(conn: Connection) -> dict[str, str | None]:
    return {r.id: r.team_id for r in conn.execute(select(people.c.id, people.c.team_id))}


def day_and_week(zone: ZoneInfo) -> Callable[[datetime], tuple[str, str]]:
    """An instant's local day (2026-11-02) and ISO week (2026-W45) in ``zone``, labels cached
    per day."""
    labels: dict[date, tuple[str, str]] = {}

    def of(t: datetime) -> tuple[str, str]:
        day = t.astimezone(zone).date()
        if day not in labels:
            year, week, _ = day.isocalendar()
            labels[day] = (day.isoformat(), f"{year}-W{week:02d}")
        return labels[day]

    return of


def summary_seconds(values: Sequence[timedelta]) -> dict[str, Any]:
    """``domain.speed.summarize`` in seconds: count, mean, median, p90 (None when empty)."""
    s = summarize(values)

    def seconds(d: timedelta | None) -> float | None:
        return d.total_seconds() if d is not None else None

    return {
        "count": s.count,
        "mean_seconds": seconds(s.mean),
        "median_seconds": seconds(s.median),
        "p90_seconds": seconds(s.p90),
    }


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summary_of_aggregates(
    count: int, total_us: int | None, median_us: float | None, p90_us: int | None
) -> dict[str, Any]:
    """``summary_seconds`` from what a database computes over integer microseconds: the count,
    the sum, the interpolated median (``quantile_cont(0.5)``: the mean of the two middle values)
    and the nearest-rank p90 (``quantile_disc(0.9)``). Rounded to the microsecond exactly as
    ``summarize`` rounds timedeltas."""
    if not count:
        return summary_seconds([])
    seconds = lambda us: timedelta(microseconds=us).total_seconds()  # noqa: E731  (a float .5 rounds half to even, as timedelta / 2 does)
    return {
        "count": count,
        "mean_seconds": (timedelta(microseconds=total_us) / count).total_seconds(),
        "median_seconds": seconds(median_us),
        "p90_seconds": seconds(p90_us),
    }
