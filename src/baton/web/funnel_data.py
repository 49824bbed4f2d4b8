"""The Funnel page: MQL → SAL → SQL → Opportunity → Won of the leads that became MQL in
the period — how many reached each stage, each step's conversion rate and median time
(wall clock, and business time of the owner's calendar) — and one breakdown at a time
(``?by=``: source, campaign, lead type, owner, team or MQL week).

Every figure is the funnel report's (``reports.funnel``, counted by its mirror twin) for
the viewer's scope; owner and team mean whose lead it is (its owner, else the one it was
recycled from). Each count links to its leads on the lead list (``date=mql``, and
``stage=`` for the stages after MQL: ``web.lifecycle_drill``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from baton.reports.funnel import FunnelGroup, FunnelReport
from baton.reports.funnel_mirror import funnel_report
from baton.reports.stages import NO_TEAM, NONE, STAGES, STEPS, UNASSIGNED
from baton.services.people.users import User
from baton.store.tables import people, teams
from baton.web.charts import Chart, Series
from baton.web.filters import FilterError, Filters
from baton.web.lifecycle_drill import MQL_DATE
from baton.web.reports import clipped_week, viewer_scope, week_start
from baton.web.units import duration_unit, plural

BY = {
    "source": "Source",
    "campaign": "Campaign",
    "lead_type": "Lead type",
    "owner": "Owner",
    "team": "Team",
    "week": "MQL week",
}
DEFAULT_BY = "source"
NO_LINK = {NONE, NO_TEAM, UNASSIGNED}  # groups the lead list cannot filter on


@dataclass(frozen=True)
class StageView:
    stage: str  # mql, sal, sql, opportunity, won
    name: str  # as the workspace calls it
    leads: int
    rate: float | None  # of the stage before (MQL: None)
    link: str | None


@dataclass(frozen=True)
class StepView:
    step: str  # e.g. mql_to_sal
    label: str  # e.g. MQL → SAL
    rate: float | None
    wall: Mapping[str, Any]  # {count, median_seconds}
    business: Mapping[str, Any]


def parse_by(params: Mapping[str, str]) -> str:
    """``?by=`` (the breakdown), or a FilterError naming the choices."""
    by = (params.get("by") or DEFAULT_BY).strip()
    if by not in BY:
        choices = ", ".join(BY)
        raise FilterError([f"by: '{by[:40]}' is not one of {choices}; e.g. by=source"], params)
    return by


def stage_link(filters: Filters | None, stage: str) -> str | None:
    """The lead list of the cohort's leads that reached ``stage`` (MQL: the whole cohort)."""
    if filters is None:
        return None
    return filters.url("/leads", date=MQL_DATE, stage=None if stage == "mql" else stage)


def group_filters(filters: Filters, by: str, key: str) -> Filters | None:
    """The page's filters narrowed to one group of the breakdown (None: the lead list has no
    filter for it, e.g. "(none)")."""
    if key in NO_LINK:
        return None
    if by == "week":
        return clipped_week(filters, key)
    return filters.replace(**{by: key})


def step_label(names: Mapping[str, str], step: str) -> str:
    start, end = step.split("_to_")
    return f"{names[start]} → {names[end]}"


def funnel_view(
    conn: Connection, mirror: Connection, user: User, filters: Filters, by: str
) -> dict[str, Any]:
    """``conn``: the main database (names, calendars); ``mirror``: where the cohort is counted."""
    report = funnel_report(conn, mirror, viewer_scope(user, filters), dimensions=(by,))
    overall = report.overall
    stages = [
        StageView(
            stage,
            report.names[stage],
            overall.count(stage),
            overall.rates[STEPS[i - 1]] if i else None,
            stage_link(filters, stage),
        )
        for i, stage in enumerate(STAGES)
    ]
    steps = [
        StepView(
            step,
            step_label(report.names, step),
            overall.rates[step],
            overall.times[step]["wall"],
            overall.times[step]["business"],
        )
        for step in STEPS
    ]
    labels = group_labels(conn, by)
    charts = [
        stages_chart(stages),
        step_times_chart(steps, filters),
        by_chart(report, by, filters, labels),
    ]
    return {
        "report": report,
        "stages": stages,
        "steps": steps,
        "mql_to_won": overall.rates["mql_to_won"],
        "by": by,
        "BY": BY,
        "shown": charts,
        "table": by_table(report, by, filters, labels),
    }


def group_labels(conn: Connection, by: str) -> dict[str, str]:
    """Names for the owner and team keys (ids); the other keys are their own label."""
    if by == "owner":
        return dict(conn.execute(select(people.c.id, people.c.name)).all())
    if by == "team":
        return dict(conn.execute(select(teams.c.id, teams.c.name)).all())
    return {}


def _label(by: str, key: str, labels: Mapping[str, str]) -> str:
    if by == "week":
        return f"{key} (from {week_start(key):%d %b})"
    return labels.get(key) or key


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def stages_chart(stages: list[StageView]) -> Chart:
    return Chart(
        id="funnel-stages",
        title="Leads per stage",
        label_header="Stage",
        unit="leads",
        note="The leads that became MQL in the period and the stage each reached since "
        "(a later stage counts the ones before it). A bar opens its leads.",
        labels=[s.name for s in stages],
        series=[Series("Leads", [s.leads for s in stages], [s.link for s in stages])],
    )


def step_times_chart(steps: list[StepView], filters: Filters) -> Chart:
    wall = [s.wall["median_seconds"] for s in steps]
    business = [s.business["median_seconds"] for s in steps]
    unit = duration_unit(wall, business)
    end_stage = [s.step.split("_to_")[1] for s in steps]
    links = [stage_link(filters, stage) for stage in end_stage]
    return Chart(
        id="funnel-step-times",
        title="Median time between stages",
        label_header="Step",
        unit=unit.name,
        note="Both dates in the lead's current cycle, in order. Business time counts the "
        "owner's working hours only. A bar opens the leads that reached the later stage.",
        labels=[s.label for s in steps],
        series=[
            Series("Median wall-clock time", unit.all_of(wall), links, metric="speed to lead"),
            Series("Median business time", unit.all_of(business), links, metric="human delay"),
        ],
    )


def by_chart(report: FunnelReport, by: str, filters: Filters, labels: Mapping[str, str]) -> Chart:
    groups = report.by(by)
    narrowed = [group_filters(filters, by, g.key) for g in groups]
    return Chart(
        id="funnel-by",
        title=f"Funnel by {BY[by].lower()}",
        label_header=BY[by],
        unit="leads",
        horizontal=by != "week",
        note="Leads that became MQL in the period, by "
        + ("the ISO week they became MQL" if by == "week" else BY[by].lower())
        + ("; owner and team: whose lead it is" if by in ("owner", "team") else "")
        + ". A bar opens its leads.",
        labels=[_label(by, g.key, labels) for g in groups],
        series=[
            Series(
                report.names[stage],
                [g.count(stage) for g in groups],
                [stage_link(f, stage) for f in narrowed],
            )
            for stage in STAGES
        ],
    )


def by_table(report: FunnelReport, by: str, filters: Filters, labels: Mapping[str, str]) -> Chart:
    """The breakdown with each step's rate and median times: a table (and its CSV), not drawn."""
    groups: list[FunnelGroup] = list(report.by(by))
    seconds = [
        g.times[step][kind]["median_seconds"]
        for g in groups
        for step in STEPS
        for kind in ("wall", "business")
    ]
    unit = duration_unit(seconds)
    narrowed = [group_filters(filters, by, g.key) for g in groups]
    series = [
        Series(
            f"{report.names[stage]} (leads)",
            [g.count(stage) for g in groups],
            [stage_link(f, stage) for f in narrowed],
        )
        for stage in STAGES
    ]
    for step in (*STEPS, "mql_to_won"):
        series.append(
            Series(
                f"{step_label(report.names, step)} (%)",
                [_percent(g.rates[step]) for g in groups],
            )
        )
    for step in STEPS:
        for kind, word in (("wall", "wall clock"), ("business", "business time")):
            series.append(
                Series(
                    f"Median {step_label(report.names, step)}, {word} ({unit.name})",
                    [unit.of(g.times[step][kind]["median_seconds"]) for g in groups],
                )
            )
    return Chart(
        id="funnel-by-table",
        title=f"Funnel by {BY[by].lower()}: counts, conversion rates and median times",
        label_header=BY[by],
        note=f"{plural(len(groups), 'group')}. Rates: a stage over the one before it, and MQL → "
        "Won; median times in " + unit.name + ".",
        labels=[_label(by, g.key, labels) for g in groups],
        series=series,
    )
