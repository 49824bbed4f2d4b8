"""Reports from the command line: speed to lead and SLA compliance (added to the
``report`` group), open clocks most late first (``sla status``), and the outage
windows speed to lead leaves out of its averages (``outage``).

Without ``--since`` a report covers the last 30 calendar days of the workspace's time
zone, today included (the dashboard's "Last 30 days"); each report says the period it
covered, in that zone."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from baton.cli.context import CliContext, author_name
from baton.cli.data_cmds import workspace_zone
from baton.cli.dates import parse_moment
from baton.cli.routing_cmds import report
from baton.reports.open_clocks import open_clocks
from baton.reports.scope import ReportScope, scope_of
from baton.reports.sla import SlaGroup, SlaReport, sla_report
from baton.reports.speed import MEASURES, RATINGS, SpeedGroup, speed_report
from baton.services.jsonable import jsonable
from baton.services.sla.outages import declare_outage, list_outages

pass_ctx = click.make_pass_decorator(CliContext)


def _scope_options(f: Callable) -> Callable:
    for option in reversed(
        [
            click.option(
                "--since",
                default=None,
                help="Start (default: the 30 calendar days ending with --until's day, from "
                "midnight), e.g. 2026-11-01, 7d (7 days ago) or yesterday; workspace time zone "
                "unless an offset is given.",
            ),
            click.option(
                "--until", default=None, help="End, exclusive (default: now), e.g. today or 1d."
            ),
            click.option(
                "--source", default=None, help="Only leads from this source, e.g. website."
            ),
            click.option(
                "--lead-type", default=None, help="Only this lead type, e.g. demo-request."
            ),
            click.option("--owner", default=None, help="Only this owner (a person id)."),
            click.option("--team", default=None, help="Only owners in this team (a team id)."),
            click.option("--json", "as_json", is_flag=True, help="Print the report as JSON."),
        ]
    ):
        f = option(f)
    return f


def _scope(
    zone: ZoneInfo, now: datetime, since: str | None, until: str | None, **filters: str | None
) -> ReportScope:
    try:
        start = parse_moment(since, zone, now) if since else None
        end = parse_moment(until, zone, now) if until else None
        return scope_of(now, start, end, zone, **filters)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since/--until") from exc


def duration(seconds: float | None) -> str:
    """A duration for people: 45s, 12m 05s, 3h 20m, 2d 4h; '—' for none, a minus sign when
    negative."""
    if seconds is None:
        return "—"
    sign, s = ("-" if seconds < 0 else ""), round(abs(seconds))
    days, rest = divmod(s, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = (
        f"{days}d {hours}h"
        if days
        else f"{hours}h {minutes:02d}m"
        if hours
        else f"{minutes}m {secs:02d}s"
        if minutes
        else f"{secs}s"
    )
    return sign + text


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    """Print ``rows`` under ``headers``: every row has one cell per header."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    for line in [headers, *rows]:
        click.echo(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )


def _print(data: dict[str, Any]) -> None:
    click.echo(json.dumps(jsonable(data), indent=2))


def _period(scope: ReportScope, zone: ZoneInfo) -> str:
    """The period a report covered, in the zone its days are read in."""
    since, until = (t.astimezone(zone) for t in (scope.since, scope.until))
    return f"{since:%Y-%m-%d %H:%M} → {until:%Y-%m-%d %H:%M} {zone.key}"


@report.command("speed-to-lead")
@_scope_options
@click.option(
    "--by",
    "by",
    type=click.Choice(["day", "week", "source", "lead_type", "owner", "team"]),
    default="week",
    show_default=True,
)
@click.option(
    "--business",
    is_flag=True,
    help="Show business time of the owner's calendar instead of wall-clock time.",
)
@pass_ctx
def report_speed(
    ctx: CliContext,
    since,
    until,
    source,
    lead_type,
    owner,
    team,
    as_json: bool,
    by: str,
    business: bool,
) -> None:
    """Systems delay (engaged → assigned), human delay (assigned → first touch) and total:
    mean, median, p90."""
    baton = ctx.open()
    zone = workspace_zone(ctx, baton)
    scope = _scope(
        zone,
        baton.clock.now(),
        since,
        until,
        source=source,
        lead_type=lead_type,
        owner=owner,
        team=team,
    )
    with baton.db.read() as conn:
        data = speed_report(conn, scope)
    if as_json:
        return _print(data.as_dict())
    kind = "business" if business else "wall"
    overall = data.overall
    click.echo(
        f"Speed to lead {_period(scope, zone)}; "
        f"{'business time' if business else 'wall-clock time'}"
    )
    click.echo(
        f"{overall.leads} leads, {overall.excluded} left out of averages by "
        f"{len(data.outages)} outage(s), {overall.anomalies} anomalies"
    )
    headers = [by, "leads", "excl."] + [
        f"{m.split('_')[0]} {s}" for m in MEASURES for s in ("mean", "median", "p90")
    ]

    def line(g: SpeedGroup, key: str) -> list[Any]:
        return [key, g.leads, g.excluded] + [
            duration(getattr(g, m)[kind][f"{s}_seconds"])
            for m in MEASURES
            for s in ("mean", "median", "p90")
        ]

    _table(headers, [line(overall, "all")] + [line(g, g.key) for g in data.by(by)])
    ratings, mean = overall.systems_rating, overall.rating_of_mean
    click.echo(
        "systems-delay ratings: "
        + ", ".join(f"{r.value.replace('_', ' ')} {ratings[r.value]}" for r in RATINGS)
        + (f"; the mean rates {mean.replace('_', ' ')}" if mean else "")
    )


@report.command("sla")
@_scope_options
@click.option(
    "--by",
    "by",
    type=click.Choice(["rule", "owner", "team", "week"]),
    default="rule",
    show_default=True,
)
@pass_ctx
def report_sla(
    ctx: CliContext, since, until, source, lead_type, owner, team, as_json: bool, by: str
) -> None:
    """SLA hit/miss and compliance, response times and miss durations (business time), open
    clocks."""
    baton = ctx.open()
    now, zone = baton.clock.now(), workspace_zone(ctx, baton)
    scope = _scope(
        zone,
        now,
        since,
        until,
        source=source,
        lead_type=lead_type,
        owner=owner,
        team=team,
    )
    with baton.db.read() as conn:
        data = sla_report(conn, scope, now)
    if as_json:
        return _print(data.as_dict())
    o = data.overall
    click.echo(
        f"SLA {_period(scope, zone)}: {o.clocks} charges; "
        f"compliance {_percent(o.compliance)} ({o.hit} hit, {o.miss} miss); {o.open} open "
        f"({o.overdue} overdue); {o.excluded} excluded, {o.released} released (not counted); "
        "verdicts as of now, business time"
    )
    click.echo(_target(data, o, "the period"))
    if by == "team":
        for g in data.by_team:
            click.echo(_target(data, g, f"team {g.key}"))
    headers = [
        by,
        "charges",
        "hit",
        "miss",
        "compliance",
        "open",
        "overdue",
        "excl.",
        "released",
        "resp. mean",
        "resp. median",
        "miss mean",
    ]
    rows = [
        [
            g.key,
            g.clocks,
            g.hit,
            g.miss,
            _percent(g.compliance),
            g.open,
            g.overdue,
            g.excluded,
            g.released,
            duration((g.response_business or {}).get("mean_seconds")),
            duration((g.response_business or {}).get("median_seconds")),
            duration((g.miss_business or {}).get("mean_seconds")),
        ]
        for g in data.by(by)
    ]
    _table(headers, rows)


def _target(data: SlaReport, group: SlaGroup, what: str) -> str:
    """Against ``health.team_sla_compliance``, on enough verdicts (``health.min_sample``)."""
    target, sample = data.limits.team_sla_compliance, data.sample(group)
    if not sample.enough:
        return f"{what}: {sample.words} to judge against the {target:.0%} target"
    if data.under_target(group):
        return f"⚠ {what}: {_percent(group.compliance)}, under the {target:.0%} target"
    return f"{what}: {_percent(group.compliance)}, at or over the {target:.0%} target"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@click.group()
def sla() -> None:
    """SLA clocks."""


@sla.command("status")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--owner", default=None, help="Only this owner's clocks.")
@click.option("--team", default=None, help="Only clocks of owners in this team.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def sla_status(
    ctx: CliContext, limit: int, owner: str | None, team: str | None, as_json: bool
) -> None:
    """Open clocks, most late first: overdue (past the deadline, untouched) by how late,
    then the running ones by deadline."""
    baton = ctx.open()
    now = baton.clock.now()
    with baton.db.read() as conn:
        found = open_clocks(conn, now, limit, owner=owner, team=team)
    if as_json:
        return _print(found.as_dict())
    if not found.clocks:
        click.echo("no open SLA clocks")
        return
    zone = workspace_zone(ctx, baton)
    headers = ["lead", "company", "owner", "rule", f"due ({zone.key})", "left (business)"]
    _table(
        [*headers, "late", "state"],
        [
            [
                f"{c.lead_id} {c.lead}",
                c.company or "",
                c.owner_id,
                c.rule,
                f"{c.due_at.astimezone(zone):%a %Y-%m-%d %H:%M}",
                duration(c.time_left_business_seconds),
                duration(c.late_seconds) if c.state == "overdue" else "",
                c.state.upper() if c.state == "overdue" else c.state,
            ]
            for c in found.clocks
        ],
    )


@click.group()
def outage() -> None:
    """Outage windows: leads whose systems delay they touch leave speed-to-lead averages."""


@outage.command("add")
@click.option(
    "--from",
    "starts",
    required=True,
    help="Start, e.g. '2026-11-02 14:00' (workspace time zone unless an offset is given).",
)
@click.option("--to", "ends", required=True, help="End (exclusive), e.g. '2026-11-02 16:30'.")
@click.option("--reason", required=True, help="What was down, e.g. 'web form webhook failing'.")
@pass_ctx
def outage_add(ctx: CliContext, starts: str, ends: str, reason: str) -> None:
    """Declare an outage window (recorded in the event log)."""
    baton = ctx.open()
    zone = workspace_zone(ctx, baton)
    try:
        now = baton.clock.now()
        starts_at, ends_at = parse_moment(starts, zone, now), parse_moment(ends, zone, now)
        row = declare_outage(baton, starts_at, ends_at, reason, f"cli:{author_name()}")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--from/--to/--reason") from exc
    click.echo(
        f"outage {row['id']}: {_local(row['starts_at'], zone)} → {_local(row['ends_at'], zone)}"
        f" {zone.key} ({row['reason']})"
    )


@outage.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def outage_list(ctx: CliContext, as_json: bool) -> None:
    """Every declared outage, earliest first."""
    baton = ctx.open()
    with baton.db.read() as conn:
        rows = list_outages(conn)
    if as_json:
        return click.echo(json.dumps(jsonable(rows), indent=2))
    if not rows:
        click.echo("no outages declared")
        return
    zone = workspace_zone(ctx, baton)
    _table(
        ["id", f"from ({zone.key})", "to", "reason", "declared by"],
        [
            [
                r["id"],
                _local(r["starts_at"], zone),
                _local(r["ends_at"], zone),
                r["reason"],
                r["created_by"],
            ]
            for r in rows
        ],
    )


def _local(t: datetime, zone: ZoneInfo) -> str:
    return f"{t.astimezone(zone):%Y-%m-%d %H:%M}"


COMMANDS = [
    sla,
    outage,
]  # `report sla` and `report speed-to-lead` join the report group of routing_cmds
