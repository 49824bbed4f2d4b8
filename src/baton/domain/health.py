"""Health monitors: the playbooks' maintenance-schedule red flags as computed verdicts.

A monitor compares one figure (``value``) with its ``health:`` threshold in one
``direction``: ``above`` (red when the value is over the threshold: imbalance,
misroute rate, leakage …) or ``below`` (red when under it: a team's SLA compliance).
The exact threshold is never red: "imbalance > 20 %" means 20 % is not red.

**Amber** is the band just short of red, ``amber_margin`` (``health.amber_margin``,
10 % by default) *of the threshold* wide: for an ``above`` monitor with threshold
20 %, amber is 18 % < value ≤ 20 %; for a ``below`` monitor with threshold 80 %,
amber is 80 % ≤ value < 88 %. A count whose threshold is 0 ("any lead unassigned")
has no amber band: 0 is green, 1 is red.

A ratio judged on fewer records than its minimum sample is **not judged**: its
status is ``not_judged`` ("not enough data") and it never raises the overall
status. Pure: no I/O; the service gathers the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Direction = Literal["above", "below"]


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_JUDGED = "not_judged"  # too few records: the sample is below its minimum

    @property
    def rank(self) -> int:
        return {"not_judged": 0, "green": 0, "amber": 1, "red": 2}[self.value]


@dataclass(frozen=True)
class Sample:
    """The records a ratio rests on against the minimum before it is judged."""

    size: int
    needed: int
    unit: str = "leads"

    @property
    def enough(self) -> bool:
        return self.size >= self.needed

    @property
    def words(self) -> str:
        return f"not enough data: {self.size:,} of {self.needed:,} {self.unit}"


@dataclass(frozen=True)
class Item:
    """One group or record behind a monitor's figure (a pool, a team, a lead) and its link."""

    what: str
    records: str | None = None


@dataclass(frozen=True)
class Monitor:
    """One monitor's verdict: what it measured, against what, on how much, the records
    behind it (``records``: a dashboard drill-down, path and query) and what the playbook
    says to do when it is not green (``response``)."""

    name: str
    title: str
    status: Status
    value: float | None
    threshold: float
    direction: Direction
    threshold_key: str  # the key under health: that sets the threshold
    unit: Literal["share", "count", "seconds", "ratio"]
    detail: str
    response: str
    sample: Sample | None = None
    records: str | None = None
    items: tuple[Item, ...] = field(default_factory=tuple)  # the groups behind the figure

    def as_dict(self) -> dict[str, object]:
        """The JSON form (``baton health --json``, ``GET /v1/health/flags``)."""
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status.value,
            "value": self.value,
            "threshold": self.threshold,
            "direction": self.direction,
            "threshold_key": self.threshold_key,
            "unit": self.unit,
            "detail": self.sample.words
            if self.status is Status.NOT_JUDGED and self.sample
            else self.detail,
            "response": self.response,
            "sample": None
            if self.sample is None
            else {
                "size": self.sample.size,
                "needed": self.sample.needed,
                "unit": self.sample.unit,
                "enough": self.sample.enough,
            },
            "records": self.records,
            "items": [{"what": i.what, "records": i.records} for i in self.items],
        }


def judge(
    value: float | None,
    threshold: float,
    direction: Direction,
    amber_margin: float,
    sample: Sample | None = None,
) -> Status:
    """The verdict of ``value`` against ``threshold`` (see the module's doc for the bands).
    No value (nothing measured) is green; a sample below its minimum is not judged."""
    if sample is not None and not sample.enough:
        return Status.NOT_JUDGED
    if value is None:
        return Status.GREEN
    band = abs(threshold) * amber_margin
    if direction == "above":
        if value > threshold:
            return Status.RED
        return Status.AMBER if band and value > round(threshold - band, 9) else Status.GREEN
    if value < threshold:
        return Status.RED
    return Status.AMBER if band and value < round(threshold + band, 9) else Status.GREEN


def overall(monitors: Iterable[Monitor]) -> Status:
    """The worst judged status (green when all are green or not judged)."""
    worst = Status.GREEN
    for m in monitors:
        if m.status.rank > worst.rank:
            worst = m.status
    return worst


def figure(value: float | None, unit: str) -> str:
    """A monitor's value or threshold in words, as ``baton health`` and the dashboard show
    it: a share as a percentage, a ratio as a multiple, seconds, or a count."""
    if value is None:
        return "—"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "ratio":
        return f"{value:.2f}×"
    if unit == "seconds":
        return f"{value:.0f}s"
    return f"{value:g}"


EXIT_CODES = {Status.GREEN: 0, Status.NOT_JUDGED: 0, Status.AMBER: 1, Status.RED: 2}


def exit_code(monitors: Iterable[Monitor]) -> int:
    """``baton health``'s exit status: 0 green, 1 amber, 2 red."""
    return EXIT_CODES[overall(monitors)]
