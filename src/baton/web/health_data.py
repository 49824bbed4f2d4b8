"""What the Health page and the Overview's red flags show: every monitor of
``services/health/registry.MONITORS`` as of now — its colour, value, threshold, the records
behind it and what the playbook says to do — and the monitor table as CSV.

Both pages read ``health_view``, so a flag on the Overview is a red or amber row of the
Health page, with the same figure and the same link. The monitors cover the whole workspace
over the last 30 days, whatever the page's filters (as ``baton health`` and
``GET /v1/health/flags`` do).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from baton.domain.health import Monitor, Status, figure, overall
from baton.services.health.registry import evaluate

SHOWN_ITEMS = 10  # per monitor on the page; the records link has them all
CSV_ID = "monitors"
COLUMNS = (
    "monitor",
    "title",
    "status",
    "value",
    "threshold",
    "direction",
    "threshold_key",
    "detail",
    "response",
    "records",
)
BADGES = {
    Status.GREEN: "on",
    Status.AMBER: "away",
    Status.RED: "off",
    Status.NOT_JUDGED: "",
}


@dataclass(frozen=True)
class MonitorTable:
    """The monitor table as ``?csv=monitors`` answers it (``render.page`` asks ``csv()``)."""

    monitors: tuple[Monitor, ...]
    id: str = CSV_ID

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for m in self.monitors:
            row = m.as_dict()
            writer.writerow(
                [
                    m.name,
                    m.title,
                    m.status.value,
                    "" if m.value is None else m.value,
                    m.threshold,
                    m.direction,
                    m.threshold_key,
                    row["detail"],
                    m.response,
                    m.records or "",
                ]
            )
        return out.getvalue()


@dataclass(frozen=True)
class MonitorRow:
    """One monitor as a page shows it."""

    monitor: Monitor
    value: str  # the figure in words: "12.5 %", "2.48×", "3", "95 s"
    limit: str  # "red over 20.0 %", "red under 80.0 %"
    detail: str
    badge: str  # the CSS class of its status badge
    link: str | None  # a dashboard page to open; None for an API path (shown as text)
    api: str | None  # the API path behind the figure, when there is no page for it
    items: tuple[tuple[str, str | None], ...]  # (what, dashboard link), at most SHOWN_ITEMS
    more: int  # items not shown

    @property
    def status(self) -> str:
        return self.monitor.status.value

    @property
    def flagged(self) -> bool:
        return self.monitor.status in (Status.RED, Status.AMBER)


def health_view(conn: Connection, now: datetime) -> dict[str, Any]:
    """Every monitor as of ``now`` (its row), the overall status, the red and amber ones
    (``flags``: the Overview's), counts per status and the CSV table."""
    monitors = tuple(evaluate(conn, now))
    rows = [monitor_row(m) for m in monitors]
    counts = {s.value: sum(1 for m in monitors if m.status is s) for s in Status}
    return {
        "monitors": rows,
        "flags": [r for r in rows if r.flagged],
        "overall": overall(monitors).value,
        "counts": counts,
        "as_of": now,
        "table": MonitorTable(monitors),
    }


def monitor_row(m: Monitor) -> MonitorRow:
    link, api = _where(m.records)
    detail = m.sample.words if m.status is Status.NOT_JUDGED and m.sample else m.detail
    return MonitorRow(
        m,
        figure(m.value, m.unit),
        f"red {'over' if m.direction == 'above' else 'under'} {figure(m.threshold, m.unit)}",
        detail,
        BADGES[m.status],
        link,
        api,
        tuple((i.what, _where(i.records)[0]) for i in m.items[:SHOWN_ITEMS]),
        max(0, len(m.items) - SHOWN_ITEMS),
    )


def _where(records: str | None) -> tuple[str | None, str | None]:
    """(a dashboard link, an API path): an API path needs a token, not the session."""
    if records is None:
        return None, None
    if records.startswith("/v1/"):
        return None, records
    return records, None
