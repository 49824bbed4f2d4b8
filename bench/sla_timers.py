"""How late the worker records an SLA miss after its exact deadline, with 100,000 open
clocks, and how much CPU the worker uses while idle.

Setup (SQLite, temp workspace from the init template, applied and activated): CLOCKS
leads, one pending 'hand-raiser' clock each (30 min, calendar 24/7 so deadlines are
spread evenly in real time) and its timers as ``domain.sla.schedule`` plans them
(notices at 50/80 %, the miss, escalations 1–3), bulk-inserted; timers already past
at the start are stored as fired. Miss deadlines are spread uniformly over the next
SPREAD seconds. The bench clock runs in real time from the moment setup ends, so
the store sees a live system.

Phases, in one process:
1. idle: the real ``services.worker.Worker`` loop (default idle sleep, as `baton
   serve` runs it) with only ``fire_due_timers`` as its job, while nothing is due:
   process CPU time / wall time over IDLE seconds.
2. worker: the same loop while misses fall due, RUNS consecutive windows of WINDOW
   seconds; per window p50/p99 of ``fired_at - due_at`` of the miss timers (what the
   store records) and of ``round end - due_at`` (an upper bound of when the commit
   was visible). Misses not fired by the end of the phase are reported.
3. experiment (not what serve does): the same job in a loop whose idle sleep ends when
   the next pending timer falls due (capped at the idle sleep) — what that change to
   the worker would buy.
4. baseline: a bare loop of the same shape as the Worker that only polls the timers
   table for due misses (no firing) — the floor the polling interval alone sets.

    .venv/bin/python bench/sla_timers.py [--clocks 100000] [--spread 3600] [--window 20] [--runs 3] [--idle 10] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median, percentile  # noqa: E402

from baton.bootstrap import Baton, open_baton  # noqa: E402
from baton.domain.sla import ClockInput, schedule  # noqa: E402
from baton.services.sla import ALWAYS_OPEN, load_sla  # noqa: E402
from baton.services.sla_timers import fire_due_timers  # noqa: E402
from baton.services.versions import activate_version, apply_workspace  # noqa: E402
from baton.services.worker import Worker  # noqa: E402
from baton.settings import Settings  # noqa: E402
from baton.store.db import sqlite_url  # noqa: E402
from baton.store.tables import leads, sla_clocks, timers  # noqa: E402
from baton.workspace.loader import load_workspace  # noqa: E402
from baton.workspace.scaffold import write_template  # noqa: E402

BASE = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # the bench's "now" when setup ends
LEAD_IN = timedelta(seconds=15)  # first deadline this long after the idle phase starts
OWNERS = ("sam-ortiz", "priya-nair")


class RunningClock:
    """Real time, shifted so that ``start()`` makes it read ``at``."""

    def __init__(self, at: datetime) -> None:
        self.at, self.started = at, time.monotonic()

    def start(self, at: datetime) -> None:
        self.at, self.started = at, time.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.started)


def setup(directory: Path, clocks: int, spread: float, idle: float) -> tuple[Baton, RunningClock]:
    write_template(directory)
    clock = RunningClock(BASE)
    baton = open_baton(Settings(workspace=directory, database_url=sqlite_url(directory / ".baton" / "baton.db"), public_url="http://bench"), clock=clock)
    applied = apply_workspace(baton.db, load_workspace(directory), "bench", BASE - timedelta(days=1))
    activate_version(baton.db, applied.number, "bench", BASE - timedelta(days=1))
    first_due = BASE + timedelta(seconds=idle) + LEAD_IN  # nothing is due before: the idle phase is idle
    with baton.db.write() as conn:
        live = load_sla(conn)
        rule = live.rule("hand-raiser")
        rnd = random.Random(7)
        rows: dict = {leads: [], sla_clocks: [], timers: []}
        for i in range(1, clocks + 1):
            due = first_due + timedelta(seconds=rnd.uniform(0, spread))
            started, owner = due - rule.policy.threshold, OWNERS[i % 2]
            plan = schedule(rule.policy, ALWAYS_OPEN, ClockInput(started, owner))
            rows[leads].append({"id": i, "email": f"lead{i}@bench.example", "company": f"Co {i % 997}", "lead_type": "demo-request",
                                "status": "new", "owner_id": owner, "engaged_at": started, "received_at": started, "assigned_at": started,
                                "is_test": False, "override_owner": False, "extra": {}, "source_system": "", "created_at": started, "updated_at": started})
            rows[sla_clocks].append({"id": i, "lead_id": i, "rule": rule.name, "version": live.version, "owner_id": owner, "calendar": ALWAYS_OPEN.name,
                                     "started_at": started, "elapsed_before_seconds": 0, "pauses": [], "state": "pending",
                                     "due_at": next(d.due_at for d in plan if d.key == "miss"), "created_at": started, "updated_at": started})
            for d in plan:  # what already fell due is stored as fired, as a worker would have left it
                past = d.due_at < first_due
                rows[timers].append({"clock_id": i, "key": d.key, "due_at": d.due_at, "state": "fired" if past else "pending",
                                     "fired_at": d.due_at if past else None, "outcome": "setup" if past else None})
            if i % 10_000 == 0 or i == clocks:
                for table, chunk in rows.items():
                    conn.execute(insert(table), chunk)
                    chunk.clear()
        conn.commit()
    return baton, clock


class Rounds:
    """A worker job that runs ``fire_due_timers`` and remembers when each round ended."""

    def __init__(self, profile: bool) -> None:
        self.ended: dict[datetime, float] = {}  # the round's `now` → wall time (monotonic) at its end
        self.busy: list[tuple[int, float]] = []  # (timers handled, seconds) for rounds that did work
        self.profiler = cProfile.Profile() if profile else None
        self.cpu: float | None = None
        self.__name__ = "fire_due_timers"

    def __call__(self, baton: Baton, now: datetime) -> int:
        started = time.perf_counter()
        if self.profiler:
            self.profiler.enable()
        done = fire_due_timers(baton, now)
        if self.profiler:
            self.profiler.disable()
        self.ended[now] = time.monotonic()
        if done:
            self.busy.append((done, time.perf_counter() - started))
        return done


def idle_cpu(baton: Baton, clock: RunningClock, seconds: float) -> float:
    worker = Worker(baton, jobs=[Rounds(False)])
    worker.start()
    time.sleep(1.0)  # past the first round
    cpu, wall = time.process_time(), time.monotonic()
    time.sleep(seconds)
    used = (time.process_time() - cpu) / (time.monotonic() - wall)
    worker.stop()
    return used


def worker_phase(baton: Baton, clock: RunningClock, windows: list[tuple[datetime, datetime]], profile: bool) -> tuple[list, Rounds]:
    """``services.worker.Worker`` as `baton serve` runs it: a round, then the idle sleep when it did nothing."""
    rounds = Rounds(profile)
    worker = Worker(baton, jobs=[rounds])
    worker.start()
    _sleep_until(clock, windows[-1][1] + timedelta(seconds=3))
    worker.stop()
    return _lateness(baton, clock, windows, rounds), rounds


def next_due_phase(baton: Baton, clock: RunningClock, windows: list[tuple[datetime, datetime]], idle_seconds: float) -> tuple[list, Rounds]:
    """Experiment, not what serve does: the same job, but an idle loop sleeps only until the next
    pending timer is due (capped at the idle sleep), read from the (state, due_at) index."""
    rounds = Rounds(False)
    stop_at = windows[-1][1] + timedelta(seconds=3)
    cpu, wall = time.process_time(), time.monotonic()
    while clock.now() < stop_at:
        if rounds(baton, clock.now()) == 0:
            with baton.db.read() as conn:
                next_due = conn.execute(select(func.min(timers.c.due_at)).where(timers.c.state == "pending")).scalar()
            wait = idle_seconds if next_due is None else (next_due - clock.now()).total_seconds()
            time.sleep(min(idle_seconds, max(wait, 0.0)))
    rounds.cpu = (time.process_time() - cpu) / (time.monotonic() - wall)
    return _lateness(baton, clock, windows, rounds), rounds


def _lateness(baton: Baton, clock: RunningClock, windows: list[tuple[datetime, datetime]], rounds: Rounds) -> list:
    """Per window: (misses due, fired_at - due_at of each, round end - due_at of each, misses not fired)."""
    results = []
    with baton.db.read() as conn:
        for start, end in windows:
            rows = conn.execute(select(timers.c.due_at, timers.c.fired_at, timers.c.state)
                                .where(timers.c.key == "miss", timers.c.due_at >= start, timers.c.due_at < end)).all()
            fired = [r for r in rows if r.state == "fired"]
            recorded = [(r.fired_at - r.due_at).total_seconds() for r in fired]
            visible = [(rounds.ended[r.fired_at] - _mono(clock, r.due_at)) for r in fired if r.fired_at in rounds.ended]
            results.append((len(rows), recorded, visible, len(rows) - len(fired)))
    return results


def baseline_phase(baton: Baton, clock: RunningClock, windows: list[tuple[datetime, datetime]], idle_seconds: float) -> list[list[float]]:
    """The same loop shape, polling for due misses without firing them: lateness = first poll that saw it."""
    seen: dict[int, float] = {}
    last = [windows[0][0]]

    def poll(b: Baton, now: datetime) -> int:
        with b.db.read() as conn:
            rows = conn.execute(select(timers.c.id, timers.c.due_at).where(
                timers.c.state == "pending", timers.c.key == "miss", timers.c.due_at > last[0], timers.c.due_at <= now)).all()
        for r in rows:
            seen[r.id] = (now - r.due_at).total_seconds()
        last[0] = max([last[0], *(r.due_at for r in rows)])
        return 0

    worker = Worker(baton, jobs=[poll], idle_seconds=idle_seconds)
    worker.start()
    _sleep_until(clock, windows[-1][1] + timedelta(seconds=2))
    worker.stop()
    with baton.db.read() as conn:
        due = {r.id: r.due_at for r in conn.execute(select(timers.c.id, timers.c.due_at).where(
            timers.c.key == "miss", timers.c.due_at >= windows[0][0], timers.c.due_at < windows[-1][1]))}
    return [[seen[i] for i, at in due.items() if start <= at < end and i in seen] for start, end in windows]


def _mono(clock: RunningClock, at: datetime) -> float:
    return clock.started + (at - clock.at).total_seconds()


def _sleep_until(clock: RunningClock, at: datetime) -> None:
    time.sleep(max(0.0, (at - clock.now()).total_seconds()))


def _windows(start: datetime, seconds: float, runs: int) -> list[tuple[datetime, datetime]]:
    return [(start + timedelta(seconds=i * seconds), start + timedelta(seconds=(i + 1) * seconds)) for i in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--spread", type=float, default=3600.0, help="miss deadlines spread uniformly over this many seconds")
    parser.add_argument("--window", type=float, default=20.0, help="seconds per measured window")
    parser.add_argument("--runs", type=int, default=3, help="windows per phase (medians are over these)")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of the idle CPU window")
    parser.add_argument("--profile", action="store_true", help="cProfile the worker job during the worker phase")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        baton, clock = setup(Path(tmp), args.clocks, args.spread, args.idle)
        print(f"setup: {args.clocks:,} open clocks, {args.clocks * 6:,} timers, miss deadlines over {args.spread:,.0f} s "
              f"(~{args.clocks / args.spread:.1f} misses/s, ~{4 * args.clocks / args.spread:.0f} timers/s with notices and tier 1) "
              f"in {time.perf_counter() - t0:.1f} s; SQLite WAL; Worker idle sleep {Worker.idle_seconds:.2f} s")
        clock.start(BASE)
        cpu = idle_cpu(baton, clock, args.idle)
        first_due = BASE + timedelta(seconds=args.idle) + LEAD_IN
        _sleep_until(clock, first_due - timedelta(seconds=1))
        windows = _windows(first_due, args.window, args.runs)
        worker = worker_phase(baton, clock, windows, args.profile)
        windows = _windows(windows[-1][1] + timedelta(seconds=5), args.window, args.runs)  # starts at once: no backlog
        next_due = next_due_phase(baton, clock, windows, Worker.idle_seconds)
        windows = _windows(windows[-1][1] + timedelta(seconds=5), args.window, args.runs)
        _sleep_until(clock, windows[0][0] - timedelta(seconds=1))
        baseline = baseline_phase(baton, clock, windows, Worker.idle_seconds)
        report(args, cpu, worker, next_due, baseline)
        baton.close()


def report(args, cpu: float, worker: tuple[list, Rounds], next_due: tuple[list, Rounds], baseline: list[list[float]]) -> None:
    def line(name: str, per_window: list[list[float]]) -> str:
        p50 = median([percentile(v, 50) for v in per_window if v])
        p99 = median([percentile(v, 99) for v in per_window if v])
        worst = max((max(v) for v in per_window if v), default=float("nan"))
        return f"  {name:<46} p50 {p50 * 1000:6.0f} ms   p99 {p99 * 1000:6.0f} ms   max {worst * 1000:6.0f} ms"

    print(f"runs: {args.runs} windows of {args.window:.0f} s per phase; p50/p99 are medians over the windows, max over all")
    print(f"idle worker CPU (process CPU / wall over {args.idle:.0f} s, {args.clocks:,} open clocks, nothing due): {cpu:.2%} of one core")
    for title, (results, rounds) in (("Worker loop as `baton serve` runs it (goal: p99 <= 1 s)", worker),
                                     ("experiment: same job, idle loop sleeps until the next due timer (<= 1 s)", next_due)):
        print(f"{title}: {sum(r[0] for r in results):,} misses due, {sum(r[3] for r in results)} not fired by the end")
        print(line("miss recorded late (fired_at - due_at)", [r[1] for r in results]))
        print(line("miss visible late (round end - due_at)", [r[2] for r in results]))
        done, busy = sum(n for n, _ in rounds.busy), sum(t for _, t in rounds.busy)
        if done:
            print(f"  {len(rounds.busy)} busy rounds, {done:,} timers fired (notices, misses, tier 1), {busy / done * 1000:.2f} ms per timer, "
                  f"busy {busy / (args.runs * args.window + 3):.0%} of the phase" + (f", process CPU {rounds.cpu:.0%}" if rounds.cpu is not None else ""))
    print("baseline: bare loop of the same shape that only polls for due misses (the polling floor)")
    print(line("seen late (poll time - due_at)", baseline))
    profiler = worker[1].profiler
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(r"baton[/\\](services|domain|store)", 16)  # Baton's own functions
        stats.print_stats(12)  # and everything, SQLAlchemy included
        print(out.getvalue())


if __name__ == "__main__":
    main()
