"""The speed-to-lead report: systems, human and total delay of the leads engaged in a
period, in wall-clock time and in business time of the owner's calendar, overall and
by day, week (workspace time zone), source, lead type, owner and team.

Leads whose systems-delay interval meets a declared outage stay in the counts
(``excluded``) but out of every statistic and rating. Built for a million leads:
one pass over a narrow SELECT (streamed) turns each lead into compact columns
(group keys as small ints, delays as integer microseconds); then each measure is
sorted once and dealt out to the groups in that order, so the lists
``domain.speed.summarize`` sorts are already sorted. Calendars are resolved once
per owner; no query per lead.

Systems delays are rated by the live version's ``health.systems_delay`` bands (the
playbook's 3, 5, 10, 15, 30 minutes by default); the report carries the bands it used
(``SpeedReport.bands``) so a page's legend says the same.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from baton.domain.speed import (
    OutageWindow,
    Rating,
    RatingBands,
    SpeedToLead,
    excluded_by_outage,
    measure,
    rate,
)
from baton.reports.result import NOT_JSON, Result
from baton.reports.scope import (
    ReportScope,
    day_and_week,
    health_limits,
    lead_conditions,
    report_zone,
    summary_seconds,
    teams_of_people,
)
from baton.services.sla.calendars import OwnerCalendars
from baton.store.tables import leads, outages
from baton.workspace.health_schema import DEFAULT_LIMITS

MEASURES = ("systems_delay", "human_delay", "total")
SERIES = tuple(
    (m, kind) for m in MEASURES for kind in ("wall", "business")
)  # the six numbers of a lead
DIMENSIONS = ("all", "day", "week", "source", "lead_type", "owner", "team")
RATINGS = tuple(Rating)
_US = timedelta(microseconds=1)
_BATCH = 10_000
Summaries = Mapping[str, Mapping[str, Any]]  # "wall" | "business" → ``summary_seconds``


@dataclass(frozen=True)
class SpeedGroup(Result):
    """One group of leads: counts, the three delays' summaries, the systems-delay ratings."""

    key: str
    leads: int
    excluded: int  # left out of every statistic by an outage
    measured: int
    anomalies: int
    systems_delay: Summaries
    human_delay: Summaries
    total: Summaries
    systems_rating: Mapping[str, int]
    rating_of_mean: str | None


@dataclass(frozen=True)
class Outage(Result):
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class SpeedReport(Result):
    """Leads engaged in ``[since, until)``: overall and per dimension (days and weeks in
    ``timezone``); ``bands``: the rating bands the systems delays were rated by."""

    since: datetime
    until: datetime
    timezone: str
    filters: Mapping[str, str]
    outages: tuple[Outage, ...]
    overall: SpeedGroup
    by_day: tuple[SpeedGroup, ...] = ()
    by_week: tuple[SpeedGroup, ...] = ()
    by_source: tuple[SpeedGroup, ...] = ()
    by_lead_type: tuple[SpeedGroup, ...] = ()
    by_owner: tuple[SpeedGroup, ...] = ()
    by_team: tuple[SpeedGroup, ...] = ()
    bands: RatingBands = field(default=DEFAULT_LIMITS.systems_delay, metadata=NOT_JSON)

    def by(self, dimension: str) -> tuple[SpeedGroup, ...]:
        return getattr(self, f"by_{dimension}")

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        overall = out.pop("overall")
        overall.pop("key")
        head = {k: out.pop(k) for k in ("since", "until", "timezone", "filters", "outages")}
        return head | overall | out


def speed_report(
    conn: Connection, scope: ReportScope, bands: RatingBands | None = None
) -> SpeedReport:
    """Leads engaged in ``[scope.since, scope.until)`` matching the scope's filters, rated by
    ``bands`` (default: the live version's ``health.systems_delay``)."""
    bands = bands if bands is not None else health_limits(conn).systems_delay
    zone = report_zone(conn, scope)
    labels = day_and_week(zone)
    windows = outages_after(conn, scope.since)
    calendar_of_owner = OwnerCalendars.load(conn).calendar
    team_of = teams_of_people(conn)
    columns = _Columns()
    query = select(
        leads.c.engaged_at,
        leads.c.assigned_at,
        leads.c.first_touch_at,
        leads.c.source,
        leads.c.lead_type,
        leads.c.owner_id,
    ).where(
        leads.c.engaged_at >= scope.since, leads.c.engaged_at < scope.until, *lead_conditions(scope)
    )
    for row in conn.execute(query.execution_options(yield_per=_BATCH)):
        keys = (
            "all",
            *labels(row.engaged_at),
            row.source or "(none)",
            row.lead_type or "(none)",
            row.owner_id or "(unassigned)",
            team_of.get(row.owner_id) or "(none)",
        )
        if excluded_by_outage(row.engaged_at, row.assigned_at, windows):
            columns.add(keys, None, None)
            continue
        delays = measure(
            row.engaged_at, row.assigned_at, row.first_touch_at, calendar_of_owner(row.owner_id)
        )
        columns.add(
            keys,
            delays,
            rate(delays.systems_delay, bands) if delays.systems_delay is not None else None,
        )
    return assemble(scope, zone, windows, columns.groups(bands), bands)


def assemble(
    scope: ReportScope,
    zone: ZoneInfo,
    windows: list[OutageWindow],
    groups: Mapping[str, Sequence[SpeedGroup]],
    bands: RatingBands,
) -> SpeedReport:
    """The report from its groups per dimension ("all" holds the overall one)."""
    return SpeedReport(
        scope.since,
        scope.until,
        zone.key,
        scope.filters(),
        tuple(
            Outage(w.starts_at, w.ends_at, w.reason) for w in windows if w.starts_at < scope.until
        ),
        groups["all"][0],
        *(tuple(groups.get(d, ())) for d in DIMENSIONS[1:]),
        bands=bands,
    )


def sort_groups(dimension: str, rows: Sequence[SpeedGroup]) -> list[SpeedGroup]:
    """Days and weeks in time order; the other groups largest first."""
    ordered = dimension in ("day", "week")
    return sorted(rows, key=(lambda g: g.key) if ordered else (lambda g: (-g.leads, g.key)))


def group_row(
    key: str,
    count: int,
    excluded: int,
    anomalies: int,
    stats: dict,
    ratings: dict[str, int],
    bands: RatingBands,
) -> SpeedGroup:
    """One group of the report: ``stats`` maps (measure, "wall" | "business") to a summary
    (absent: no value)."""
    summaries = {
        m: {kind: stats.get((m, kind)) or summary_seconds([]) for kind in ("wall", "business")}
        for m in MEASURES
    }
    mean = summaries["systems_delay"]["wall"]["mean_seconds"]
    return SpeedGroup(
        key,
        count,
        excluded,
        count - excluded,
        anomalies,
        summaries["systems_delay"],
        summaries["human_delay"],
        summaries["total"],
        ratings,
        rate(timedelta(seconds=mean), bands).value if mean is not None else None,
    )


def outages_after(conn: Connection, since: datetime) -> list[OutageWindow]:
    """Every outage that can touch a lead engaged from ``since`` on (a lead may wait past the
    period)."""
    rows = conn.execute(
        select(outages.c.starts_at, outages.c.ends_at, outages.c.reason)
        .where(outages.c.ends_at > since)
        .order_by(outages.c.starts_at)
    )
    return [OutageWindow(r.starts_at, r.ends_at, r.reason) for r in rows]


class _Columns:
    """One entry per lead: its group keys (interned), six delays in µs (-1: none), rating, flags."""

    def __init__(self) -> None:
        self.names: list[dict[str, int]] = [{} for _ in DIMENSIONS]
        self.names[0]["all"] = 0  # the overall group exists even for an empty period
        self.keys = [array("i") for _ in DIMENSIONS]
        self.delays = [array("q") for _ in SERIES]
        self.rating = array(
            "b"
        )  # index in RATINGS; -1 when unrated (not assigned yet, or excluded)
        self.excluded = array("b")
        self.anomalies = array("b")

    def add(self, keys: tuple[str, ...], delays: SpeedToLead | None, rating: Rating | None) -> None:
        for names, column, key in zip(self.names, self.keys, keys, strict=True):
            column.append(names.setdefault(key, len(names)))
        values = (
            ()
            if delays is None
            else (
                delays.systems_delay,
                delays.systems_delay_business,
                delays.human_delay,
                delays.human_delay_business,
                delays.total,
                delays.total_business,
            )
        )
        for s, column in enumerate(self.delays):
            value = values[s] if values else None
            column.append(-1 if value is None else value // _US)
        self.rating.append(RATINGS.index(rating) if rating is not None else -1)
        self.excluded.append(delays is None)
        self.anomalies.append(len(delays.anomalies) if delays else 0)

    def groups(self, bands: RatingBands) -> dict[str, list[SpeedGroup]]:
        stats = self._summaries()
        out = {}
        for d, dimension in enumerate(DIMENSIONS):
            keys, names = self.keys[d], {i: k for k, i in self.names[d].items()}
            leads_in, excluded = (
                Counter(keys),
                Counter(k for k, x in zip(keys, self.excluded, strict=True) if x),
            )
            anomalies = Counter({k: 0 for k in names})
            for k, a in zip(keys, self.anomalies, strict=True):
                anomalies[k] += a
            ratings = Counter((k, r) for k, r in zip(keys, self.rating, strict=True) if r >= 0)
            rows = [
                group_row(
                    names[k],
                    leads_in[k],
                    excluded[k],
                    anomalies[k],
                    stats[d].get(k, {}),
                    {r.value: ratings[(k, i)] for i, r in enumerate(RATINGS)},
                    bands,
                )
                for k in names
            ]
            out[dimension] = sort_groups(dimension, rows)
        return out

    def _summaries(self) -> list[dict[int, dict[tuple[str, str], dict[str, Any]]]]:
        """Per dimension, per group id, per series: the summary. Each series is sorted once."""
        out: list[dict[int, dict]] = [defaultdict(dict) for _ in DIMENSIONS]
        for series, column in zip(SERIES, self.delays, strict=True):
            order = sorted((i for i, v in enumerate(column) if v >= 0), key=column.__getitem__)
            values = [timedelta(microseconds=column[i]) for i in order]
            for d, keys in enumerate(self.keys):
                buckets: dict[int, list[timedelta]] = defaultdict(list)
                for i, value in zip(order, values, strict=True):
                    buckets[keys[i]].append(value)
                for k, bucket in buckets.items():
                    out[d][k][series] = summary_seconds(bucket)
        return out
