"""The dashboard's columnar copy of the main database, in an in-process DuckDB.

The heavy dashboard numbers (speed to lead, SLA compliance, routing counts over up
to a year of a million leads) group and rank every lead of the period; SQLite and
PostgreSQL would stream them into Python. The mirror keeps the columns those
numbers read — and, per lead, its speed-to-lead delays, computed once with the
owner's business calendar, and a summary of its routing decisions and misroutes
(``ROUTING``: routed, to the fallback, flagged, the pools it went through), and
on each SLA clock its lead's type — in DuckDB, where a period's medians and p90s
take tens of milliseconds and its routing and SLA counts are a scan, not a join
of a million leads to a million decisions or clocks.

It is never stale: ``refresh`` runs before every read and copies what changed
since the last one: rows with a higher id than any copied (less ``ID_MARGIN``:
PostgreSQL hands out ids before commit), and rows whose ``updated_at`` —
``decided_at`` and ``created_at`` for the insert-only tables — is no earlier
than ``MARGIN`` before the previous refresh, so an update whose transaction
committed up to ``MARGIN`` after its stamp is still picked up; less the rows
already copied with that same stamp. New rows are found by id because a
backfilled lead's rows are stamped with its history's instants. Copies replace
by primary key. A lead's routing summary is made as it is copied (its
decisions and misroutes are copied first), and made again when a decision or
misroute arrives for a lead not copied in the same refresh; a clock's lead type
is taken as it is copied (after the leads) and set again when its lead is. People
and teams are copied whole each time (they are few). When an owner's calendar
changes (their calendar, their team's, or the workspace version that defines it),
that owner's leads are measured again.
Nothing is deleted from the tables mirrored. The first refresh copies
everything: 30–50 s per million leads on two cores, done at start-up by
``baton serve`` (``worker.warm_analytics``).

The tables keep the main database's names and column names, so a SQLAlchemy
query over ``baton.store.tables`` (its role scope, its filters) runs here as is.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    ARRAY,
    Boolean,
    Connection,
    Engine,
    String,
    create_engine,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import NullType

from baton.services.sla.calendars import OwnerCalendars
from baton.store.tables import (
    activities,
    leads,
    misroutes,
    opportunities,
    people,
    routing_decisions,
    sla_clocks,
    status_changes,
    teams,
)

# an update stamped up to this long before it committed is still seen
MARGIN = timedelta(minutes=5)
# PostgreSQL: ids handed out to transactions that commit later than one with a higher id
# (SQLite: 0)
ID_MARGIN = 1_000
ID_CHUNK = 10_000  # ids per IN (…) when reading changed rows (SQLite allows 32,766 parameters)
PRUNE_AT = 100_000  # rows remembered as copied before those out of both windows are forgotten
BATCH = 50_000
TS, TEXT, INT, REAL, BOOL = (
    pa.timestamp("us", tz="UTC"),
    pa.string(),
    pa.int64(),
    pa.float64(),
    pa.bool_(),
)
DELAYS = ("sys_us", "sys_b_us", "human_us", "human_b_us", "total_us", "total_b_us")
# per lead, for the funnel (``reports.stages``): whose lead it is (its owner, else the one it was
# recycled from), and in that person's business time MQL → SAL, SAL → SQL, SQL → converted
# (µs; NULL where a date is missing, negative when out of order)
WORKED_BY = "worked_by"
FUNNEL_STEPS = {
    "mql_sal_b_us": ("mql_at", "sal_at"),
    "sal_sql_b_us": ("sal_at", "sql_at"),
    "sql_opp_b_us": ("sql_at", "converted_at"),
}
# per lead, from its routing decisions and misroutes (``_insert``, ``_follow_leads``): what the
# routing counts read without a join
ROUTING = {
    "routed": Boolean(),
    "via_fallback": Boolean(),
    "misrouted": Boolean(),
    "pools": ARRAY(String()),
}
# on each mirrored SLA clock, its lead's type ("" for none; NULL while the lead is not in the
# mirror): the SLA by lead type without a join
CLOCK_LEAD_TYPE = "lead_type"
_ROUTING_DDL = ", ".join(
    f"{name} {'VARCHAR[]' if isinstance(kind, ARRAY) else 'BOOLEAN'}"
    for name, kind in ROUTING.items()
)
# of a clock joined to its lead ``l``
_CLOCK_LEAD_TYPE = "CASE WHEN l.id IS NULL THEN NULL ELSE coalesce(l.lead_type, '') END"

# table -> (columns copied with their arrow types, the column that dates a change)
COPIED: dict[str, tuple[dict[str, Any], str | None]] = {
    "leads": (
        {
            "id": INT,
            "source": TEXT,
            "campaign": TEXT,
            "lead_type": TEXT,
            "status": TEXT,
            "owner_id": TEXT,
            "queue": TEXT,
            "received_at": TS,
            "engaged_at": TS,
            "assigned_at": TS,
            "first_touch_at": TS,
            "mql_at": TS,
            "sal_at": TS,
            "sql_at": TS,
            "converted_at": TS,
            "account_id": INT,
            "updated_at": TS,
        },
        "updated_at",
    ),
    "sla_clocks": (
        {
            "id": INT,
            "lead_id": INT,
            "rule": TEXT,
            "version": INT,
            "owner_id": TEXT,
            "calendar": TEXT,
            "state": TEXT,
            "started_at": TS,
            "due_at": TS,
            "stopped_at": TS,
            "closed_at": TS,
            "pauses": TEXT,
            "excluded_reason": TEXT,
            "elapsed_before_seconds": REAL,
            "response_business_seconds": REAL,
            "miss_business_seconds": REAL,
            "updated_at": TS,
        },
        "updated_at",
    ),
    "routing_decisions": (
        {
            "id": INT,
            "lead_id": INT,
            "flow": TEXT,
            "node": TEXT,
            "pool_id": TEXT,
            "owner_id": TEXT,
            "queue": TEXT,
            "via_fallback": BOOL,
            "decided_at": TS,
        },
        "decided_at",
    ),
    "misroutes": (
        {
            "id": INT,
            "lead_id": INT,
            "decision_id": INT,
            "reason": TEXT,
            "reported_by": TEXT,
            "expected_owner": TEXT,
            "created_at": TS,
        },
        "created_at",
    ),
    "status_changes": (  # insert-only
        {
            "id": INT,
            "lead_id": INT,
            "to_status": TEXT,
            "reason": TEXT,
            "owner_id": TEXT,
            "changed_at": TS,
        },
        "changed_at",
    ),
    "activities": (
        {"id": INT, "lead_id": INT, "direction": TEXT, "occurred_at": TS, "updated_at": TS},
        "updated_at",
    ),
    "opportunities": (
        {"id": INT, "account_id": INT, "stage": TEXT, "closed_at": TS, "updated_at": TS},
        "updated_at",
    ),
    "people": ({"id": TEXT, "name": TEXT, "team_id": TEXT, "active": BOOL}, None),
    "teams": ({"id": TEXT, "name": TEXT, "manager_id": TEXT}, None),
}
SOURCES = {
    "leads": leads,
    "sla_clocks": sla_clocks,
    "routing_decisions": routing_decisions,
    "misroutes": misroutes,
    "status_changes": status_changes,
    "activities": activities,
    "opportunities": opportunities,
    "people": people,
    "teams": teams,
}
DUCK_TYPES = {TS: "TIMESTAMP", TEXT: "VARCHAR", INT: "BIGINT", REAL: "DOUBLE", BOOL: "BOOLEAN"}


class Mirror:
    """One per process (``Baton.analytics``); ``session(conn)`` refreshes it and lends it out,
    one reader at a time."""

    def __init__(self, dialect: str = "sqlite") -> None:
        self.engine: Engine = create_engine("duckdb:///:memory:", poolclass=StaticPool)
        self._lock = threading.Lock()
        self._floors: dict[str, datetime] = {}  # table -> rows stamped from then on are read again
        self._ids: dict[str, int] = {}  # table -> the highest id copied
        self._id_margin = (
            0 if dialect == "sqlite" else ID_MARGIN
        )  # SQLite commits one writer at a time, in id order
        self._owners: OwnerCalendars | None = None
        self._recent: dict[
            str, dict[Any, Any]
        ] = {}  # table -> id -> stamp of the rows copied inside the margin
        self._small: dict[str, list[Any]] = {}  # people and teams as last copied
        self._touched: list[
            pa.Array
        ] = []  # this refresh: ids of the leads given a decision or a misroute
        self._copied: list[pa.Array] = []  # this refresh: ids of the leads copied
        with self.engine.begin() as duck:
            duck.exec_driver_sql("SET TimeZone = 'UTC'")
            for table, (columns, _) in COPIED.items():
                ddl = ", ".join(f"{name} {DUCK_TYPES[kind]}" for name, kind in columns.items())
                extra = {
                    "leads": "".join(f", {d} BIGINT" for d in DELAYS)  # as ``_insert`` adds them
                    + ", anomalies INTEGER"
                    + "".join(f", {d} BIGINT" for d in FUNNEL_STEPS)
                    + f", {WORKED_BY} VARCHAR, "
                    + _ROUTING_DDL,
                    "sla_clocks": f", {CLOCK_LEAD_TYPE} VARCHAR",
                }.get(table, "")
                duck.exec_driver_sql(f"CREATE TABLE {table} ({ddl}{extra}, PRIMARY KEY (id))")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self, conn: Connection, now: datetime) -> Iterator[Connection]:
        """The mirror brought up to date from ``conn`` (a read transaction on the main database)
        as of ``now``, as a connection."""
        with self._lock, self.engine.connect() as duck:
            saved = self._bookkeeping()
            try:
                self.refresh(conn, duck, now)
            except BaseException:  # DuckDB rolls the copy back: so must what says what was copied
                self._ids, self._floors, self._small, self._owners = saved
                self._recent, self._touched, self._copied = (
                    {},
                    [],
                    [],
                )  # the next refresh copies its whole window again
                raise
            yield duck

    def _bookkeeping(self) -> tuple[Any, ...]:
        """What ``refresh`` changes besides DuckDB's tables, as it was before (less ``_recent``:
        forgotten on failure)."""
        return dict(self._ids), dict(self._floors), dict(self._small), self._owners

    def refresh(self, conn: Connection, duck: Connection, now: datetime) -> None:
        """Copy what changed, in one DuckDB transaction: a refresh that fails leaves the mirror as
        it was (``session``)."""
        duck.begin()  # else the driver-level inserts below would commit one by one
        owners = OwnerCalendars.load(conn)
        remeasure = owners.changed_since(self._owners)
        self._owners = owners
        for table in ("people", "teams"):
            rows = conn.execute(select(*_columns(table))).all()
            if rows != self._small.get(table):
                duck.exec_driver_sql(f"DELETE FROM {table}")
                self._insert(duck, table, rows)
                self._small[table] = rows
        for table in (
            "routing_decisions",
            "misroutes",
            "status_changes",
            "activities",
            "opportunities",
            "leads",
            "sla_clocks",
        ):  # a lead after its decisions, misroutes and status changes
            self._copy_changed(conn, duck, table, now)
        if remeasure:
            owners = sorted(remeasure)
            recycled_from = select(status_changes.c.lead_id).where(
                status_changes.c.owner_id.in_(owners)
            )
            query = select(*_columns("leads")).where(
                or_(
                    leads.c.owner_id.in_(owners),
                    leads.c.owner_id.is_(None) & leads.c.id.in_(recycled_from),
                )
            )
            for batch in conn.execute(query.execution_options(yield_per=BATCH)).partitions(BATCH):
                self._insert(duck, "leads", batch)
        self._follow_leads(duck)
        duck.commit()

    def _copy_changed(self, conn: Connection, duck: Connection, table: str, now: datetime) -> None:
        """Rows with ids past the last copied (less the id margin) and rows stamped within
        ``MARGIN`` before the previous refresh or later (all rows the first time), less those
        already copied with the same stamp."""
        source, stamp = SOURCES[table], COPIED[table][1]
        recent = self._recent.setdefault(table, {})
        if table not in self._ids:
            rows = conn.execute(select(*_columns(table)).execution_options(yield_per=BATCH))
        else:  # ids and stamps first (from the indexes): usually nothing has changed
            window = or_(
                source.c.id > self._ids[table] - self._id_margin,
                source.c[stamp] >= self._floors[table],
            )
            seen = conn.execute(
                select(source.c.id, type_coerce(source.c[stamp], NullType())).where(window)
            ).all()
            changed = [i for i, s in seen if recent.get(i) != s]
            rows = (
                conn.execute(
                    select(*_columns(table)).where(source.c.id.in_(changed[k : k + ID_CHUNK]))
                )
                for k in range(0, len(changed), ID_CHUNK)
            )
        for batch in rows.partitions(BATCH) if table not in self._ids else (r.all() for r in rows):
            if not batch:
                continue
            self._insert(duck, table, batch)
            self._ids[table] = max(self._ids.get(table, 0), max(r.id for r in batch))
            recent.update((r.id, getattr(r, stamp)) for r in batch)
        self._ids.setdefault(table, 0)
        self._floors[table] = (
            now - MARGIN
        )  # a write stamped before this has committed by the next refresh
        if len(recent) > PRUNE_AT:  # forget what falls out of both windows
            self._recent[table] = {
                k: v
                for k, v in recent.items()
                if k > self._ids[table] - self._id_margin or _utc(v) >= self._floors[table]
            }

    def _insert(self, duck: Connection, table: str, batch: list[Any]) -> None:
        if not batch:  # nothing to copy (an empty database: no people or teams yet)
            return
        columns = COPIED[table][0]
        data = {
            name: _arrow(values, columns[name])
            for name, values in zip(columns, zip(*batch, strict=True), strict=False)
        }
        if table == "leads":
            data |= self._delays(data)
            data |= self._funnel(duck, data)
            self._copied.append(data["id"])
        elif table in ("routing_decisions", "misroutes"):
            self._touched.append(data["lead_id"])
        source = {
            "leads": _with_routing(
                "incoming", "t.*"
            ),  # a lead's decisions and misroutes are copied before it, its clocks after
            "sla_clocks": (
                f"SELECT t.*, {_CLOCK_LEAD_TYPE} FROM incoming t"
                " LEFT JOIN leads l ON l.id = t.lead_id"
            ),
        }.get(table, "SELECT * FROM incoming")
        with _registered(duck, "incoming", data) as raw:
            raw.execute(f"INSERT OR REPLACE INTO {table} {source}")

    def _follow_leads(self, duck: Connection) -> None:
        """What the mirror keeps from a lead's other rows, or on them from the lead, made again
        where this refresh changed its source without copying the row that keeps it: ``ROUTING``
        of the leads given a decision or a misroute, not copied; the lead type on the clocks of
        the leads copied (their clocks may not be)."""
        touched, copied = _ids(self._touched), _ids(self._copied)
        self._touched, self._copied = [], []
        if len(copied):
            touched = touched.filter(pc.invert(pc.is_in(touched, value_set=copied)))
            with _registered(duck, "copied", {"id": copied}) as raw:
                raw.execute(
                    f"UPDATE sla_clocks SET {CLOCK_LEAD_TYPE} = {_CLOCK_LEAD_TYPE}"
                    " FROM leads l WHERE sla_clocks.lead_id = l.id"
                    " AND l.id IN (SELECT id FROM copied)"
                    f" AND sla_clocks.{CLOCK_LEAD_TYPE} IS DISTINCT FROM {_CLOCK_LEAD_TYPE}"
                )
        if len(touched):
            with _registered(duck, "touched", {"id": touched}) as raw:
                raw.execute(
                    f"UPDATE leads SET {', '.join(f'{c} = s.{c}' for c in ROUTING)}"
                    f" FROM ({_with_routing('touched', 't.id')}) s WHERE leads.id = s.id"
                )

    def _delays(self, data: dict[str, pa.Array]) -> dict[str, pa.Array]:
        """Each lead's six delays (µs; NULL where an end is missing, 0 when it came before its
        start) and its anomaly count, as ``domain.speed.measure`` gives them, on microsecond
        integers."""
        assert self._owners is not None
        engaged, assigned, touched = (
            data[c].cast(INT).to_pylist() for c in ("engaged_at", "assigned_at", "first_touch_at")
        )
        out: list[list[int | None]] = [[] for _ in DELAYS]
        anomalies = []
        calendar_of = self._owners.calendar
        owners = data["owner_id"].to_pylist()
        for e, a, t, owner in zip(engaged, assigned, touched, owners, strict=True):
            calendar, odd = calendar_of(owner), 0
            for i, (start, end) in enumerate(((e, a), (a, t), (e, t))):
                if start is None or end is None:
                    out[2 * i].append(None)
                    out[2 * i + 1].append(None)
                elif end < start:
                    out[2 * i].append(0)
                    out[2 * i + 1].append(0)
                    odd += 1
                else:
                    out[2 * i].append(end - start)
                    out[2 * i + 1].append(calendar.between_us(start, end))
            anomalies.append(odd)
        return {name: pa.array(v, INT) for name, v in zip(DELAYS, out, strict=True)} | {
            "anomalies": pa.array(anomalies, pa.int32())
        }

    def _funnel(self, duck: Connection, data: dict[str, pa.Array]) -> dict[str, pa.Array]:
        """Each lead's ``WORKED_BY`` (its owner, else the owner of its latest status change, from
        the mirror: a lead's status changes are copied before it) and ``FUNNEL_STEPS`` in that
        person's business calendar."""
        assert self._owners is not None
        worked = data["owner_id"].to_pylist()
        ownerless = data["id"].filter(pc.is_null(data["owner_id"]))
        if len(ownerless):
            with _registered(duck, "ownerless", {"id": ownerless}) as raw:
                found = dict(
                    raw.execute(
                        "SELECT lead_id, owner_id FROM (SELECT lead_id, owner_id, row_number() OVER"
                        " (PARTITION BY lead_id ORDER BY changed_at DESC, id DESC) AS n"
                        " FROM status_changes WHERE lead_id IN (SELECT id FROM ownerless))"
                        " WHERE n = 1"
                    ).fetchall()
                )
            ids = data["id"].to_pylist()
            worked = [
                w if w is not None else found.get(i) for w, i in zip(worked, ids, strict=True)
            ]
        stamps = {
            c: data[c].cast(INT).to_pylist() for c in ("mql_at", "sal_at", "sql_at", "converted_at")
        }
        calendar_of = self._owners.calendar
        out: dict[str, list[int | None]] = {name: [] for name in FUNNEL_STEPS}
        for i, person in enumerate(worked):
            calendar = calendar_of(person)
            for name, (a, b) in FUNNEL_STEPS.items():
                start, end = stamps[a][i], stamps[b][i]
                both = start is not None and end is not None
                out[name].append(calendar.between_us(start, end) if both else None)
        return {name: pa.array(v, INT) for name, v in out.items()} | {
            WORKED_BY: pa.array(worked, TEXT)
        }


@contextmanager
def _registered(duck: Connection, name: str, columns: dict[str, pa.Array]) -> Iterator[Any]:
    """The DuckDB connection under ``duck`` with ``columns`` readable as the table ``name``
    while inside."""
    raw = duck.connection.driver_connection
    raw.register(name, pa.table(columns))
    try:
        yield raw
    finally:
        raw.unregister(name)


def _ids(arrays: list[pa.Array]) -> pa.Array:
    return pa.concat_arrays([a.cast(INT) for a in arrays]).unique() if arrays else pa.array([], INT)


def _with_routing(ids: str, columns: str) -> str:
    """SELECT ``columns`` of each row ``t`` of the table ``ids`` (its lead ``id``) and the lead's
    ``ROUTING``, from the mirror."""
    return f"""SELECT {columns}, d.lead_id IS NOT NULL AS routed,
                      coalesce(d.via_fallback, false) AS via_fallback,
                      m.lead_id IS NOT NULL AS misrouted, coalesce(d.pools, []) AS pools
               FROM {ids} t
               LEFT JOIN (SELECT lead_id, bool_or(via_fallback) AS via_fallback,
                                 list(DISTINCT pool_id ORDER BY pool_id)
                                     FILTER (WHERE pool_id IS NOT NULL) AS pools
                          FROM routing_decisions WHERE lead_id IN (SELECT id FROM {ids})
                          GROUP BY lead_id) d ON d.lead_id = t.id
               LEFT JOIN (SELECT DISTINCT lead_id FROM misroutes
                          WHERE lead_id IN (SELECT id FROM {ids})) m ON m.lead_id = t.id"""


def mirrored(name: str, table: str = "leads") -> Any:
    """A column the mirror adds to ``leads`` (``DELAYS``, ``anomalies``, ``ROUTING``,
    ``WORKED_BY``, ``FUNNEL_STEPS``) or ``sla_clocks`` (``CLOCK_LEAD_TYPE``), for a query over
    the mirror."""
    text = table == "sla_clocks" or name == WORKED_BY
    return literal_column(f"{table}.{name}", ROUTING.get(name, String() if text else None))


def _utc(value: Any) -> datetime:
    """A stamp as the driver gives it (SQLite: naive UTC text) as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _arrow(values: tuple[Any, ...], kind: pa.DataType) -> pa.Array:
    """A column as the main database's driver gives it (SQLite: instants as naive UTC text,
    booleans as 0/1; PostgreSQL: JSON parsed)."""
    sample = next((v for v in values if v is not None), None)
    if kind == TS and isinstance(sample, str):
        return pa.array(values, TEXT).cast(pa.timestamp("us")).cast(INT).view(TS)
    if kind == BOOL:
        return pa.array([None if v is None else bool(v) for v in values], BOOL)
    if kind == TEXT and sample is not None and not isinstance(sample, str):
        return pa.array([None if v is None else json.dumps(v) for v in values], TEXT)
    return pa.array(values, kind)


def _columns(table: str) -> list[Any]:
    """The copied columns, read raw (no result processing: the driver's values go to Arrow as
    they are)."""
    source = SOURCES[table]
    return [type_coerce(source.c[name], NullType()).label(name) for name in COPIED[table][0]]


def run(duck: Connection, query: Any) -> list[Any]:
    """Rows of a SELECT over the mirror, its values written into the SQL: DuckDB plans constants
    better than parameters (half the time of a year's report). Values arrive as DuckDB gives them
    (dates, numbers, text)."""
    return duck.exec_driver_sql(
        str(query.compile(duck, compile_kwargs={"literal_binds": True}))
    ).all()


def blank_as(column: Any, none: str) -> Any:
    """``column`` with NULL and "" read as ``none``, as the streaming reports'
    ``value or "(none)"`` does."""
    return func.coalesce(func.nullif(column, ""), none)
