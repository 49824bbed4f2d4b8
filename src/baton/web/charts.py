"""One structure for a chart's numbers, shown three ways from the same values: a
Chart.js chart, a table (each cell a drill-down link), and a CSV download.

A page builds ``Chart`` values, puts them in its context under ``charts`` and
calls the ``chart`` macro (``macros/chart.html``); ``render.page`` answers
``?csv=<chart id>`` with that chart's CSV, so the export is always the numbers
on the screen.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b", "#0ea5e9", "#d946ef")
KINDS = ("bar", "line")
_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")

Number = int | float | None


@dataclass(frozen=True)
class Series:
    """One named row of numbers, one per label; ``links[i]`` is the drill-down of ``values[i]``."""

    name: str
    values: list[Number]
    links: list[str | None] | None = None
    kind: str | None = None  # draw this series as a line on a bar chart (e.g. a target)
    stack: str | None = None  # series with the same stack are stacked (chart.stacked must be True)
    color: str | list[str] | None = (
        None  # one colour, or one per value (e.g. rating bands); default: the palette's next
    )


@dataclass(frozen=True)
class Chart:
    id: str  # unique on its page; used in ?csv=ID and in element ids
    title: str
    labels: list[str]
    series: list[Series]
    label_header: str = ""  # the first column's header in the table and CSV, e.g. "Person"
    kind: str = "bar"
    unit: str = ""  # e.g. "leads", "minutes": shown on the axis and in the table header
    stacked: bool = False
    horizontal: bool = False
    note: str = ""  # one line under the title: what the numbers count
    options: dict[str, Any] = field(default_factory=dict)  # merged into Chart.js options

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(
                f"chart id {self.id!r}: lowercase letters, digits and dashes, e.g. open-by-person"
            )
        if self.kind not in KINDS:
            raise ValueError(f"chart {self.id}: kind {self.kind!r} is not one of {KINDS}")
        for s in self.series:
            if len(s.values) != len(self.labels) or (
                s.links is not None and len(s.links) != len(self.labels)
            ):
                raise ValueError(
                    f"chart {self.id}: series {s.name!r} has {len(s.values)} values for {len(self.labels)} labels"
                )

    def rows(self) -> list[tuple[str, list[tuple[Number, str | None]]]]:
        """The table view: one row per label, one (value, link) cell per series."""
        return [
            (label, [(s.values[i], s.links[i] if s.links else None) for s in self.series])
            for i, label in enumerate(self.labels)
        ]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([self.label_header or "label", *(s.name for s in self.series)])
        for label, cells in self.rows():
            writer.writerow([label, *("" if v is None else v for v, _ in cells)])
        return out.getvalue()

    def chartjs(self) -> dict[str, Any]:
        """What ``static/js/baton.js`` hands to ``new Chart()``, plus the drill-down links per point."""
        datasets = []
        for i, s in enumerate(self.series):
            color = s.color or PALETTE[i % len(PALETTE)]
            ds: dict[str, Any] = {
                "label": s.name,
                "data": s.values,
                "backgroundColor": color,
                "borderColor": color,
            }
            if s.kind:
                ds["type"] = s.kind
            if s.stack:
                ds["stack"] = s.stack
            datasets.append(ds)
        value_axis = "x" if self.horizontal else "y"
        scales = {"x": {"stacked": self.stacked}, "y": {"stacked": self.stacked}}
        scales[value_axis] |= {
            "beginAtZero": True,
            "title": {"display": bool(self.unit), "text": self.unit},
        }
        options = {
            "responsive": True,
            "maintainAspectRatio": False,
            "animation": False,
            "scales": scales,
            "indexAxis": "y" if self.horizontal else "x",
            "plugins": {"legend": {"position": "bottom"}},
        } | self.options
        return {
            "config": {
                "type": self.kind,
                "data": {"labels": self.labels, "datasets": datasets},
                "options": options,
            },
            "links": [s.links or [None] * len(self.labels) for s in self.series],
        }
