"""Server time of the Funnel page (and, beside it, the Feedback page) with 1,000,000 leads and
a 12-month filter; goal < 1 s, like the other pages (issue 12, Performance).

Data: ``dashboard_data.py`` (the demo company plus LEADS generated leads over 12 months,
whose lifecycle stamps ``dashboard_rows._status`` draws: MQL, SAL, SQL, converted, recycled,
disqualified), cached under CACHE (``--reuse``), and on top of it what the lifecycle
reports read besides the stamps: one status change per stamp (rejections with a reason,
for the owner the lead had) and, for a third of the converted leads, an account with a
Closed Won opportunity after the conversion (a Won stage to count). The Funnel page is
requested through ``TestClient(create_app(baton))`` signed in as an admin, as of the data's
``now``, with its default breakdown (by source) and by MQL week: one warm-up request, then
RUNS timed ones, the median (and the slowest).

Baseline in the same run: ``GET /healthz`` (the app, the session and the test client
without a page's queries), and the streaming funnel report (``reports.funnel``: what the
API's ``GET /v1/reports/funnel`` computes) over the same 12 months — the page's figures
without the mirror. The ratios are printed. The mirror's first copy (done by ``baton
serve`` in the background as it starts) is timed apart, before the pages.

    .venv/bin/python bench/funnel_page.py [--leads 1000000] [--db sqlite] [--runs 5]
        [--reuse] [--cache DIR] [--postgres ADMIN_URL]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import case, func, insert, literal, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conditions import machine, median
from dashboard_data import dataset, drop_database
from dashboard_pages import ADMIN_URL, code_version, counts, mirror_copy, signed_in, timed

from baton.bootstrap import Baton, open_baton
from baton.reports.funnel import funnel_report
from baton.reports.scope import ReportScope
from baton.settings import Settings
from baton.store.tables import accounts, leads, opportunities, status_changes
from baton.testing import FakeClock

GOAL_SECONDS = 1.0
LIFECYCLE_VERSION = 1  # bump when the lifecycle rows change
MOVES = {
    "mql_at": "mql",
    "sal_at": "sal",
    "sql_at": "sql",
    "converted_at": "converted",
    "recycled_at": "recycled",
    "disqualified_at": "disqualified",
}
REASONS = ("not a fit", "not a fit", "not a fit", "no budget", "duplicate", "competitor", "timing")
CHUNK = 20_000


def lifecycle(baton: Baton, home: Path, kind: str, generated: int, now, fresh: bool) -> str:
    """The status changes and wins of the generated leads (once per cached data set; again
    when the base data were ``fresh``ly generated)."""
    marker = home / f"lifecycle-{kind}.json"
    if fresh:
        marker.unlink(missing_ok=True)
    if marker.exists() and json.loads(marker.read_text()).get("version") == LIFECYCLE_VERSION:
        return "lifecycle rows reused from the cache"
    started = time.perf_counter()
    bench = leads.c.source_system == "bench"
    with baton.db.write() as conn:
        conn.execute(status_changes.delete().where(status_changes.c.actor == "bench"))
        for stamp, status in MOVES.items():
            column = leads.c[stamp]
            reason = (
                _reason(leads.c.id) if status in ("recycled", "disqualified") else literal(None)
            )
            rows = select(
                leads.c.id,
                literal("new"),
                literal(status),
                reason,
                literal("import"),
                literal("bench"),
                column,
                leads.c.owner_id,
            ).where(bench, column.is_not(None))
            conn.execute(
                insert(status_changes).from_select(
                    [
                        "lead_id",
                        "from_status",
                        "to_status",
                        "reason",
                        "by",
                        "actor",
                        "changed_at",
                        "owner_id",
                    ],
                    rows,
                )
            )
        conn.commit()
    wins = _wins(baton, now)
    marker.write_text(json.dumps({"version": LIFECYCLE_VERSION, "leads": generated}))
    return f"lifecycle rows added in {time.perf_counter() - started:.0f} s ({wins:,} won)"


def _reason(lead_id):
    """A reason per lead, "not a fit" for three in seven (over the playbook's 40 %)."""
    return case(
        *((lead_id % len(REASONS) == i, reason) for i, reason in enumerate(REASONS)),
        else_=REASONS[0],
    )


def _wins(baton: Baton, now) -> int:
    """An account and a Closed Won opportunity for a third of the converted leads."""
    rnd = random.Random(20261203)
    with baton.db.read() as conn:
        converted = conn.execute(
            select(leads.c.id, leads.c.company, leads.c.converted_at).where(
                leads.c.source_system == "bench", leads.c.converted_at.is_not(None)
            )
        ).all()
    chosen = [r for r in converted if rnd.random() < 1 / 3]
    for start in range(0, len(chosen), CHUNK):
        with baton.db.write() as conn:
            for lead_id, company, converted_at in chosen[start : start + CHUNK]:
                account = conn.execute(
                    insert(accounts)
                    .values(
                        name=company or f"Bench account {lead_id}",
                        domains=[],
                        named=False,
                        source_system="bench",
                        extra={},
                        created_at=converted_at,
                        updated_at=converted_at,
                    )
                    .returning(accounts.c.id)
                ).scalar_one()
                closed = min(converted_at + timedelta(days=rnd.uniform(5, 60)), now)
                conn.execute(update(leads).where(leads.c.id == lead_id).values(account_id=account))
                conn.execute(
                    insert(opportunities).values(
                        name=f"Bench deal {lead_id}",
                        account_id=account,
                        stage="Closed Won",
                        closed_at=closed,
                        handoff={},
                        source_system="bench",
                        extra={},
                        created_at=converted_at,
                        updated_at=closed,
                    )
                )
            conn.commit()
    return len(chosen)


def streaming(baton: Baton, now, runs: int) -> tuple[float, int]:
    """(median s, MQLs) of the streaming funnel report over the 12 months."""
    scope = ReportScope(now - timedelta(days=365), now)
    seconds, mqls = [], 0
    for _ in range(runs):
        with baton.db.read() as conn:
            started = time.perf_counter()
            mqls = funnel_report(conn, scope).overall.mql
            seconds.append(time.perf_counter() - started)
    return median(seconds), mqls


def bench_database(kind: str, args) -> None:
    data = dataset(kind, args.leads, args.cache, args.reuse, args.postgres)
    how = "reused from the cache" if data.seconds is None else f"generated in {data.seconds:.0f} s"
    baton = open_baton(
        Settings(workspace=data.workspace, database_url=data.url, public_url="http://bench"),
        clock=FakeClock(data.now),
    )
    try:
        added = lifecycle(
            baton, data.workspace.parent, kind, data.leads, data.now, data.seconds is not None
        )
        print(f"\n== {kind}; base data {how}; {added}; now = {data.now:%Y-%m-%d %H:%M} UTC")
        with baton.db.read() as conn:
            moves = conn.execute(select(func.count()).select_from(status_changes)).scalar_one()
            year = conn.execute(
                select(func.count()).where(leads.c.mql_at >= data.now - timedelta(days=365))
            ).scalar_one()
        print(f"   rows: {counts(baton)}, {moves:,} status changes; {year:,} MQLs in 12 months")
        print(f"   analytics mirror: {mirror_copy(baton, data.now)}")
        client = signed_in(baton)
        today = data.now.date()
        year_filter = f"range=custom&from={today - timedelta(days=364)}&to={today}"
        healthz = timed(client, "/healthz", args.runs)
        print(f"   {'request':<44}{'median (max)':>22}   status, size")
        results = {}
        for url in (
            f"/funnel?{year_filter}",
            f"/funnel?{year_filter}&by=week",
            "/funnel",
            f"/feedback?{year_filter}",
        ):
            mid, worst, code, size = timed(client, url, args.runs)
            results[url] = mid
            print(
                f"   {url.replace(year_filter, '12 months'):<44}"
                f"{mid * 1000:>12,.0f} ms ({worst * 1000:,.0f})   {code}, {size / 1024:,.0f} KB"
            )
        report_seconds, mqls = streaming(baton, data.now, max(1, min(args.runs, 3)))
        page = results[f"/funnel?{year_filter}"]
        print(
            f"   {'baseline GET /healthz':<44}{healthz[0] * 1000:>12,.1f} ms "
            f"({healthz[1] * 1000:,.1f})   {healthz[2]}"
        )
        print(
            f"   {'baseline streaming funnel_report, 12 months':<44}"
            f"{report_seconds * 1000:>12,.0f} ms   ({mqls:,} MQLs)"
        )
        print(
            f"   Funnel page, 12 months: {page * 1000:,.0f} ms = {page / healthz[0]:,.0f}x "
            f"GET /healthz, {page / report_seconds:.2f}x the streaming report; goal < "
            f"{GOAL_SECONDS:.0f} s: {'met' if page < GOAL_SECONDS else 'NOT met'}"
        )
    finally:
        baton.close()
        if kind == "postgresql" and not args.reuse:
            drop_database(args.postgres, args.leads, args.cache)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000, help="generated leads")
    parser.add_argument("--db", default="sqlite", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--runs", type=int, default=5, help="timed requests after a warm-up")
    parser.add_argument("--reuse", action="store_true", help="use the cached data if there")
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "baton-bench" / "funnel"
    )
    parser.add_argument("--postgres", default=ADMIN_URL, help="a PostgreSQL admin URL")
    args = parser.parse_args()
    print(machine())
    print(code_version())
    print(
        f"{args.leads:,} generated leads over 12 months; "
        f"{args.runs} timed requests per URL after a warm-up, signed in as an admin"
    )
    for kind in args.db.split(","):
        bench_database(kind.strip(), args)


if __name__ == "__main__":
    main()
