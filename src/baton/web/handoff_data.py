"""The Handoff page (issue 14, item 7): of the Sales → CS handoffs whose deal first closed in
the period, completion against ``handoff.targets``, time to first touch and escalations —
overall and by segment, AE and CSM — the pilot view and the open handoffs with their age.

Every figure is the handoff report's (``reports.handoff``), limited to what the viewer may
see (``access.handoff_scope``: a CSM sees the handoffs assigned to them). Each count links to
the handoffs it counts (``/handoffs``): the same rows, picked by the report's own ``COUNTS``
and ``group_key``, so a figure and its list cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.reports.handoff import (
    COUNTS,
    GROUPS,
    OPEN_LIMIT,
    HandoffGroup,
    HandoffReport,
    HandoffRow,
    group_key,
    handoff_rows,
    live_handoff_report,
    period,
)
from baton.services.handoff.views import handoff_detail
from baton.services.live import live_workspace
from baton.services.people.access import handoff_scope
from baton.services.people.users import User
from baton.store.tables import handoffs, people
from baton.web.charts import Chart, Series
from baton.web.filters import FilterError, Filters
from baton.web.units import plural

LIST_PATH = "/handoffs"
COUNT_LABELS = {
    "closed": "closed",
    "complete": "complete",
    "incomplete": "not complete",
    "fields_at_close": "closed with every required field",
    "overridden": "closed by a manager's override",
    "escalated": "escalated",
    "touched": "touched by the CSM",
    "first_touch_missed": "first-touch SLA missed",
}
VIEWS = {
    "period": "first closed in the period",
    "pilot": "the pilot's first deals",
    "open": "open (of any period, oldest first)",
}
BY_LABELS = {"segment": "Segment", "ae": "AE", "csm": "CSM"}


@dataclass(frozen=True)
class Drill:
    """Which handoffs a figure counts: ``count`` (a key of ``COUNTS``) of ``view``'s handoffs,
    in one group (``by`` = ``key``) or all."""

    count: str = "closed"
    view: str = "period"
    by: str | None = None
    key: str | None = None

    def params(self) -> dict[str, str]:
        """This drill-down as URL parameters (kept when the period changes)."""
        out = {"count": self.count, "view": self.view}
        return out | ({self.by: self.key} if self.by and self.key is not None else {})

    def describe(self, names: Mapping[str, str]) -> str:
        group = f" · {BY_LABELS[self.by]}: {names.get(self.key, self.key)}" if self.by else ""
        return f"Handoffs {VIEWS[self.view]}, {COUNT_LABELS[self.count]}{group}"


def parse_drill(params: Mapping[str, str]) -> Drill:
    """``?count=&view=&segment|ae|csm=`` → Drill, or a FilterError naming each bad one."""
    errors = []
    count = (params.get("count") or "closed").strip()
    if count not in COUNTS:
        errors.append(
            f"count: '{count[:40]}' is not one of {', '.join(COUNTS)}; e.g. count=complete"
        )
    view = (params.get("view") or "period").strip()
    if view not in VIEWS:
        errors.append(f"view: '{view[:40]}' is not one of {', '.join(VIEWS)}; e.g. view=open")
    chosen = [(by, params[by].strip()) for by in GROUPS if (params.get(by) or "").strip()]
    if len(chosen) > 1:
        errors.append(f"one group at a time: {' and '.join(b for b, _ in chosen)} are both set")
    if errors:
        raise FilterError(errors, params)
    by, key = chosen[0] if chosen else (None, None)
    return Drill(count, view, by, key)


def drill_url(
    filters: Filters,
    count: str,
    by: str | None = None,
    key: str | None = None,
    view: str = "period",
) -> str:
    """The list of the handoffs a figure counts, over the page's period."""
    return filters.without_fields().url(LIST_PATH, **Drill(count, view, by, key).params())


def person_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(people.c.id, people.c.name)).all())


def handoff_view(conn: Connection, user: User, filters: Filters, now: datetime) -> dict[str, Any]:
    """The page's context: the report for the viewer's scope, its tables and their links."""
    live = live_workspace(conn)
    if live is None or live.handoff is None:
        return {"configured": False}
    scope = handoff_scope(user)
    report = live_handoff_report(conn, filters.since, filters.until, now, scope)
    names = person_names(conn)
    tables = [
        group_chart(f"by-{by}", f"By {label}", by, groups, filters, names)
        for by, label, groups in (
            ("segment", "segment", report.by_segment),
            ("ae", "AE (the deal's owner at the close)", report.by_ae),
            ("csm", "CSM", report.by_csm),
        )
    ]
    shown = [rates_chart(report, filters, names)]
    pilot = rows_chart(
        "pilot", f"Pilot: the first {report.limits.pilot_deals} handoffs", report.pilot, names
    )
    still_open = rows_chart(
        "open",
        f"Open handoffs of any period, oldest first (at most {OPEN_LIMIT})",
        report.open,
        names,
    )
    return {
        "configured": True,
        "report": report,
        "o": report.overall,
        "touch_limit": report.targets["first_touch_flag_above_hours"],
        "links": {count: drill_url(filters, count) for count in COUNTS},
        "shown": shown,
        "tables": tables,
        "pilot": pilot,
        "still_open": still_open,
        "names": names,
        "scoped": bool(scope),
        "charts": {c.id: c for c in [*shown, *tables, pilot, still_open]},
    }


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def rates_chart(report: HandoffReport, filters: Filters, names: Mapping[str, str]) -> Chart:
    """Each CSM's completion and escalation rate beside the completion target."""
    groups, t = report.by_csm, report.limits
    keys = [g.key for g in groups]
    return Chart(
        id="rates-by-csm",
        title="Completion and escalation rate by CSM",
        label_header="CSM",
        unit="%",
        note=f"Of the handoffs first closed in the period. Completion target "
        f"{_percent(t.completion):g} % (flagged under {_percent(t.completion_flag_below):g} %); "
        f"escalations flagged over {_percent(t.escalation_flag_above):g} % (handoff.targets). "
        "A bar opens its handoffs.",
        labels=[
            f"{names.get(k, k)} ({plural(g.closed, 'handoff')})"
            for k, g in zip(keys, groups, strict=True)
        ],
        series=[
            Series(
                "Completion rate",
                [_percent(g.completion_rate) for g in groups],
                [drill_url(filters, "complete", "csm", k) for k in keys],
                metric="hit",
            ),
            Series(
                "Escalation rate",
                [_percent(g.escalation_rate) for g in groups],
                [drill_url(filters, "escalated", "csm", k) for k in keys],
                metric="miss",
            ),
            Series(
                "Completion target",
                [_percent(t.completion)] * len(groups),
                kind="line",
                metric="target",
            ),
        ],
    )


def group_chart(
    chart_id: str,
    title: str,
    by: str,
    groups: tuple[HandoffGroup, ...],
    filters: Filters,
    names: Mapping[str, str],
) -> Chart:
    """One table of groups (shown as a table with its CSV): each count links to its handoffs."""

    def counted(name: str, count: str, attr: str | None = None) -> Series:
        values = [getattr(g, attr or count) for g in groups]
        return Series(name, values, [drill_url(filters, count, by, g.key) for g in groups])

    return Chart(
        id=chart_id,
        title=title,
        label_header=BY_LABELS[by],
        note="Handoffs first closed in the period. A count opens the handoffs it counts.",
        labels=[names.get(g.key, g.key) for g in groups],
        series=[
            counted("Closed", "closed"),
            counted("Complete", "complete"),
            Series("Completion rate (%)", [_percent(g.completion_rate) for g in groups]),
            counted("All fields at close", "fields_at_close"),
            counted("Escalated", "escalated"),
            Series("Escalation rate (%)", [_percent(g.escalation_rate) for g in groups]),
            counted("Touched", "touched"),
            Series("First touch, average (h)", [_hours(g.first_touch_avg_hours) for g in groups]),
            Series("First touch, median (h)", [_hours(g.first_touch_median_hours) for g in groups]),
            counted("First-touch SLA missed", "first_touch_missed"),
            Series("Red flags", ["; ".join(g.flags) for g in groups]),  # text: never drawn
        ],
    )


def rows_chart(
    chart_id: str, title: str, rows: Iterable[HandoffRow], names: Mapping[str, str]
) -> Chart:
    """A list of handoffs as a Chart: the page draws it as a table of links; this is its CSV
    (text cells: a table-only chart is never drawn)."""
    rows = list(rows)

    def column(name: str, attr: str, person: bool = False) -> Series:
        values = [getattr(r, attr) for r in rows]
        if person:
            values = [names.get(v, v) if v else None for v in values]
        return Series(name, values)

    return Chart(
        id=chart_id,
        title=title,
        label_header="Handoff",
        labels=[str(r.handoff_id) for r in rows],
        series=[
            column("Deal", "deal_name"),
            column("Opportunity", "opportunity_id"),
            column("Segment", "segment"),
            column("Tier", "tier"),
            column("AE", "ae_id", person=True),
            column("CSM", "csm_id", person=True),
            column("State", "state"),
            column("Overridden", "overridden"),
            Series("Closed at (UTC)", [r.closed_at.isoformat() for r in rows]),
            Series("First touch (h)", [_hours(r.first_touch_hours) for r in rows]),
            Series("Age (h)", [_hours(r.age_hours) for r in rows]),
            column("First-touch SLA", "first_touch_sla"),
        ],
    )


def drilled_rows(
    conn: Connection, user: User, filters: Filters, drill: Drill, now: datetime
) -> list[HandoffRow]:
    """The handoffs behind one figure of the page, as the report counted them."""
    scope = handoff_scope(user)
    if drill.view == "period":
        rows = handoff_rows(conn, now, *period(filters.since, filters.until), *scope)
    else:
        report: HandoffReport = live_handoff_report(conn, filters.since, filters.until, now, scope)
        rows = list(report.pilot if drill.view == "pilot" else report.open)
    if drill.by:
        rows = [r for r in rows if group_key(r, drill.by) == drill.key]
    return [r for r in rows if COUNTS[drill.count](r)]


def handoff_list_view(
    conn: Connection, user: User, filters: Filters, drill: Drill, now: datetime
) -> dict[str, Any]:
    names = person_names(conn)
    rows = drilled_rows(conn, user, filters, drill, now)
    table = rows_chart("handoffs", drill.describe(names), rows, names)
    return {
        "drill": drill,
        "rows": rows,
        "table": table,
        "names": names,
        "charts": {table.id: table},
    }


def visible_handoff(
    conn: Connection, user: User, handoff_id: int, now: datetime
) -> dict[str, Any] | None:
    """One handoff in full (``services.handoff.views``), None when it does not exist or the
    viewer may not see it — the same answer, so nobody can probe which ids exist."""
    seen = conn.execute(
        select(handoffs.c.id).where(handoffs.c.id == handoff_id, *handoff_scope(user))
    ).first()
    return handoff_detail(conn, handoff_id, now) if seen else None
