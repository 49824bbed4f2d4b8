"""Time to count the weekly Marketing Ops digest's numbers (issue 12 item 8):
``reports.lifecycle_week`` for the last complete ISO week — the week's funnel, feedback and
recycled leads, and leakage over four weeks — which the delivery worker runs once a week
in a read transaction before the short write that claims the week and writes the alerts.

Data: the Funnel page bench's (``funnel_page.py``: the demo company plus LEADS generated
leads over 12 months, one status change per stamp, wins), cached under CACHE (``--reuse``:
pass the same ``--cache`` and ``--leads`` to share that bench's data set).

Baseline in the same run: the streaming funnel report over the same week (the first of the
reports the digest reads); the ratio is printed.

    .venv/bin/python bench/marketing_digest.py [--leads 100000] [--runs 5] [--reuse] [--cache DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conditions import machine, median
from dashboard_data import dataset
from dashboard_pages import ADMIN_URL, code_version
from funnel_page import lifecycle

from baton.bootstrap import open_baton
from baton.reports.funnel import funnel_report
from baton.reports.lifecycle_week import lifecycle_week
from baton.reports.scope import ReportScope
from baton.settings import Settings
from baton.testing import FakeClock


def timed(run, runs: int) -> tuple[float, float, object]:
    """(median s, slowest s, last result) of ``runs`` calls after a warm-up."""
    result = run()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return median(seconds), max(seconds), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000, help="generated leads")
    parser.add_argument("--runs", type=int, default=5, help="timed runs after a warm-up")
    parser.add_argument("--reuse", action="store_true", help="use the cached data if there")
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "baton-bench" / "funnel"
    )
    args = parser.parse_args()
    print(machine())
    print(code_version())
    data = dataset("sqlite", args.leads, args.cache, args.reuse, ADMIN_URL)
    baton = open_baton(
        Settings(workspace=data.workspace, database_url=data.url, public_url="http://bench"),
        clock=FakeClock(data.now),
    )
    try:
        added = lifecycle(
            baton, data.workspace.parent, "sqlite", data.leads, data.now, data.seconds is not None
        )
        year, week, _ = data.now.isocalendar()
        period = f"{year}-W{week:02d}"
        print(f"{args.leads:,} generated leads; {added}; now = {data.now:%Y-%m-%d %H:%M} UTC")
        with baton.db.read() as conn:
            mid, worst, report = timed(lambda: lifecycle_week(conn, period, data.now), args.runs)
            scope = ReportScope(report.since, report.until)
            base, _, _ = timed(lambda: funnel_report(conn, scope), args.runs)
        print(
            f"   digest of {period}: week {report.week}, {report.mqls:,} MQLs, "
            f"{report.rejections:,} rejections, {report.recycled:,} recycled, "
            f"leakage {report.leakage.leaked:,} of {report.leakage.mqls:,}"
        )
        print(f"   lifecycle_week: {mid * 1000:,.0f} ms median ({worst * 1000:,.0f} slowest)")
        print(f"   baseline funnel_report of the week: {base * 1000:,.0f} ms")
        print(f"   ratio: {mid / base:.2f}x the week's funnel report")
    finally:
        baton.close()


if __name__ == "__main__":
    main()
