"""`baton report disputes`: ownership disputes per month, time to resolution, outcomes and the
most contested accounts — the figures of ``GET /v1/reports/disputes``."""

from __future__ import annotations

import click

from baton.cli.context import CliContext
from baton.cli.data_cmds import workspace_zone
from baton.cli.handoff_report_cmds import report
from baton.cli.report_cmds import _percent, _period, _print, _scope, _table, duration
from baton.reports.disputes import dispute_report

pass_ctx = click.make_pass_decorator(CliContext)
__all__ = ["report"]


@report.command("disputes")
@click.option(
    "--since",
    default=None,
    help="Raised at or after (default: the 30 calendar days ending today), e.g. 2026-11-01.",
)
@click.option("--until", default=None, help="Raised before (default: now), e.g. today.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_ctx
def report_disputes(ctx: CliContext, since: str | None, until: str | None, as_json: bool) -> None:
    """Disputes: per month, time to resolution, outcomes, the most contested accounts."""
    baton = ctx.open()
    now, zone = baton.clock.now(), workspace_zone(ctx, baton)
    scope = _scope(zone, now, since, until)
    with baton.db.read() as conn:
        data = dispute_report(conn, scope.since, scope.until, zone, now)
    if as_json:
        return _print(data.as_dict())
    t = data.time_to_resolution
    click.echo(
        f"Disputes {_period(scope, zone)}: {data.raised} raised, {data.resolved} resolved, "
        f"{data.open} open ({data.overdue_open} overdue)"
    )
    click.echo(
        f"time to resolution: median {duration(t['median_seconds'])}, "
        f"mean {duration(t['mean_seconds'])}; within the SLA {data.within_sla} "
        f"({_percent(data.within_sla_rate)})"
    )
    click.echo("outcomes: " + ", ".join(f"{k} {v}" for k, v in data.outcomes.items()))
    click.echo("")
    _table(
        ["month", "raised", "resolved"], [[m.month, m.raised, m.resolved] for m in data.by_month]
    )
    if data.top_accounts:
        click.echo("")
        _table(
            ["account", "id", "disputes", "open"],
            [[(a.name or "—")[:40], a.account_id, a.disputes, a.open] for a in data.top_accounts],
        )
