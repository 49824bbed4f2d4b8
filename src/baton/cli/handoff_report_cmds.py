"""`baton report handoff`: the handoff report (completion, time to first touch, escalations)."""

from __future__ import annotations

from typing import Any

import click

from baton.cli.context import CliContext
from baton.cli.data_cmds import workspace_zone
from baton.cli.funnel_cmds import report
from baton.cli.report_cmds import _percent, _period, _print, _scope, _table
from baton.reports.handoff import HandoffGroup, live_handoff_report

pass_ctx = click.make_pass_decorator(CliContext)
__all__ = ["report"]


@report.command("handoff")
@click.option("--since", default=None, help="First close at or after (default: 30 days).")
@click.option("--until", default=None, help="First close before (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_ctx
def report_handoff(ctx: CliContext, since: str | None, until: str | None, as_json: bool) -> None:
    """Handoffs: completion, fields at close, first touch, escalations; pilot; open ones."""
    baton = ctx.open()
    now, zone = baton.clock.now(), workspace_zone(ctx, baton)
    scope = _scope(zone, now, since, until)
    with baton.db.read() as conn:
        data = live_handoff_report(conn, scope.since, scope.until, now)
    if as_json:
        return _print(data.as_dict())
    o = data.overall
    click.echo(
        f"Handoffs {_period(scope, zone)}: {o.closed} closed, {_percent(o.completion_rate)} "
        f"complete (target {data.limits.completion:.0%})"
    )
    for flag in o.flags:
        click.echo(f"red flag: {flag}")
    for what, groups in (("segment", data.by_segment), ("AE", data.by_ae), ("CSM", data.by_csm)):
        click.echo("")
        _table([what, *HEAD], [_row(g) for g in groups])
    if data.open:
        click.echo("")
        _table(
            ["open handoff", "deal", "tier", "csm", "state", "age (h)"],
            [
                [
                    r.handoff_id,
                    r.deal_name[:40],
                    r.tier,
                    r.csm_id or "—",
                    r.state,
                    f"{r.age_hours:.0f}",
                ]
                for r in data.open
            ],
        )


HEAD = ["closed", "complete", "fields at close", "escalated", "first touch avg (h)", "flags"]


def _row(g: HandoffGroup) -> list[Any]:
    avg = g.first_touch_avg_hours
    return [
        g.key,
        g.closed,
        _percent(g.completion_rate),
        _percent(g.fields_at_close_rate),
        _percent(g.escalation_rate),
        f"{avg:.1f}" if avg is not None else "—",
        "; ".join(g.flags),
    ]
