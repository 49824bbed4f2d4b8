"""Property tests: the business calendar against a brute-force minute walk.

The reference below knows nothing of chunks, merging or bisecting: it decides
for every whole minute whether some window that opened on a nearby local date
covers it, then walks minute by minute. Inputs are minute-aligned and every
zone used has whole-minute offsets, so the walk is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from baton.domain import calendar as calendar_module
from baton.domain.calendar import BusinessCalendar, HolidaySet

MINUTE = timedelta(minutes=1)
ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC"]
COUNTRIES = [(), (("US", None),), (("DE", "BY"),), (("AU", "NSW"),), (("US", None), ("DE", "BY"))]
# Starts cluster around DST changes in the zones above, a year end and a
# boundary of the calendar's internal chunks, where mistakes would hide.
ANCHORS = [
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),  # New York
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # Berlin
    datetime(2026, 4, 4, 16, tzinfo=UTC),
    datetime(2026, 10, 3, 16, tzinfo=UTC),  # Sydney
    datetime(2026, 12, 31, 12, tzinfo=UTC),
    datetime(2026, 6, 10, 12, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=57 * calendar_module._CHUNK_US),
]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Spec:
    """One random calendar, handed to both implementations."""

    zone: str
    weekly: dict[int, list[tuple[time, time]]]
    countries: tuple[tuple[str, str | None], ...]
    closed: frozenset[date]
    special: dict[date, tuple[tuple[time, time], ...]]

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            self.zone, self.weekly, HolidaySet(self.countries, self.closed, self.special)
        )

    def weekly_open_minutes(self) -> int:
        return sum(
            (_minute(c) - _minute(o)) % 1440 or 1440 for ws in self.weekly.values() for o, c in ws
        )


def _minute(t: time) -> int:
    return t.hour * 60 + t.minute


class MinuteWalk:
    """Brute-force reference: one whole minute at a time."""

    def __init__(self, spec: Spec) -> None:
        self.spec, self.zone = spec, ZoneInfo(spec.zone)
        self._open_by_day: dict[date, set[int]] = {}

    def _open_minutes(self, day: date) -> set[int]:
        """Epoch minutes covered by the windows that open on local ``day``."""
        if day not in self._open_by_day:
            spec = self.spec
            if day in spec.special:
                windows = spec.special[day]
            elif day in spec.closed or any(
                day in holidays.country_holidays(c, subdiv=s, years=day.year)
                for c, s in spec.countries
            ):
                windows = ()
            else:
                windows = spec.weekly.get(day.weekday(), ())
            minutes: set[int] = set()
            for opens, closes in windows:
                end_day = day + timedelta(days=1) if closes <= opens else day
                start = datetime.combine(day, opens, tzinfo=self.zone).timestamp() // 60
                end = datetime.combine(end_day, closes, tzinfo=self.zone).timestamp() // 60
                minutes.update(range(int(start), int(end)))
            self._open_by_day[day] = minutes
        return self._open_by_day[day]

    def is_open(self, t: datetime) -> bool:
        minute = int(t.timestamp() // 60)
        local_day = t.astimezone(self.zone).date()
        return any(minute in self._open_minutes(local_day - timedelta(days=k)) for k in (0, 1))

    def add(self, t: datetime, d: timedelta) -> datetime:
        left = d // MINUTE
        while left:
            left -= self.is_open(t)
            t += MINUTE
        return t

    def between(self, a: datetime, b: datetime) -> timedelta:
        if b < a:
            return -self.between(b, a)
        count = 0
        while a < b:
            count += self.is_open(a)
            a += MINUTE
        return count * MINUTE

    def next_open(self, t: datetime) -> datetime:
        while not self.is_open(t):
            t += MINUTE
        return t


def _time(minute: int) -> time:
    return time(minute // 60 % 24, minute % 60)


@st.composite
def day_windows(draw) -> list[tuple[time, time]]:
    """0-3 non-overlapping windows; the last may run past midnight (end <= start)."""
    n = draw(st.integers(0, 3))
    points = sorted(draw(st.sets(st.integers(0, 1439), min_size=2 * n, max_size=2 * n)))
    windows = [(points[2 * i], points[2 * i + 1]) for i in range(n)]
    if windows and draw(st.booleans()):
        windows[-1] = (windows[-1][0], draw(st.integers(0, windows[-1][0])))
    return [(_time(o), _time(c)) for o, c in windows]


near_anchor_dates = st.builds(
    lambda a, k: a.date() + timedelta(days=k), st.sampled_from(ANCHORS), st.integers(-3, 8)
)


@st.composite
def specs(draw) -> Spec:
    weekly = {d: draw(day_windows()) for d in range(7)}
    assume(any(weekly.values()))
    special = draw(st.dictionaries(near_anchor_dates, day_windows().map(tuple), max_size=3))
    closed = draw(st.frozensets(near_anchor_dates, max_size=4)) - special.keys()
    return Spec(
        draw(st.sampled_from(ZONES)), weekly, draw(st.sampled_from(COUNTRIES)), closed, special
    )


minute_instants = st.builds(
    lambda a, m: a + m * MINUTE, st.sampled_from(ANCHORS), st.integers(-4 * 1440, 4 * 1440)
)
any_instants = st.builds(
    lambda a, us: a + timedelta(microseconds=us),
    st.sampled_from(ANCHORS),
    st.integers(-4 * 86_400 * 10**6, 4 * 86_400 * 10**6),
)
micro_durations = st.integers(0, 3 * 86_400 * 10**6).map(lambda us: timedelta(microseconds=us))


def minute_duration(spec: Spec, data: st.DataObject) -> timedelta:
    """Up to 3 days, scaled so a sparse calendar's walk stays a few weeks long."""
    limit = min(3 * 1440, 2 * spec.weekly_open_minutes())
    return data.draw(st.integers(0, limit)) * MINUTE


# --- against the reference -------------------------------------------------------


@FAST
@given(spec=specs(), start=minute_instants, data=st.data())
def test_add_agrees_with_minute_walk(spec, start, data):
    d = minute_duration(spec, data)
    assert spec.calendar().add(start, d) == MinuteWalk(spec).add(start, d)


@FAST
@given(spec=specs(), a=minute_instants, span=st.integers(-3 * 1440, 3 * 1440))
def test_between_agrees_with_minute_walk(spec, a, span):
    b = a + span * MINUTE
    assert spec.calendar().between(a, b) == MinuteWalk(spec).between(a, b)


@FAST
@given(spec=specs(), t=minute_instants)
def test_is_open_and_next_open_agree_with_minute_walk(spec, t):
    cal, ref = spec.calendar(), MinuteWalk(spec)
    assert cal.is_open(t) == ref.is_open(t)
    assert cal.next_open(t) == ref.next_open(t)


@FAST
@given(spec=specs(), a=minute_instants, span=st.integers(-400 * 1440, 400 * 1440))
def test_between_on_microsecond_integers_is_between(spec, a, span):
    """What the dashboard's mirror measures each lead with, over spans up to more than a year
    either way."""
    b = a + span * MINUTE
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    us = lambda t: (t - epoch) // timedelta(microseconds=1)  # noqa: E731
    cal = spec.calendar()
    assert timedelta(microseconds=cal.between_us(us(a), us(b))) == cal.between(a, b)


# --- algebra, at microsecond resolution ---------------------------------------------


@FAST
@given(spec=specs(), a=any_instants, d=micro_durations)
def test_between_start_and_add_is_the_duration(spec, a, d):
    cal = spec.calendar()
    assert cal.between(a, cal.add(a, d)) == d


@FAST
@given(spec=specs(), a=any_instants, d1=micro_durations, d2=micro_durations)
def test_add_is_monotonic_in_duration(spec, a, d1, d2):
    cal = spec.calendar()
    d1, d2 = sorted((d1, d2))
    assert cal.add(a, d1) <= cal.add(a, d2)


@FAST
@given(spec=specs(), a1=any_instants, a2=any_instants, d=micro_durations)
def test_add_is_monotonic_in_start(spec, a1, a2, d):
    cal = spec.calendar()
    a1, a2 = sorted((a1, a2))
    assert cal.add(a1, d) <= cal.add(a2, d)


@FAST
@given(spec=specs(), a=any_instants, d1=micro_durations, d2=micro_durations)
def test_add_is_additive_from_an_open_instant(spec, a, d1, d2):
    cal = spec.calendar()
    a = cal.next_open(a)
    assert cal.add(cal.add(a, d1), d2) == cal.add(a, d1 + d2)


@FAST
@given(spec=specs(), a=any_instants, b=any_instants, c=any_instants)
def test_between_is_additive_over_a_split_point(spec, a, b, c):
    cal = spec.calendar()
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)


@FAST
@given(spec=specs(), a=any_instants, b=any_instants)
def test_open_intervals_are_open_disjoint_and_sum_to_between(spec, a, b):
    cal = spec.calendar()
    intervals = list(cal.open_intervals(a, b))
    assert sum((e - s for s, e in intervals), timedelta(0)) == max(cal.between(a, b), timedelta(0))
    for (_, e), (next_s, _) in pairwise(intervals):
        assert e < next_s and not cal.is_open(e)
    assert all(cal.is_open(s) and cal.is_open(e - timedelta(microseconds=1)) for s, e in intervals)
