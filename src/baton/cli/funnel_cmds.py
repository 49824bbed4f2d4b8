"""The lifecycle's reports from the command line, added to the ``report`` group: the funnel
(``report funnel``), the feedback loop to Marketing (``report feedback``) and lead leakage
(``report leakage``). Same period and filters as ``report sla`` and ``report
speed-to-lead``: the last 30 calendar days of the workspace's zone unless ``--since``."""

from __future__ import annotations

from typing import Any

import click

from baton.cli.context import CliContext
from baton.cli.data_cmds import workspace_zone
from baton.cli.report_cmds import (
    _percent,
    _period,
    _print,
    _scope,
    _scope_options,
    _table,
    duration,
    report,
)
from baton.cli.routing_cmds import _flag
from baton.reports.feedback import Acceptance, feedback_report
from baton.reports.funnel import DIMENSIONS, FunnelGroup, funnel_report
from baton.reports.leakage import DIMENSIONS as LEAK_DIMENSIONS
from baton.reports.leakage import leakage_report
from baton.reports.stages import STAGES, STEPS

pass_ctx = click.make_pass_decorator(CliContext)
__all__ = ["report"]


@report.command("funnel")
@_scope_options
@click.option(
    "--by",
    "by",
    type=click.Choice(list(DIMENSIONS)),
    default="source",
    show_default=True,
    help="The groups of the table below the funnel (week: the MQL week, the cohort).",
)
@pass_ctx
def report_funnel(
    ctx: CliContext, since, until, source, lead_type, owner, team, as_json: bool, by: str
) -> None:
    """MQL → SAL → SQL → Opportunity → Won of the leads that became MQL in the period: rates
    and median time between stages (wall clock and business time)."""
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
        data = funnel_report(conn, scope)
    if as_json:
        return _print(data.as_dict())
    o, names = data.overall, data.names
    click.echo(f"Funnel {_period(scope, zone)}: the leads that became {names['mql']} in it")
    rows = [[names["mql"], o.mql, "", "", ""]]
    for stage, step in zip(STAGES[1:], STEPS, strict=True):
        times = o.times[step]
        rows.append(
            [
                names[stage],
                o.count(stage),
                _percent(o.rates[step]),
                duration(times["wall"]["median_seconds"]),
                duration(times["business"]["median_seconds"]),
            ]
        )
    _table(["stage", "leads", "from the stage before", "median time", "in business time"], rows)
    click.echo(
        f"{_percent(o.rates['mql_to_won'])} of the {names['mql']}s won. Won: converted, and the "
        "lead's account has a Closed Won opportunity closed since."
    )
    click.echo("")
    headers = [by, *(names[s] for s in STAGES)] + [
        f"{names[a]}→{names[b]}" for a, b in zip(STAGES, STAGES[1:], strict=False)
    ]
    _table(headers, [_group_row(g) for g in data.by(by)])


def _group_row(g: FunnelGroup) -> list[Any]:
    return [g.key, *(g.count(s) for s in STAGES), *(_percent(g.rates[s]) for s in STEPS)]


@report.command("feedback")
@_scope_options
@pass_ctx
def report_feedback(
    ctx: CliContext, since, until, source, lead_type, owner, team, as_json: bool
) -> None:
    """Rejection reasons by volume and week; acceptance rate (SAL ÷ MQL) by source and campaign,
    SQL rate by campaign."""
    baton = ctx.open()
    now, zone = baton.clock.now(), workspace_zone(ctx, baton)
    scope = _scope(
        zone, now, since, until, source=source, lead_type=lead_type, owner=owner, team=team
    )
    with baton.db.read() as conn:
        data = feedback_report(conn, scope, now)
    if as_json:
        return _print(data.as_dict())
    limit = data.limits.rejection_reason_share
    click.echo(f"Feedback loop {_period(scope, zone)}: {data.rejections} rejections")
    rows = [
        [
            r.reason,
            r.rejections,
            _percent(r.share) + _flag(r.flagged, data.sample, f"over {limit:.0%}"),
        ]
        for r in data.reasons
    ]
    if rows:
        _table(["reason", "rejections", "share"], rows)
    if data.sample.enough and not data.flagged:
        click.echo(f"no reason over {limit:.0%} of the rejections")
    reasons = [r.reason for r in data.reasons]
    if data.by_week:
        click.echo("")
        _table(
            ["week", "rejections", *reasons],
            [[w.week, w.rejections, *(w.reasons.get(r, 0) for r in reasons)] for w in data.by_week],
        )
    a = data.acceptance
    click.echo("")
    click.echo(
        f"{a.mql} MQLs: {_percent(a.acceptance_rate)} accepted (SAL), "
        f"{_percent(a.sql_rate)} became SQL"
    )
    for what, groups in (
        ("source", data.acceptance_by_source),
        ("campaign", data.acceptance_by_campaign),
    ):
        click.echo("")
        _table([what, "MQL", "SAL", "acceptance", "SQL", "SQL rate"], _acceptance_rows(groups))


def _acceptance_rows(groups: tuple[Acceptance, ...]) -> list[list[Any]]:
    return [
        [g.key, g.mql, g.sal, _percent(g.acceptance_rate), g.sql, _percent(g.sql_rate)]
        for g in groups
    ]


@report.command("leakage")
@_scope_options
@click.option(
    "--by",
    "by",
    type=click.Choice(list(LEAK_DIMENSIONS)),
    default="owner",
    show_default=True,
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="Leaked leads listed at most, longest waiting first.",
)
@pass_ctx
def report_leakage(
    ctx: CliContext,
    since,
    until,
    source,
    lead_type,
    owner,
    team,
    as_json: bool,
    by: str,
    limit: int,
) -> None:
    """MQLs handed to Sales longer than lifecycle.leakage_after ago that nobody has touched."""
    baton = ctx.open()
    now, zone = baton.clock.now(), workspace_zone(ctx, baton)
    scope = _scope(
        zone, now, since, until, source=source, lead_type=lead_type, owner=owner, team=team
    )
    with baton.db.read() as conn:
        data = leakage_report(conn, scope, now, limit)
    if as_json:
        return _print(data.as_dict())
    over = f"over {data.limits.leakage_share:.0%}"
    click.echo(
        f"Leakage as of {now.astimezone(zone):%Y-%m-%d %H:%M}, MQLs of {_period(scope, zone)} "
        f"handed to Sales more than {duration(data.leakage_after_seconds)} ago: "
        f"{data.leaked} of {data.mqls} untouched ({_percent(data.share)})"
        + _flag(data.flagged, data.sample, over)
    )
    if data.mqls:
        _table(
            [by, "MQLs", "leaked", "share"],
            [[g.key, g.mqls, g.leaked, _percent(g.share)] for g in data.by(by)],
        )
    if data.leads:
        click.echo("")
        _table(
            ["lead", "owner", "handed over", "waiting", "source", "campaign"],
            [
                [
                    lead.lead_id,
                    lead.owner_id,
                    f"{lead.handed_at.astimezone(zone):%Y-%m-%d %H:%M}",
                    duration(lead.waiting_seconds),
                    lead.source or "—",
                    lead.campaign or "—",
                ]
                for lead in data.leads
            ],
        )
