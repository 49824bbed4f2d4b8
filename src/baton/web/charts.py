"""One structure for a chart's numbers, shown three ways from the same values: a
Chart.js chart, a table (each cell a drill-down link), and a CSV download.

A page builds ``Chart`` values, puts them in its context under ``charts`` and
calls the ``chart`` macro (``macros/chart.html``); ``render.page`` answers
``?csv=<chart id>`` with that chart's CSV, so the export is always the numbers
on the screen. Colours come from one palette (``COLORS``), by metric, so a metric
has the same colour on every page.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from baton.web.units import DURATION_UNIT_NAMES

# One colour per metric, on every page: amber is human delay on the Overview and on the
# Speed page. A series takes its metric's colour (its ``metric``, by default its name).
# Every colour has a contrast of at least 3:1 against the white card the charts are drawn on
# (WCAG 1.4.11; tests/unit/test_dashboard_contrast.py computes it).
COLORS = {
    # speed to lead
    "systems delay": "#2563eb",
    "human delay": "#d97706",
    "speed to lead": "#475569",
    # SLA: verdicts, response bands, compliance against its target
    "hit": "#059669",
    "miss": "#ef4444",
    "pending": "#64748b",
    "excluded": "#6b7280",
    "released": "#78716c",
    "under": "#0d9488",
    "approaching": "#ea580c",
    "breached": "#b91c1c",
    "compliance": "#0891b2",
    "target": "#7c3aed",
    # counts of leads and capacity
    "leads": "#6366f1",
    "open leads": "#6366f1",
    "max open": "#868e9c",
    "share by weight": "#7c3aed",  # a round robin's target share
    # the playbook's rating bands of the systems delay
    "best possible": "#047857",
    "best in class": "#16a34a",
    "acceptable": "#71717a",
    "yellow": "#a38200",
    "red": "#dc2626",
    "critical": "#7f1d1d",
}
# For a series that is no metric of COLORS (none of these is a metric's colour).
OTHERS = ("#0284c7", "#c026d3", "#4d7c0f", "#a16207", "#db2777", "#0f766e", "#57534e")
KINDS = ("bar", "line")
_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")

Number = int | float | None


def color(metric: str) -> str:
    """The palette's colour of ``metric`` (a key of ``COLORS``, e.g. "human delay")."""
    try:
        return COLORS[metric]
    except KeyError:
        raise ValueError(
            f"no colour for the metric {metric!r}: add it to COLORS in baton/web/charts.py "
            f"(known: {', '.join(sorted(COLORS))})"
        ) from None


@dataclass(frozen=True)
class Axis:
    """A second value axis (right, or top when horizontal) for series whose scale would
    flatten beside the others' — systems delay (seconds) beside human delay (hours)."""

    title: str  # what it measures, e.g. "Systems delay"
    unit: str  # e.g. "minutes"


@dataclass(frozen=True)
class Series:
    """One named row of numbers, one per label; ``links[i]`` is the drill-down of ``values[i]``."""

    name: str
    values: list[Number]
    links: list[str | None] | None = None
    kind: str | None = None  # draw this series as a line on a bar chart (e.g. a target)
    stack: str | None = None  # series with the same stack are stacked (chart.stacked must be True)
    color: str | list[str] | None = None  # one per value (e.g. rating bands); default: its metric's
    metric: str | None = None  # its key in COLORS; default: its name in lower case, if a key
    axis: Axis | None = None  # drawn against a second value axis, in that axis's unit
    dashed: bool = False  # a dashed line: a p90 beside its median

    def __post_init__(self) -> None:
        if self.metric is not None:
            color(self.metric)  # refuses a metric the palette does not know


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
                    f"chart {self.id}: series {s.name!r} has {len(s.values)} values "
                    f"for {len(self.labels)} labels"
                )
        if len({s.axis for s in self.series if s.axis}) > 1:
            raise ValueError(f"chart {self.id}: one second axis at most")

    def unit_of(self, series: Series) -> str:
        return series.axis.unit if series.axis else self.unit

    def header(self, series: Series) -> str:
        """A series' column in the table and the CSV. A duration's unit is part of it: the
        same chart says minutes this week and hours next month, so the export must say which."""
        unit = self.unit_of(series)
        return f"{series.name} ({unit})" if unit in DURATION_UNIT_NAMES else series.name

    def rows(self) -> list[tuple[str, list[tuple[Number, str | None]]]]:
        """The table view: one row per label, one (value, link) cell per series."""
        return [
            (label, [(s.values[i], s.links[i] if s.links else None) for s in self.series])
            for i, label in enumerate(self.labels)
        ]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([self.label_header or "label", *(self.header(s) for s in self.series)])
        for label, cells in self.rows():
            writer.writerow([label, *("" if v is None else v for v, _ in cells)])
        return out.getvalue()

    def colors(self) -> list[str | list[str]]:
        """Each series' colour: its own, else its metric's, else the next of ``OTHERS``."""
        others = iter(OTHERS * len(self.series))
        return [
            s.color or COLORS.get(s.metric or s.name.casefold()) or next(others)
            for s in self.series
        ]

    def chartjs(self) -> dict[str, Any]:
        """What ``static/js/baton.js`` hands to ``new Chart()``, plus each point's drill-down."""
        value, second = ("x", "x2") if self.horizontal else ("y", "y2")
        datasets = []
        for s, paint in zip(self.series, self.colors(), strict=True):
            ds: dict[str, Any] = {
                "label": s.name,
                "data": s.values,
                "backgroundColor": paint,
                "borderColor": paint,
                "unit": self.unit_of(s),  # for the tooltip (baton.js)
            }
            if s.kind:
                ds["type"] = s.kind
            if s.stack:
                ds["stack"] = s.stack
            if s.dashed:
                ds["borderDash"] = [6, 4]
            if s.axis:
                ds[f"{value}AxisID"] = second
            datasets.append(ds)
        scales: dict[str, Any] = {"x": {"stacked": self.stacked}, "y": {"stacked": self.stacked}}
        scales[value] |= {
            "beginAtZero": True,
            "title": {"display": bool(self.unit), "text": self.unit},
        }
        scales |= self._second_axis(second, datasets)
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

    def _second_axis(self, name: str, datasets: list[dict[str, Any]]) -> dict[str, Any]:
        """The second value axis, in the colour of its first series, with no grid of its own."""
        on_it = [(s, ds) for s, ds in zip(self.series, datasets, strict=True) if s.axis]
        if not on_it:
            return {}
        axis, paint = on_it[0][0].axis, on_it[0][1]["borderColor"]
        return {
            name: {
                "position": "top" if self.horizontal else "right",
                "beginAtZero": True,
                "stacked": self.stacked,
                "grid": {"drawOnChartArea": False},
                "ticks": {"color": paint},
                "title": {"display": True, "text": f"{axis.title} ({axis.unit})", "color": paint},
            }
        }
