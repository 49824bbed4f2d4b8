"""Bench: business-time add() and between() against businesstimedelta.

Run: .venv/bin/python bench/calendar_ops.py  (needs the `bench` extra:
.venv/bin/pip install -e '.[bench]'). Same cases for both libraries: a
09:00-17:00 weekday calendar in America/New_York with US holidays, minute-aligned
starts over 2026 (a fifth of them in the two DST weeks), durations 5 min - 3 days.
"""

from __future__ import annotations

import math
import random
import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta
from importlib.metadata import version
from zoneinfo import ZoneInfo

import holidays
from conditions import machine

from baton.domain.calendar import BusinessCalendar, HolidaySet

CASES, RUNS, SAMPLE, SEED = 3000, 5, 20, 2026
NY = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)
US_HOLIDAYS = holidays.country_holidays("US")
DST_WEEKS = [datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 10, 29, tzinfo=UTC)]


def make_cases() -> list[tuple[datetime, timedelta]]:
    rng = random.Random(SEED)
    cases = []
    for i in range(CASES):
        if i % 5 == 0:  # a fifth of the starts fall in the week around a DST change
            start = rng.choice(DST_WEEKS) + rng.randrange(10 * 1440) * MINUTE
        else:
            start = datetime(2026, 1, 1, tzinfo=UTC) + rng.randrange(365 * 1440) * MINUTE
        minutes = round(math.exp(rng.uniform(math.log(5), math.log(3 * 1440))))  # log-uniform
        cases.append((start, minutes * MINUTE))
    return cases


def ours() -> BusinessCalendar:
    weekdays = {d: [(time(9), time(17))] for d in range(5)}
    return BusinessCalendar("America/New_York", weekdays, HolidaySet(countries=(("US", None),)))


def peer():
    """The same calendar in businesstimedelta: WorkDayRule + HolidayRule(holidays.US)."""
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone("America/New_York")
    rules = btd.Rules(
        [
            btd.WorkDayRule(time(9), time(17), [0, 1, 2, 3, 4], tz=tz),
            btd.HolidayRule(US_HOLIDAYS, tz=tz),
        ]
    )
    return (
        lambda a, d: a + btd.BusinessTimeDelta(rules, timedelta=d),
        lambda a, b: rules.difference(a, b).timedelta,
    )


def ops_per_second(fn, args) -> float:
    """Median over RUNS timed passes of at least ~0.2 s each, after an untimed pass (warms
    caches)."""
    t0 = clock.perf_counter()
    for a in args:
        fn(*a)
    reps = max(1, round(0.2 / (clock.perf_counter() - t0)))
    rates = []
    for _ in range(RUNS):
        t0 = clock.perf_counter()
        for _ in range(reps):
            for a in args:
                fn(*a)
        rates.append(reps * len(args) / (clock.perf_counter() - t0))
    return statistics.median(rates)


def walk_open(t: datetime) -> bool:
    local = t.astimezone(NY)
    return local.weekday() < 5 and local.date() not in US_HOLIDAYS and 9 <= local.hour < 17


def walk_add(t: datetime, d: timedelta) -> datetime:
    """Brute force, one minute at a time (exact: inputs are minute-aligned)."""
    left = d // MINUTE
    while left:
        left -= walk_open(t)
        t += MINUTE
    return t


def walk_between(a: datetime, b: datetime) -> timedelta:
    return sum((walk_open(a + i * MINUTE) for i in range((b - a) // MINUTE)), 0) * MINUTE


def judge(name, args, our_fn, peer_fn, walk_fn) -> str:
    """Count disagreements; check a sample of them (or of all cases, if none) by minute walk."""
    differ = [a for a in args if our_fn(*a) != peer_fn(*a)]
    pool, what = (differ, "of them") if differ else (args, "random cases")
    sample = random.Random(SEED).sample(pool, min(SAMPLE, len(pool)))
    ours_right = sum(our_fn(*a) == walk_fn(*a) for a in sample)
    peer_right = sum(peer_fn(*a) == walk_fn(*a) for a in sample)
    line = (
        f"{name}: businesstimedelta disagrees with baton on {len(differ)}/{len(args)} cases; "
        f"minute walk on {len(sample)} {what}: baton right {ours_right}, "
        f"businesstimedelta right {peer_right}"
    )
    if differ:
        a = sample[0]
        line += (
            f"\n  e.g. {name}{tuple(str(x) for x in a)}: baton {our_fn(*a)}, "
            f"peer {peer_fn(*a)}, walk {walk_fn(*a)}"
        )
    return line


def edge_probes(cal: BusinessCalendar, peer_between) -> list[str]:
    """Inputs outside the minute-aligned case set, where the libraries' contracts differ."""
    a = datetime(2026, 2, 10, 14, 0, 0, 1, tzinfo=UTC)  # 09:00:00.000001 in New York
    b, c = datetime(2026, 2, 10, 15, tzinfo=UTC), datetime(2026, 2, 9, 15, tzinfo=UTC)
    sub_second = (
        f"edge: between(09:00:00.000001, 10:00) baton {show(cal.between(a, b))}, "
        f"businesstimedelta {show(peer_between(a, b))} (drops sub-second time)"
    )
    reversed_ = (
        f"edge: between(later, earlier) baton {show(cal.between(b, c))}, "
        f"businesstimedelta {show(peer_between(b, c))} (unsigned)"
    )
    return [sub_second, reversed_]


def show(td: timedelta) -> str:
    return f"-{-td}" if td < timedelta(0) else str(td)


def main() -> None:
    print(machine())
    print(
        f"baton calendar vs businesstimedelta {version('businesstimedelta')} "
        f"(holidays {version('holidays')}); "
        f"{CASES} cases, ops/s = median of {RUNS} runs of >= 0.2 s"
    )
    print(
        "businesstimedelta can express this calendar (WorkDayRule + HolidayRule over holidays.US); "
        "it has no special hours, and holidays only as whole days"
    )
    cases = make_cases()
    spans = [(a, a + d) for a, d in cases]
    cal, (peer_add, peer_between) = ours(), peer()
    summary = []
    for name, args, our_fn, peer_fn in [
        ("add", cases, cal.add, peer_add),
        ("between", spans, cal.between, peer_between),
    ]:
        mine, theirs = ops_per_second(our_fn, args), ops_per_second(peer_fn, args)
        print(
            f"{name:8} baton {mine:>10,.0f} ops/s   businesstimedelta {theirs:>8,.0f} ops/s   "
            f"ratio {mine / theirs:.1f}x"
        )
        verdict = "met" if mine >= 100_000 else "NOT met"
        summary.append(
            f"summary: {name}: baton {mine:,.0f} ops/s ({1e6 / mine:.1f} µs/op), "
            f"{mine / theirs:.1f}x businesstimedelta; goal >= 100,000 ops/s {verdict}"
        )
        walk = walk_add if name == "add" else walk_between
        summary.append("summary: " + judge(name, args, our_fn, peer_fn, walk))
    print("\n".join(summary + edge_probes(cal, peer_between)))


if __name__ == "__main__":
    main()
