"""How the dashboard says a quantity: a duration in the unit that reads (minutes, hours
or days, picked from the values a chart or table shows), and a count with its noun
("1 lead", "2 leads").

Charts and tables pick one unit for all their durations, so a column can be compared at
a glance; the text of a single duration (``duration``) spells it out in days, hours and
minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from baton.notify.render import duration as spelled_duration


@dataclass(frozen=True)
class DurationUnit:
    name: str  # plural, as an axis or a column says it: "minutes"
    seconds: int  # one unit, in seconds
    up_to_seconds: float  # the largest value this unit is picked for (inclusive)

    def of(self, seconds: float | None) -> float | None:
        """``seconds`` in this unit, to 2 decimals (None stays None: no value, not zero)."""
        return None if seconds is None else round(seconds / self.seconds, 2)

    def all_of(self, seconds: Iterable[float | None]) -> list[float | None]:
        return [self.of(s) for s in seconds]


MINUTES = DurationUnit("minutes", 60, 120 * 60)
HOURS = DurationUnit("hours", 3600, 48 * 3600)
DAYS = DurationUnit("days", 86_400, float("inf"))
DURATION_UNITS = (MINUTES, HOURS, DAYS)
DURATION_UNIT_NAMES = frozenset(u.name for u in DURATION_UNITS)


def duration_unit(*seconds: Iterable[float | None]) -> DurationUnit:
    """The unit for a chart or table of these durations (seconds; None ignored), chosen
    by the largest: minutes up to 120 minutes, hours up to 48 hours, days beyond."""
    largest = max((abs(s) for values in seconds for s in values if s is not None), default=0)
    return next(u for u in DURATION_UNITS if largest <= u.up_to_seconds)


def duration(seconds: float | None) -> str:
    """``{{ s|duration }}``: 45 s, 10 min, 1 h 05 min, 1 d 1 h (— when there is none)."""
    return "—" if seconds is None else spelled_duration(seconds)


def plural(count: float | None, noun: str, nouns: str | None = None) -> str:
    """``{{ n|plural("lead") }}``: "1 lead", "2 leads", "1,204 leads"; ``nouns`` for an
    irregular plural (``n|plural("person", "people")``)."""
    shown = "—" if count is None else f"{count:,}" if isinstance(count, int) else f"{count:,.1f}"
    return f"{shown} {word_for(count, noun, nouns)}"


def word_for(count: float | None, noun: str, nouns: str | None = None) -> str:
    """``{{ n|noun("lead") }}``: the noun alone, for a count shown apart (a link, a figure)."""
    return noun if count == 1 else nouns or noun + "s"
