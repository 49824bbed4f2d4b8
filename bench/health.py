"""Time of `baton health` (issue 15: under 2 s on the demo and at 1,000,000 leads): the
command as a user runs it (a fresh process, its imports and the workspace's compilation
included), and the monitors' evaluation alone in-process, on

- the demo (``baton demo DIR --no-serve``, made once under CACHE/demo), and
- the Funnel page bench's data set (``funnel_page.py``: the demo company plus LEADS
  generated leads over 12 months, their status changes and wins), cached under CACHE
  (``--reuse``: pass the same ``--cache`` and ``--leads`` to share that bench's data).

Baseline in the same run: `baton --help`, the floor of any command (the interpreter, click
and Baton's entry point); the ratio is printed.

    .venv/bin/python bench/health.py [--leads 100000] [--runs 5] [--reuse] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conditions import machine, median
from dashboard_data import dataset
from dashboard_pages import ADMIN_URL, code_version
from funnel_page import lifecycle

from baton.bootstrap import open_baton
from baton.services.health.registry import evaluate
from baton.settings import Settings
from baton.testing import FakeClock

BATON = str(Path(sys.executable).with_name("baton"))
GOAL_SECONDS = 2.0


CPU: list[float] = []  # CPU seconds (user + system) of each process run, in order


def command(args: list[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds of one fresh process (exit 0, 1 or 2: `baton health`'s verdicts); its CPU
    seconds are appended to CPU (on a busy machine the wall time is mostly waiting for a core)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1, 2):
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    return wall


def timed(run, runs: int) -> tuple[float, float]:
    """(median s, slowest s) of ``runs`` calls after a warm-up."""
    run()
    seconds = [run() for _ in range(runs)]
    return median(seconds), max(seconds)


def measure(name: str, workspace: Path, url: str, now, runs: int) -> None:
    """`baton health` on ``workspace`` and the evaluation alone, as of ``now``."""
    env = dict(os.environ, BATON_DATABASE_URL=url)
    CPU.clear()
    cli, cli_worst = timed(lambda: command([BATON, "-w", str(workspace), "health"], env), runs)
    cli_cpu = median(CPU[1:])  # the warm-up's left out
    CPU.clear()
    base, _ = timed(lambda: command([BATON, "--help"]), runs)
    base_cpu = median(CPU[1:])
    baton = open_baton(
        Settings(workspace=workspace, database_url=url, public_url="http://bench"),
        clock=FakeClock(now),
    )
    try:

        def once() -> float:
            started = time.perf_counter()
            with baton.db.read() as conn:
                evaluate(conn, now)
            return time.perf_counter() - started

        first = once()
        inside, _ = timed(once, runs)
        with baton.db.read() as conn:
            verdicts = {m.name: m.status.value for m in evaluate(conn, now)}
    finally:
        baton.close()
    reds = sorted(k for k, v in verdicts.items() if v == "red")
    print(f"   {name}: red {', '.join(reds) or 'none'}")
    print(
        f"   `baton health`            {cli * 1000:>9,.0f} ms median ({cli_worst * 1000:,.0f} "
        f"slowest); goal < {GOAL_SECONDS:.0f} s: {'met' if cli < GOAL_SECONDS else 'NOT met'}"
    )
    print(f"   evaluate() in-process     {inside * 1000:>9,.0f} ms median", end="")
    print(f" (the first in the process: {first * 1000:,.0f} ms)")
    print(f"   `baton health` CPU time   {cli_cpu * 1000:>9,.0f} ms median (user + system)")
    shown = f"{base * 1000:>9,.0f} ms median, CPU {base_cpu * 1000:,.0f} ms"
    print(f"   baseline `baton --help`   {shown}")
    print(
        f"   ratio: `baton health` = {cli / base:.2f}x `baton --help` "
        f"(CPU time {cli_cpu / base_cpu:.2f}x); load average now "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )


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
    print(f"{args.runs} timed runs of each after a warm-up; now = the wall clock")
    demo = args.cache / "demo"
    if not (demo / ".baton" / "baton.db").exists():
        subprocess.run([BATON, "demo", str(demo), "--no-serve"], check=True, capture_output=True)
    demo_url = f"sqlite:///{demo / '.baton' / 'baton.db'}"
    measure("the demo (5,000 leads)", demo, demo_url, datetime.now(UTC), args.runs)
    data = dataset("sqlite", args.leads, args.cache, args.reuse, ADMIN_URL)
    baton = open_baton(
        Settings(workspace=data.workspace, database_url=data.url, public_url="http://bench"),
        clock=FakeClock(data.now),
    )
    try:
        added = lifecycle(
            baton, data.workspace.parent, "sqlite", data.leads, data.now, data.seconds is not None
        )
    finally:
        baton.close()
    print(f"{args.leads:,} generated leads; {added}; their year ends {data.now:%Y-%m-%d %H:%M} UTC")
    measure(f"{args.leads:,} leads", data.workspace, data.url, datetime.now(UTC), args.runs)


if __name__ == "__main__":
    main()
