"""Business time: exact, interval-based arithmetic over a calendar's opening hours.

SLA clocks run in business time, so everything here counts real elapsed seconds
inside open windows and jumps over nights, weekends and holidays. Conventions:

* Inputs are timezone-aware datetimes in any zone (a naive one is a ValueError);
  every datetime returned is in UTC. Microseconds are preserved.
* A window ``(open, close)`` is local wall time, half-open: open at ``open``,
  closed again at ``close``. When ``close <= open`` the window runs past
  midnight into the next day (``(22:00, 02:00)``); ``time(0)`` as a close means
  24:00. A window belongs to the local date it opens on: a holiday closes the
  windows that open on it, not the tail of last night's window.
* Windows of one day may not overlap (ValueError); a past-midnight window that
  runs into the next day's hours is merged with them.
* Holidays: a country holiday (with its observed days, as the ``holidays``
  package lists them) or a custom date closes the whole day; ``special_days``
  gives that date's hours instead of the weekly ones, also on a holiday
  (an empty tuple closes it).
* DST: window boundaries resolve through zoneinfo with ``fold=0``. A local time
  in a spring-forward gap maps forward by the gap (02:30 in New York on that
  night is 03:30 EDT); an ambiguous one in a fall-back fold is its first
  occurrence. So 01:00-03:00 on the spring-forward night is one real hour and
  on the fall-back night three. A window whose resolved close is not after its
  open is empty.
* ``add``: a deadline that lands exactly on a closing time stays there (it is
  not moved to the next opening); ``add(t, timedelta(0))`` is ``t`` itself
  (in UTC), even when closed. Negative durations are refused.
* ``between(a, b)`` counts open time in ``[a, b)`` and is negative when b < a.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

__all__ = ["BusinessCalendar", "DayWindows", "HolidaySet", "Window", "check_holiday_country"]

Window = tuple[time, time]
DayWindows = tuple[Window, ...]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY_S = 86_400
# The timeline is cut into 364-day chunks of UTC microseconds; each chunk holds
# its merged open intervals and running totals, so a query is a bisect.
_CHUNK_US = 364 * _DAY_S * 1_000_000
_SEARCH_CHUNKS = 2  # ~2 years without open time: the calendar never opens
_MAX_CACHED_CHUNKS = 64
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def check_holiday_country(country: str, subdivision: str | None = None) -> str | None:
    """None when the ``holidays`` package knows ``country``/``subdivision``, else a message."""
    try:
        holidays_lib.country_holidays(country, subdiv=subdivision)
        return None
    except NotImplementedError:
        pass
    if country not in holidays_lib.list_supported_countries():
        return (
            f"unknown holiday country {country!r} — expected an ISO 3166 code "
            "supported by the holidays package, e.g. US, DE, GB"
        )
    known = holidays_lib.country_holidays(country).subdivisions
    if not known:
        return f"holiday country {country!r} has no subdivisions — leave the subdivision out"
    return (
        f"unknown subdivision {subdivision!r} of holiday country {country!r} — "
        f"expected one of {', '.join(known[:8])}{', …' if len(known) > 8 else ''}"
    )


@lru_cache(maxsize=512)
def _country_closed_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays_lib.country_holidays(country, subdiv=subdivision, years=year))


def _normalize_windows(windows: Iterable[Window], where: str) -> DayWindows:
    """Validate one day's windows: local times, no overlap (past-midnight ends count)."""
    result, spans = [], []
    for window in windows:
        if not (
            isinstance(window, tuple | list)
            and len(window) == 2
            and all(isinstance(t, time) for t in window)
        ):
            raise ValueError(f"{where}: a window is two datetime.time values, got {window!r}")
        opens, closes = window
        if opens.tzinfo or closes.tzinfo:
            raise ValueError(f"{where}: window times are local wall time, without tzinfo")
        opens, closes = opens.replace(fold=0), closes.replace(fold=0)
        start, end = _seconds(opens), _seconds(closes)
        spans.append((start, end + _DAY_S if end <= start else end, window))
        result.append((opens, closes))
    spans.sort(key=lambda span: span[0])
    for (_, end, first), (start, _, second) in pairwise(spans):
        if start < end:
            raise ValueError(
                f"{where}: windows {first[0]}–{first[1]} and {second[0]}–{second[1]} overlap"
            )
    return tuple(sorted(result, key=lambda w: _seconds(w[0])))


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


@dataclass(frozen=True)
class HolidaySet:
    """Days a calendar is closed or keeps special hours.

    ``countries`` are ``(ISO 3166 code, subdivision or None)`` pairs for the
    ``holidays`` package, computed lazily per year; ``dates`` are custom closed
    dates; ``special_days`` maps a date to its hours (half-days), overriding
    the weekly schedule and any country holiday.
    """

    countries: tuple[tuple[str, str | None], ...] = ()
    dates: frozenset[date] = frozenset()
    special_days: Mapping[date, DayWindows] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "countries", tuple((c, s) for c, s in self.countries))
        object.__setattr__(self, "dates", frozenset(self.dates))
        special = {
            day: _normalize_windows(w, day.isoformat()) for day, w in self.special_days.items()
        }
        object.__setattr__(self, "special_days", special)
        problems = [msg for c, s in self.countries if (msg := check_holiday_country(c, s))]
        problems += [
            f"{day.isoformat()} is both a closed date and a special day"
            for day in sorted(self.dates & special.keys())
        ]
        if problems:
            raise ValueError("; ".join(problems))

    def closes(self, day: date) -> bool:
        """Whether ``day`` is a custom closed date or a country holiday."""
        return day in self.dates or any(
            day in _country_closed_dates(country, sub, day.year) for country, sub in self.countries
        )


class _Chunk:
    """Merged open intervals of one stretch of the timeline, in UTC microseconds."""

    __slots__ = ("cum", "cum_end", "ends", "starts", "total")

    def __init__(self, intervals: list[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in intervals]
        self.ends = [e for _, e in intervals]
        self.cum, self.cum_end, running = [], [], 0
        for s, e in intervals:
            self.cum.append(running)
            running += e - s
            self.cum_end.append(running)
        self.total = running

    def position(self, us: int) -> int:
        """Open microseconds in this chunk before instant ``us``."""
        i = bisect_right(self.starts, us) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(us, self.ends[i]) - self.starts[i]


def _to_us(t: datetime) -> int:
    if not isinstance(t, datetime) or t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {t!r}")
    delta = t - _EPOCH
    return (delta.days * _DAY_S + delta.seconds) * 1_000_000 + delta.microseconds


def _td_us(duration: timedelta) -> int:
    return (duration.days * _DAY_S + duration.seconds) * 1_000_000 + duration.microseconds


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _zone(name: str | ZoneInfo) -> ZoneInfo:
    if isinstance(name, ZoneInfo):
        return name
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {name!r} — expected an IANA name such as "
            "'America/New_York' or 'Europe/Berlin'"
        ) from None


class BusinessCalendar:
    """Opening hours in one time zone, with holidays; see the module docstring."""

    def __init__(
        self,
        timezone: str | ZoneInfo,
        weekly: Mapping[int, Iterable[Window]],
        holidays: HolidaySet | None = None,
        name: str = "",
    ) -> None:
        self.timezone = _zone(timezone)
        self.name = name
        self.holidays = holidays if holidays is not None else HolidaySet()
        for weekday in weekly:
            if weekday not in range(7):
                raise ValueError(f"weekday keys are 0 (Monday) to 6 (Sunday), got {weekday!r}")
        self.weekly: dict[int, DayWindows] = {
            day: _normalize_windows(windows, _WEEKDAYS[day]) for day, windows in weekly.items()
        }
        self._chunks: dict[int, _Chunk] = {}

    def __repr__(self) -> str:
        return f"BusinessCalendar(name={self.name!r}, timezone={self.timezone.key!r})"

    def windows_on(self, day: date) -> DayWindows:
        """The local windows that open on ``day``, after holidays and special days."""
        special = self.holidays.special_days.get(day)
        if special is not None:
            return special
        if self.holidays.closes(day):
            return ()
        return self.weekly.get(day.weekday(), ())

    def is_open(self, t: datetime) -> bool:
        """Whether the calendar is open at instant ``t``."""
        us = _to_us(t)
        chunk = self._chunk(us // _CHUNK_US)
        i = bisect_right(chunk.starts, us) - 1
        return i >= 0 and us < chunk.ends[i]

    def next_open(self, t: datetime) -> datetime:
        """``t`` when open, else the start of the next open window (UTC)."""
        us = _to_us(t)
        first = us // _CHUNK_US
        for k in range(first, first + _SEARCH_CHUNKS + 1):
            chunk = self._chunk(k)
            i = bisect_right(chunk.starts, us) - 1
            if i >= 0 and us < chunk.ends[i]:
                return _from_us(us)
            if i + 1 < len(chunk.starts):
                return _from_us(chunk.starts[i + 1])
        raise ValueError(f"calendar {self.name!r} has no open time within two years of {t}")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of business time after ``start`` (UTC)."""
        us = _to_us(start)
        if not isinstance(duration, timedelta):
            raise TypeError(f"duration must be a timedelta, got {duration!r}")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        if not duration:
            return _from_us(us)
        k = us // _CHUNK_US
        chunk = self._chunk(k)
        target = chunk.position(us) + _td_us(duration)
        idle = 0
        while target > chunk.total:
            target -= chunk.total
            idle = idle + 1 if chunk.total == 0 else 0
            if idle > _SEARCH_CHUNKS:
                raise ValueError(f"calendar {self.name!r} has no open time within two years")
            k += 1
            chunk = self._chunk(k)
        # The first interval whose running total reaches the target: lands on
        # a closing time rather than the next opening when exactly used up.
        i = bisect_left(chunk.cum_end, target)
        return _from_us(chunk.starts[i] + target - chunk.cum[i])

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time in ``[a, b)``; negative when ``b < a``."""
        ua, ub = _to_us(a), _to_us(b)
        if ub < ua:
            return -timedelta(microseconds=self._between_us(ub, ua))
        return timedelta(microseconds=self._between_us(ua, ub))

    def between_us(self, a: int, b: int) -> int:
        """``between`` on instants given as microseconds since 1970-01-01 UTC, in
        microseconds (bulk callers)."""
        return self._between_us(a, b) if a <= b else -self._between_us(b, a)

    def open_intervals(self, a: datetime, b: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open intervals clipped to ``[a, b)``, in order, as UTC datetimes."""
        return self._intervals(_to_us(a), _to_us(b))

    def _between_us(self, ua: int, ub: int) -> int:
        ka, kb = ua // _CHUNK_US, ub // _CHUNK_US
        first = self._chunk(ka)
        if ka == kb:
            return first.position(ub) - first.position(ua)
        middle = sum(self._chunk(k).total for k in range(ka + 1, kb))
        return first.total - first.position(ua) + middle + self._chunk(kb).position(ub)

    def _intervals(self, ua: int, ub: int) -> Iterator[tuple[datetime, datetime]]:
        pending: tuple[int, int] | None = None
        for k in range(ua // _CHUNK_US, (ub - 1) // _CHUNK_US + 1) if ub > ua else ():
            chunk = self._chunk(k)
            for i in range(
                max(bisect_right(chunk.starts, ua) - 1, 0), bisect_left(chunk.starts, ub)
            ):
                s, e = max(chunk.starts[i], ua), min(chunk.ends[i], ub)
                if s >= e:
                    continue
                if pending and pending[1] == s:  # one interval cut by a chunk boundary
                    pending = (pending[0], e)
                    continue
                if pending:
                    yield _from_us(pending[0]), _from_us(pending[1])
                pending = (s, e)
        if pending:
            yield _from_us(pending[0]), _from_us(pending[1])

    def _chunk(self, k: int) -> _Chunk:
        chunk = self._chunks.get(k)
        if chunk is None:
            if len(self._chunks) >= _MAX_CACHED_CHUNKS:
                self._chunks.clear()
            chunk = self._chunks[k] = _Chunk(
                self._build_intervals(k * _CHUNK_US, (k + 1) * _CHUNK_US)
            )
        return chunk

    def _build_intervals(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Merged open intervals clipped to ``[lo, hi)``, from the local dates around it."""
        # Offsets reach ±14 h and a past-midnight window ends < 48 h after its
        # local midnight, so two days of margin each side cover every window.
        day = _from_us(lo).date() - timedelta(days=2)
        last = _from_us(hi).date() + timedelta(days=2)
        raw: list[tuple[int, int]] = []
        while day <= last:
            for opens, closes in self.windows_on(day):
                close_day = day + timedelta(days=1) if closes <= opens else day
                s = _to_us(datetime.combine(day, opens, tzinfo=self.timezone))
                e = _to_us(datetime.combine(close_day, closes, tzinfo=self.timezone))
                if e > s:
                    raw.append((s, e))
            day += timedelta(days=1)
        raw.sort()
        merged: list[tuple[int, int]] = []
        for s, e in raw:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return [(max(s, lo), min(e, hi)) for s, e in merged if e > lo and s < hi]
