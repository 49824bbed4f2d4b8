"""Server time to render each dashboard page with 1,000,000 leads, on SQLite and on
PostgreSQL, with the default 30-day filter and a 12-month filter; and the database size.

Data: ``dashboard_data.py`` (the demo company plus LEADS generated leads over 12 months
with their decisions, activities and SLA verdicts), cached under CACHE between runs
(``--reuse``). Pages: every GET route of the sections in ``baton.web.app.SECTIONS`` at
run time (so a new page is included; htmx fragments too), a path parameter
``{lead_id}`` filled with the newest generated lead. Each is requested through
``fastapi.testclient.TestClient(create_app(baton))`` signed in as an admin, as of the
data's ``now``: one warm-up request, then RUNS timed ones; the median (and the
slowest) is shown. Baseline in the same run: ``GET /healthz`` and ``GET /signin``
(the app, the session and the test client without a page's queries); the analytics mirror's
first copy (before the pages: their times are with a warm mirror, as under `baton serve`);
and two floors for the leads of each period: streaming the six columns the speed report
reads into Python, and one GROUP BY over them in the database.

    .venv/bin/python bench/dashboard_pages.py [--leads 1000000] [--db sqlite,postgresql]
        [--runs 5] [--reuse] [--cache DIR] [--postgres ADMIN_URL] [--pages /speed,/sla*]
        [--profile] [--keep]

``--profile``: for each page slower than the goal, one more request under cProfile
(in the threads that serve it) with every SQL statement's execute time: Baton's
functions by cumulative time, any function by own time, the slowest statement and
its plan.
PostgreSQL: a database ``baton_bench_dashboard_LEADS`` is created on the server of
ADMIN_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test) and dropped at
the end unless ``--reuse`` or ``--keep`` (then the next ``--reuse`` finds it).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conditions import machine, median
from dashboard_data import BENCH_PASSWORD, BENCH_USER, dataset, drop_database

from baton.bootstrap import Baton, open_baton
from baton.server import create_app
from baton.settings import Settings
from baton.store.tables import activities, leads, routing_decisions, sla_clocks
from baton.testing import FakeClock
from baton.web.app import SECTIONS
from tests.web_support import sign_in

GOAL_SECONDS = 1.0
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOT_GENERATED = (
    "events",
    "timers",
    "alerts",
)  # the demo's bytes per lead in these give the size with them


def pages(sample_lead: int) -> tuple[list[tuple[str, str]], list[str]]:
    """((route path, path to time) for each page, route paths skipped for want of a sample
    value)."""
    samples = {"lead_id": str(sample_lead)}
    paths, skipped = [], []
    for section in SECTIONS:
        for route in section.router.routes:
            if not isinstance(route, APIRoute) or "GET" not in route.methods:
                continue
            names = list(route.param_convertors)
            if all(n in samples for n in names):
                paths.append((route.path, route.path.format(**{n: samples[n] for n in names})))
            else:
                skipped.append(route.path)
    return paths, skipped


def filters(now) -> dict[str, str]:
    """The default (no parameters: the last 30 days) and the 12 months up to today."""
    today = now.date()
    return {
        "30 days": "",
        "12 months": f"range=custom&from={today - timedelta(days=364)}&to={today}",
    }


def timed(client: TestClient, url: str, runs: int) -> tuple[float, float, int, int]:
    """(median s, max s, status, bytes) of ``runs`` requests after one warm-up."""
    first = client.get(url, follow_redirects=False)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, follow_redirects=False)
        seconds.append(time.perf_counter() - started)
    return median(seconds), max(seconds), first.status_code, len(first.content)


def floors(baton: Baton, now, runs: int) -> list[str]:
    """What any design that reads the period's leads row by row in Python pays before its
    arithmetic (the speed report's six columns, streamed as it streams them), against one
    GROUP BY in the database."""
    cols = (
        leads.c.engaged_at,
        leads.c.assigned_at,
        leads.c.first_touch_at,
        leads.c.source,
        leads.c.lead_type,
        leads.c.owner_id,
    )
    out = []
    for name, days in (("30 days", 30), ("12 months", 365)):
        period = (leads.c.engaged_at >= now - timedelta(days=days), leads.c.engaged_at < now)
        stream, grouped = [], []
        for _ in range(runs):
            with baton.db.read() as conn:
                started = time.perf_counter()
                n = sum(
                    1
                    for _ in conn.execute(
                        select(*cols).where(*period).execution_options(yield_per=10_000)
                    )
                )
                stream.append(time.perf_counter() - started)
                started = time.perf_counter()
                conn.execute(
                    select(
                        leads.c.lead_type,
                        leads.c.owner_id,
                        func.count(),
                        func.count(leads.c.first_touch_at),
                    )
                    .where(*period)
                    .group_by(leads.c.lead_type, leads.c.owner_id)
                ).all()
                grouped.append(time.perf_counter() - started)
        out.append(
            f"{name}: {n:,} leads; streamed to Python {median(stream) * 1000:,.0f} ms, "
            f"counted per lead type and owner in the database {median(grouped) * 1000:,.0f} ms"
        )
    return out


def signed_in(baton: Baton) -> TestClient:
    client = TestClient(create_app(baton))
    response = sign_in(client, BENCH_USER, BENCH_PASSWORD)
    assert response.status_code == 303, response.text
    return client


def database_size(baton: Baton, generated: int) -> str:
    """Total size, the largest tables (with their indexes), and the estimate with what is not
    generated."""
    with baton.db.read() as conn:
        if baton.db.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            total = conn.exec_driver_sql(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            ).scalar_one()
            per_table = dict(
                conn.execute(
                    text(
                        "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
                        "LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY 1"
                    )
                ).all()
            )
        else:
            total = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
            per_table = dict(
                conn.execute(
                    text("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables")
                ).all()
            )
        demo_leads = conn.execute(
            select(func.count()).select_from(leads).where(leads.c.source_system != "bench")
        ).scalar_one()
    top = sorted(per_table.items(), key=lambda kv: -kv[1])[:5]
    extra = sum(per_table.get(t, 0) for t in NOT_GENERATED) / max(demo_leads, 1) * generated
    return (
        f"{total / 1e9:.2f} GB "
        f"({', '.join(f'{name} {size / 1e9:.2f}' for name, size in top)} GB with indexes); "
        f"the event log and timers at the demo's {extra / max(generated, 1):,.0f} bytes per lead "
        f"would add ~{extra / 1e9:.1f} GB"
    )


def mirror_copy(baton: Baton, now) -> str:
    """The dashboard's DuckDB mirror: its first copy of the database, a refresh when nothing
    changed, its memory."""
    started = time.perf_counter()
    with baton.db.read() as conn, baton.analytics().session(conn, now):
        pass
    first = time.perf_counter() - started
    again = []
    for _ in range(5):
        started = time.perf_counter()
        with baton.db.read() as conn, baton.analytics().session(conn, now) as duck:
            pass
        again.append(time.perf_counter() - started)
    with baton.db.read() as conn, baton.analytics().session(conn, now) as duck:
        memory = duck.exec_driver_sql(
            "SELECT sum(memory_usage_bytes) FROM duckdb_memory()"
        ).scalar_one()
    return (
        f"first copy {first:.1f} s (done by `baton serve` in the background as it starts); "
        "refresh with nothing changed "
        f"{median(again) * 1000:,.0f} ms; DuckDB memory {memory / 1e6:,.0f} MB"
    )


def counts(baton: Baton) -> str:
    with baton.db.read() as conn:
        n = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (leads, activities, routing_decisions, sla_clocks)
        }
    return ", ".join(f"{v:,} {k}" for k, v in n.items())


def newest_lead(baton: Baton) -> int:
    with baton.db.read() as conn:
        return conn.execute(
            select(func.max(sla_clocks.c.lead_id)).where(sla_clocks.c.state == "hit")
        ).scalar_one()


class Statements:
    """Every SQL statement run while inside: its text, parameters and execute time (rows
    fetched later are not in it)."""

    def __init__(self, baton: Baton) -> None:
        self.engine, self.rows = baton.db.engine, []

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.rows.append([statement, parameters, time.perf_counter()])

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.rows[-1][2] = time.perf_counter() - self.rows[-1][2]


@contextmanager
def profiling() -> Iterator[list[cProfile.Profile]]:
    """cProfile in every thread started meanwhile: the test client serves each request from a new
    event loop thread and runs the (sync) page in a worker thread of that loop, not in this one."""
    profilers: list[cProfile.Profile] = []

    def start(
        frame, event, arg
    ) -> None:  # the thread's first event: from now on cProfile is its profile function
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    threading.setprofile(start)
    try:
        yield profilers
    finally:
        threading.setprofile(None)


def where_time_goes(baton: Baton, client: TestClient, url: str) -> None:
    with Statements(baton) as s, profiling() as profilers:
        started = time.perf_counter()
        client.get(url, follow_redirects=False)
        took = time.perf_counter() - started
    stats = pstats.Stats(*profilers).stats

    def fmt(key, row) -> str:
        file, line, name = key
        where = file.split("/src/", 1)[-1].split("site-packages/", 1)[-1] if file != "~" else ""
        return f"{row[3]:6.2f} s cum {row[2]:6.2f} s own {row[1]:>9,} calls  {where}:{line}({name})"

    ours = sorted(
        ((k, v) for k, v in stats.items() if "/src/baton/" in k[0]), key=lambda kv: -kv[1][3]
    )
    waiting = (
        "poll",
        "acquire",
        "wait",
        "sleep",
    )  # the event loop's and the thread pool's idle time
    own = sorted(
        ((k, v) for k, v in stats.items() if not any(w in k[2] for w in waiting)),
        key=lambda kv: -kv[1][2],
    )
    print(
        f"      {url}: {took:.2f} s under the profiler; {len(s.rows)} SQL statements, "
        f"{sum(r[2] for r in s.rows):.2f} s in execute"
    )
    print("        Baton functions by cumulative time:")
    for key, row in ours[:8]:
        print("          " + fmt(key, row))
    print("        any function by own time:")
    for key, row in own[:6]:
        print("          " + fmt(key, row))
    statement, parameters, executed = max(s.rows, key=lambda r: r[2])
    sql = " ".join(statement.split())
    print(
        f"        slowest statement ({executed:.2f} s execute): "
        f"{sql[:400]}{' …' if len(sql) > 400 else ''}"
    )
    prefix = "EXPLAIN QUERY PLAN " if baton.db.dialect == "sqlite" else "EXPLAIN "
    with baton.db.read() as conn:
        plan = [
            " ".join(str(r[-1]).split())
            for r in conn.exec_driver_sql(prefix + statement, parameters).all()
        ]
    print("        its plan: " + " | ".join(plan[:12]) + (" | …" if len(plan) > 12 else ""))


def code_version() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "src/baton/web", "src/baton/services"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout
    return f"code: {head}" + (
        f" + {len(dirty.splitlines())} uncommitted files under src/baton/web and services"
        if dirty
        else ""
    )


def bench_database(kind: str, args) -> None:
    data = dataset(kind, args.leads, args.cache, args.reuse, args.postgres)
    how = "reused from the cache" if data.seconds is None else f"generated in {data.seconds:.0f} s"
    baton = open_baton(
        Settings(workspace=data.workspace, database_url=data.url, public_url="http://bench"),
        clock=FakeClock(data.now),
    )
    try:
        where = (
            baton.db.url.split("@")[-1] if kind != "sqlite" else data.url.removeprefix("sqlite:///")
        )
        print(f"\n== {kind} ({where}); {how}; now = {data.now:%Y-%m-%d %H:%M} UTC")
        if kind == "postgresql":
            with baton.db.read() as conn:
                settings = conn.execute(
                    text(
                        "SELECT name, setting, unit FROM pg_settings "
                        "WHERE name IN ('shared_buffers', 'work_mem', 'jit')"
                    )
                ).all()
                print(
                    "   server: "
                    + conn.execute(text("SHOW server_version")).scalar_one()
                    + "; "
                    + ", ".join(f"{n} {v}{' × ' + u if u else ''}" for n, v, u in settings)
                )
        print(f"   rows: {counts(baton)}")
        print(f"   size: {database_size(baton, data.leads)}")
        print(f"   analytics mirror: {mirror_copy(baton, data.now)}")
        client = signed_in(baton)
        paths, skipped = pages(newest_lead(baton))
        if args.pages:
            paths = [
                (t, p)
                for t, p in paths
                if any(
                    p == want or p.startswith(want.rstrip("*")) and want.endswith("*")
                    for want in args.pages.split(",")
                )
            ]
        periods = filters(data.now)
        base = {path: timed(client, path, args.runs) for path in ("/healthz", "/signin")}
        print(
            f"   {'page':<28}"
            + "".join(f"{name + ' median (max)':>26}" for name in periods)
            + "   status, size"
        )
        slow = []
        for _, path in paths:
            cells, status = [], ""
            for query in periods.values():
                url = f"{path}?{query}" if query else path
                mid, worst, code, size = timed(client, url, args.runs)
                cells.append(f"{mid * 1000:>12,.0f} ms ({worst * 1000:,.0f})")
                status = f"{code}, {size / 1024:,.0f} KB"
                if mid > GOAL_SECONDS or code != 200:
                    slow.append(url)
            print(f"   {path:<28}" + "".join(f"{c:>26}" for c in cells) + f"   {status}")
        for path, (mid, worst, code, _) in base.items():
            print(
                f"   {'baseline ' + path:<28}{mid * 1000:>12,.1f} ms ({worst * 1000:,.1f})   {code}"
            )
        for line in floors(baton, data.now, args.runs):
            print(f"   floor, {line}")
        if skipped:
            print(f"   not timed (no sample value for a path parameter): {', '.join(skipped)}")
        print(
            f"   goal: every page < {GOAL_SECONDS:.0f} s on SQLite; "
            f"over it (or not 200): {', '.join(slow) or 'none'}"
        )
        if args.profile and slow:
            print(
                "   where the slow pages spend it "
                "(one more request each, profiled, every statement timed):"
            )
            for url in slow:
                where_time_goes(baton, client, url)
    finally:
        baton.close()
        if kind == "postgresql" and not (args.reuse or args.keep):
            drop_database(args.postgres, args.leads, args.cache)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--leads",
        type=int,
        default=1_000_000,
        help="leads to generate (the demo's 5,000 come on top)",
    )
    parser.add_argument(
        "--db", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="timed requests per page and filter (after one warm-up)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the cached data of the same size if there, and keep it",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database for a later --reuse"
    )
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "baton-bench" / "dashboard"
    )
    parser.add_argument(
        "--postgres", default=ADMIN_URL, help="an admin URL of the PostgreSQL server"
    )
    parser.add_argument(
        "--pages",
        help="only these paths, comma-separated ('/sla*' for a prefix), e.g. /speed,/sla*",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="for pages over the goal: where the time goes, the slowest statement and its plan",
    )
    args = parser.parse_args()
    print(machine())
    print(code_version())
    print(
        f"{args.leads:,} generated leads over 12 months; "
        f"{args.runs} timed requests per page after a warm-up, signed in as an admin"
    )
    for kind in args.db.split(","):
        bench_database(kind.strip(), args)


if __name__ == "__main__":
    main()
