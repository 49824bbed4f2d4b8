"""A year of a few hundred people's leads for the dashboard bench, bulk-inserted.

On top of the demo company (``baton demo DIR --no-serve``: workspace, calendars,
SLA rules, version, scenarios, 5,000 leads through the intake) this adds LEADS
leads received over the 12 months before the demo's ``now`` and, per lead, what
the pages read: its routing decision (the trace copied from a demo decision of
the same node), its activities (the first touch and follow-ups) and its SLA
charge with the verdict ``domain.sla.verdict`` gives as of ``now``; plus a few
hundred people in twenty teams (rows as the API would create them), misroutes
and out-of-office periods. Rows go in with executemany inserts, secondary
indexes dropped during the load and rebuilt after. Not generated: the event
log, fired timers and alerts (the pages read them per lead only); the bench
prints the demo's bytes per lead for those tables so the size can be read
with or without them.

Distributions: volume grows 40 % over the year, weekends carry a quarter of a
weekday, arrivals follow local business hours; lead fields are sampled from the
demo's leads; owners by region and segment, busier reps more often; 7 % go to a
queue; human delay is log-normal per SLA rule, and 12–25 % are never touched.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dashboard_rows import SEED, add_lead, arrivals, demo_templates, people_and_teams
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from baton.bootstrap import Baton, open_baton
from baton.services.live import live_workspace
from baton.services.people.users import Role, create_user
from baton.settings import Settings
from baton.store.db import sqlite_url
from baton.store.tables import (
    activities,
    leads,
    misroutes,
    routing_decisions,
    sla_clocks,
    timers,
)
from baton.testing import FakeClock

VERSION = 1  # bump when the generated data change: caches of another version are rebuilt
CHUNK = 20_000
BENCH_USER, BENCH_PASSWORD = "bench-admin", "correct horse battery"


@dataclass(frozen=True)
class Dataset:
    kind: str  # sqlite | postgresql
    workspace: Path
    url: str
    now: datetime  # the demo's now: the generated year ends there, pages are rendered as of then
    leads: int  # generated leads (the demo's come on top)
    seconds: float | None  # generation time; None when the cache was reused


def dataset(kind: str, count: int, cache: Path, reuse: bool, admin_url: str) -> Dataset:
    """The cached data set for ``kind`` and ``count`` (``reuse``) or a new one."""
    home = cache / f"leads-{count}"
    marker = home / f"{kind}.json"
    url = (
        sqlite_url(home / "workspace" / ".baton" / "baton.db")
        if kind == "sqlite"
        else _database_url(admin_url, count)
    )
    if reuse and marker.exists():
        saved = json.loads(marker.read_text())
        if saved["version"] == VERSION and saved["leads"] == count and _holds(url, count):
            return Dataset(
                kind, home / "workspace", url, datetime.fromisoformat(saved["now"]), count, None
            )
    started = time.perf_counter()
    marker.unlink(missing_ok=True)
    workspace = _fresh(home, kind, url, admin_url, count)
    baton = open_baton(Settings(workspace=workspace, database_url=url, public_url="http://bench"))
    with baton.db.read() as conn:
        now = conn.execute(
            select(func.max(leads.c.created_at))
        ).scalar_one()  # the demo's load time
    baton.close()
    baton = open_baton(
        Settings(workspace=workspace, database_url=url, public_url="http://bench"),
        clock=FakeClock(now),
    )
    generate(baton, count, now)
    baton.close()
    marker.write_text(json.dumps({"version": VERSION, "leads": count, "now": now.isoformat()}))
    return Dataset(kind, workspace, url, now, count, time.perf_counter() - started)


def _holds(url: str, count: int) -> bool:
    """Whether the database at ``url`` is there with the ``count`` generated leads."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(
                    select(func.count()).select_from(leads).where(leads.c.source_system == "bench")
                ).scalar_one()
                == count
            )
    except SQLAlchemyError:  # no such file, database or table: generate it
        return False
    finally:
        engine.dispose()


def _database_url(admin_url: str, count: int) -> str:
    return (
        create_engine(admin_url)
        .url.set(database=f"baton_bench_dashboard_{count}")
        .render_as_string(hide_password=False)
    )


def _fresh(home: Path, kind: str, url: str, admin_url: str, count: int) -> Path:
    """An empty database with the demo company loaded into it (``baton demo DIR --no-serve``)."""
    workspace = home / "workspace"
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        drop_database(admin_url, count)
        with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "baton_bench_dashboard_{count}"'))
    env = (
        dict(os.environ, BATON_DATABASE_URL=url)
        if kind != "sqlite"
        else {k: v for k, v in os.environ.items() if k != "BATON_DATABASE_URL"}
    )
    subprocess.run(
        [sys.executable, "-m", "baton", "demo", str(workspace), "--no-serve"],
        check=True,
        capture_output=True,
        env=env,
    )
    return workspace


def drop_database(admin_url: str, count: int, cache: Path | None = None) -> None:
    if cache is not None:
        (cache / f"leads-{count}" / "postgresql.json").unlink(missing_ok=True)
    with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "baton_bench_dashboard_{count}" WITH (FORCE)'))


def generate(baton: Baton, count: int, now: datetime) -> None:
    rnd = random.Random(SEED)
    with baton.db.write() as conn:
        demo = demo_templates(conn)
        staff = people_and_teams(conn, rnd, now)
        live = live_workspace(conn)
        conn.commit()
    indexes = _drop_indexes(baton)
    arriving = arrivals(rnd, count, now)
    ids = {
        t: demo["max_id"][t]
        for t in (leads, activities, routing_decisions, sla_clocks, timers, misroutes)
    }
    spent = {"rows": 0.0, "insert": 0.0, "indexes": 0.0}
    for start in range(0, count, CHUNK):
        t0 = time.perf_counter()
        rows: dict[Any, list[dict]] = {t: [] for t in ids}
        for received, region in arriving[start : start + CHUNK]:
            add_lead(rows, ids, rnd, demo, staff, live, received, region, now)
        t1 = time.perf_counter()
        with baton.db.write() as conn:
            for table, chunk in rows.items():
                if chunk:
                    conn.execute(insert(table), chunk)
            conn.commit()
        spent["rows"], spent["insert"] = (
            spent["rows"] + t1 - t0,
            spent["insert"] + time.perf_counter() - t1,
        )
        print(
            f"\r   {baton.db.dialect}: {start + CHUNK:,} of {count:,} leads",
            end="",
            file=sys.stderr,
            flush=True,
        )
    t0 = time.perf_counter()
    _rebuild_indexes(baton, indexes)
    spent["indexes"] = time.perf_counter() - t0
    print(
        f"\r   {baton.db.dialect}: " + ", ".join(f"{k} {v:.0f} s" for k, v in spent.items()),
        file=sys.stderr,
    )
    create_user(baton, BENCH_USER, BENCH_PASSWORD, Role.ADMIN, None, "bench")


def _drop_indexes(baton: Baton) -> list[str]:
    """Drop the secondary indexes of the tables loaded (rebuilt after: much faster than
    maintaining them row by row)."""
    names = ("leads", "activities", "routing_decisions", "sla_clocks", "timers", "misroutes")
    with baton.db.write() as conn:
        if baton.db.dialect == "sqlite":
            found = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                    f"({', '.join(repr(n) for n in names)})"
                )
            ).all()
        else:
            found = conn.execute(
                text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "LEFT JOIN pg_constraint c ON c.conname = i.indexname "
                    "WHERE i.schemaname = 'public' AND c.conname IS NULL AND i.tablename = ANY(:t)"
                ),
                {"t": list(names)},
            ).all()
        for name, _ in found:
            conn.execute(text(f'DROP INDEX "{name}"'))
        conn.commit()
    return [sql for _, sql in found]


def _rebuild_indexes(baton: Baton, statements: list[str]) -> None:
    with baton.db.write() as conn:
        for sql in statements:
            conn.execute(text(sql))
        conn.commit()
    if (
        baton.db.dialect == "postgresql"
    ):  # autovacuum would analyze the new rows within minutes; a running server has
        with baton.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
