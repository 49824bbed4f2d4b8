"""How late the worker records an SLA miss after its exact deadline, with 100,000 open
clocks, and how much CPU the worker uses while idle.

Setup (SQLite, temp workspace from the init template, applied and activated; its
``alerts:`` section is commented out, so delivery finds nothing to send): CLOCKS
leads, one pending 'hand-raiser' clock each (30 min, calendar 24/7 so deadlines are
spread evenly in real time) and its timers as ``domain.sla.schedule`` plans them
(notices at 50/80 %, the miss, escalations 2–3), bulk-inserted; timers already past
at the start are stored as fired. Miss deadlines are spread uniformly over the next
SPREAD seconds. The bench clock runs in real time from the moment setup ends, so
the store sees a live system.

Measured, in one process:
- serve: ``worker.Worker(baton)`` with ``default_jobs()`` — exactly what
  `baton serve` starts (heartbeat, SLA timers, delivery; it sleeps until the next
  pending timer, at most ``idle_seconds``). ``fire_due_timers`` is wrapped only to
  note when each round ended on the bench clock.
- baseline: the same Worker and jobs, sleeping a fixed ``idle_seconds`` whenever a
  round did nothing (the loop before it slept until the next due timer).
1. idle: process CPU time / wall time over IDLE seconds while nothing is due, each loop.
2. lateness: RUNS pairs of windows of WINDOW seconds, serve and baseline alternating
   (a fresh worker each, started WARM seconds before its window so the backlog of the
   gap is gone). Per window, of the miss timers due in it: p50/p99 of ``fired_at -
   due_at`` (what the store records) and of ``round end - due_at`` (an upper bound of
   when the commit was visible); misses not fired GRACE seconds after the window.

    .venv/bin/python bench/sla_timers.py [--clocks 100000] [--spread 3600] [--window 20]
        [--runs 3] [--idle 10] [--profile]

``--profile`` runs cProfile over every job of the serve worker's rounds.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median, percentile

from baton.bootstrap import Baton, open_baton
from baton.domain.sla import ClockInput, schedule
from baton.services.live import live_workspace
from baton.services.sla.calendars import ALWAYS_OPEN
from baton.services.sla.timers import fire_due_timers
from baton.services.versions.versions import activate_version, apply_workspace
from baton.settings import Settings
from baton.store.db import sqlite_url
from baton.store.tables import leads, sla_clocks, timers
from baton.worker import Worker, default_jobs
from baton.workspace.loader import load_workspace
from baton.workspace.scaffold import write_template

BASE = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # the bench's "now" when setup ends
OWNERS = ("sam-ortiz", "priya-nair")
WARM, GRACE = (
    5.0,
    3.0,
)  # seconds a worker runs before its window / after it before misses are counted


class RunningClock:
    """Real time, shifted so that ``start()`` makes it read ``at``."""

    def __init__(self, at: datetime) -> None:
        self.at, self.started = at, time.monotonic()

    def start(self, at: datetime) -> None:
        self.at, self.started = at, time.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.started)


def setup(
    directory: Path, clocks: int, spread: float, first_due: datetime
) -> tuple[Baton, RunningClock]:
    write_template(directory)
    clock = RunningClock(BASE)
    baton = open_baton(
        Settings(
            workspace=directory,
            database_url=sqlite_url(directory / ".baton" / "baton.db"),
            public_url="http://bench",
        ),
        clock=clock,
    )
    applied = apply_workspace(baton, load_workspace(directory), "bench", BASE - timedelta(days=1))
    activate_version(baton, applied.number, "bench", BASE - timedelta(days=1))
    with baton.db.write() as conn:
        live = live_workspace(conn)
        rule = live.rule("hand-raiser")
        rnd = random.Random(7)
        rows: dict = {leads: [], sla_clocks: [], timers: []}
        for i in range(1, clocks + 1):
            due = first_due + timedelta(seconds=rnd.uniform(0, spread))
            started, owner = due - rule.policy.threshold, OWNERS[i % 2]
            plan = schedule(rule.policy, ALWAYS_OPEN, ClockInput(started, owner))
            rows[leads].append(
                {
                    "id": i,
                    "email": f"lead{i}@bench.example",
                    "company": f"Co {i % 997}",
                    "lead_type": "demo-request",
                    "status": "new",
                    "owner_id": owner,
                    "engaged_at": started,
                    "received_at": started,
                    "assigned_at": started,
                    "is_test": False,
                    "override_owner": False,
                    "extra": {},
                    "source_system": "",
                    "created_at": started,
                    "updated_at": started,
                }
            )
            rows[sla_clocks].append(
                {
                    "id": i,
                    "lead_id": i,
                    "rule": rule.name,
                    "version": live.version,
                    "owner_id": owner,
                    "calendar": ALWAYS_OPEN.name,
                    "started_at": started,
                    "elapsed_before_seconds": 0,
                    "pauses": [],
                    "state": "pending",
                    "due_at": next(d.due_at for d in plan if d.key == "miss"),
                    "created_at": started,
                    "updated_at": started,
                }
            )
            for (
                d
            ) in plan:  # what already fell due is stored as fired, as a worker would have left it
                past = d.due_at < first_due
                rows[timers].append(
                    {
                        "clock_id": i,
                        "key": d.key,
                        "due_at": d.due_at,
                        "state": "fired" if past else "pending",
                        "fired_at": d.due_at if past else None,
                        "outcome": "setup" if past else None,
                    }
                )
            if i % 10_000 == 0 or i == clocks:
                for table, chunk in rows.items():
                    conn.execute(insert(table), chunk)
                    chunk.clear()
        conn.commit()
    return baton, clock


class Observed:
    """A job wrapper: the job itself, plus when each busy round of it ended on the bench clock
    and (optionally) a profile."""

    def __init__(self, job, clock: RunningClock, profiler: cProfile.Profile | None) -> None:
        self.job, self.clock, self.profiler = job, clock, profiler
        self.spans: list[
            tuple[datetime, datetime]
        ] = []  # (the round's `now`, bench clock at its end) for rounds that did work
        self.busy: list[tuple[int, float]] = []  # (timers handled, seconds)
        self.calls, self.seconds = 0, 0.0  # every call, busy or not
        self.__name__ = getattr(job, "__name__", type(job).__name__)

    def __call__(self, baton: Baton, now: datetime) -> int:
        self.calls += 1
        started = time.perf_counter()
        if self.profiler:
            self.profiler.enable()
        try:
            done = self.job(baton, now)
        finally:
            if self.profiler:
                self.profiler.disable()
        self.seconds += time.perf_counter() - started
        if done:
            self.spans.append((now, self.clock.now()))
            self.busy.append((done, time.perf_counter() - started))
        return done


class FixedPollWorker(Worker):
    """Baseline: the same loop and jobs, sleeping the whole ``idle_seconds`` after an idle round."""

    def _idle_wait(self) -> float:
        return self.idle_seconds


@dataclass
class Window:
    due: int  # misses due in the window
    recorded: list[float]  # fired_at - due_at
    visible: list[float]  # round end - due_at
    unfired: int
    rounds: int  # worker rounds in the phase (heartbeat calls)
    job_seconds: dict[str, float]  # wall time spent in each job over the phase
    busy: list[tuple[int, float]]
    cpu: float  # process CPU / wall over the phase
    wall: float


def serve_worker(
    baton: Baton, clock: RunningClock, kind: type[Worker], profiler: cProfile.Profile | None
) -> tuple[Worker, Observed, list[Observed]]:
    """``kind(baton)`` with ``default_jobs()`` — what `baton serve` starts — each job observed."""
    jobs = [Observed(job, clock, profiler) for job in default_jobs()]
    timer_job = next(j for j in jobs if j.job is fire_due_timers)
    return kind(baton, jobs=jobs), timer_job, jobs


def measure(
    baton: Baton,
    clock: RunningClock,
    kind: type[Worker],
    window: tuple[datetime, datetime],
    profiler,
) -> Window:
    worker, timer_job, jobs = serve_worker(baton, clock, kind, profiler)
    cpu, wall = time.process_time(), time.monotonic()
    worker.start()
    _sleep_until(clock, window[1] + timedelta(seconds=GRACE))
    worker.stop()
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    for job in jobs:
        getattr(job.job, "close", lambda: None)()
    starts = [s for s, _ in timer_job.spans]
    recorded, visible, unfired = [], [], 0
    with baton.db.read() as conn:
        rows = conn.execute(
            select(timers.c.due_at, timers.c.fired_at, timers.c.state).where(
                timers.c.key == "miss", timers.c.due_at >= window[0], timers.c.due_at < window[1]
            )
        ).all()
    for r in rows:
        if r.state != "fired":
            unfired += 1
            continue
        recorded.append((r.fired_at - r.due_at).total_seconds())
        at = (
            bisect.bisect_right(starts, r.fired_at) - 1
        )  # the round that fired it: its `now` <= fired_at <= its end
        if at >= 0 and r.fired_at <= timer_job.spans[at][1]:
            visible.append((timer_job.spans[at][1] - r.due_at).total_seconds())
    return Window(
        len(rows),
        recorded,
        visible,
        unfired,
        jobs[0].calls,
        {j.__name__: j.seconds for j in jobs},
        timer_job.busy,
        cpu / wall,
        wall,
    )


def idle_cpu(baton: Baton, kind: type[Worker], seconds: float) -> float:
    worker = kind(baton)  # default jobs, as serve
    worker.start()
    time.sleep(1.0)  # past the first round
    cpu, wall = time.process_time(), time.monotonic()
    time.sleep(seconds)
    used = (time.process_time() - cpu) / (time.monotonic() - wall)
    worker.stop()
    return used


def _sleep_until(clock: RunningClock, at: datetime) -> None:
    time.sleep(max(0.0, (at - clock.now()).total_seconds()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument(
        "--spread",
        type=float,
        default=3600.0,
        help="miss deadlines spread uniformly over this many seconds",
    )
    parser.add_argument("--window", type=float, default=20.0, help="seconds per measured window")
    parser.add_argument(
        "--runs", type=int, default=3, help="windows per loop (medians are over these)"
    )
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of each idle CPU window")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the serve worker's jobs during its windows"
    )
    args = parser.parse_args()
    print(machine())
    first_due = BASE + timedelta(
        seconds=2 * (args.idle + 1) + 10
    )  # nothing is due before: the idle phase is idle
    needed = args.runs * 2 * (WARM + args.window + GRACE) + 10
    if needed > args.spread:
        parser.error(
            f"--spread {args.spread:.0f} s is shorter than the measurement ({needed:.0f} s)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        baton, clock = setup(Path(tmp), args.clocks, args.spread, first_due)
        print(
            f"setup: {args.clocks:,} open clocks, {args.clocks * 5:,} timers, "
            f"miss deadlines over {args.spread:,.0f} s "
            f"(~{args.clocks / args.spread:.1f} misses/s, "
            f"~{3 * args.clocks / args.spread:.0f} timers/s with notices and the miss) "
            f"in {time.perf_counter() - t0:.1f} s; SQLite WAL; "
            f"Worker idle_seconds {Worker.idle_seconds:.2f}"
        )
        clock.start(BASE)
        idle = {kind: idle_cpu(baton, kind, args.idle) for kind in (Worker, FixedPollWorker)}
        profiler = cProfile.Profile() if args.profile else None
        results: dict[type[Worker], list[Window]] = {Worker: [], FixedPollWorker: []}
        _sleep_until(clock, first_due - timedelta(seconds=WARM))
        for _ in range(args.runs):
            for kind in (Worker, FixedPollWorker):
                start = clock.now() + timedelta(seconds=WARM)
                window = (start, start + timedelta(seconds=args.window))
                results[kind].append(
                    measure(baton, clock, kind, window, profiler if kind is Worker else None)
                )
        report(args, idle, results, profiler)
        baton.close()


def report(args, idle: dict, results: dict[type[Worker], list[Window]], profiler) -> None:
    def p(values: list[list[float]], q: float) -> float:
        return median([percentile(v, q) for v in values if v]) if any(values) else float("nan")

    def line(name: str, per_window: list[list[float]]) -> str:
        worst = max((max(v) for v in per_window if v), default=float("nan"))
        return (
            f"    {name:<40} p50 {p(per_window, 50) * 1000:6.0f} ms   "
            f"p99 {p(per_window, 99) * 1000:6.0f} ms   max {worst * 1000:6.0f} ms"
        )

    print(
        f"runs: {args.runs} windows of {args.window:.0f} s per loop, serve and baseline "
        "alternating; p50/p99 are medians over the windows, max over all"
    )
    print(
        f"idle CPU (process CPU / wall over {args.idle:.0f} s, {args.clocks:,} open clocks, "
        "nothing due): "
        f"serve {idle[Worker]:.2%} of one core, baseline {idle[FixedPollWorker]:.2%}"
    )
    titles = {
        Worker: (
            "serve: Worker(baton) as `baton serve` runs it, sleeps until the next due timer "
            "(goal: p99 <= 1 s)"
        ),
        FixedPollWorker: "baseline: the same Worker and jobs, fixed idle sleep",
    }
    for kind, windows in results.items():
        print(
            f"  {titles[kind]}: {sum(w.due for w in windows):,} misses due, "
            f"{sum(w.unfired for w in windows)} not fired {GRACE:.0f} s after their window"
        )
        print(line("miss recorded late (fired_at - due_at)", [w.recorded for w in windows]))
        print(line("miss visible late (round end - due_at)", [w.visible for w in windows]))
        busy = [b for w in windows for b in w.busy]
        done, spent, wall = (
            sum(n for n, _ in busy),
            sum(t for _, t in busy),
            sum(w.wall for w in windows),
        )
        print(
            f"    {sum(w.rounds for w in windows) / wall:.1f} rounds/s; "
            f"{len(busy)} rounds fired {done:,} timers (notices and misses), "
            f"{spent / max(done, 1) * 1000:.2f} ms per timer, "
            f"{spent / max(len(busy), 1) * 1000:.1f} ms per busy round; "
            f"process CPU {median([w.cpu for w in windows]):.0%} of one core"
        )
        rounds = sum(w.rounds for w in windows)
        print(
            "    per round: "
            + ", ".join(
                f"{name} {sum(w.job_seconds[name] for w in windows) / rounds * 1000:.2f} ms"
                for name in windows[0].job_seconds
            )
            + "; time in jobs "
            + f"{sum(sum(w.job_seconds.values()) for w in windows) / wall:.0%} of the phase"
        )
    ratio = p([w.recorded for w in results[Worker]], 99) / p(
        [w.recorded for w in results[FixedPollWorker]], 99
    )
    print(f"  serve / baseline, p99 recorded: {ratio:.2f}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(r"baton[/\\](services|domain|store)", 20)  # Baton's own functions
        stats.sort_stats("tottime").print_stats(15)  # and everything, SQLAlchemy included
        print(out.getvalue())


if __name__ == "__main__":
    main()
