"""``baton health``: every health monitor (docs/health.md), its status, value, threshold and
what the playbook says to do; exit 0 when all are green, 1 when one is amber, 2 red."""

from __future__ import annotations

import json

import click

from baton.cli.context import CliContext
from baton.domain.health import Monitor, Status, exit_code, figure, overall
from baton.services.health.registry import evaluate
from baton.services.jsonable import jsonable

pass_ctx = click.make_pass_decorator(CliContext)

MARKS = {
    Status.GREEN: "green",
    Status.AMBER: "AMBER",
    Status.RED: "RED",
    Status.NOT_JUDGED: "not judged",
}


def _line(m: Monitor) -> str:
    limit = f"{'>' if m.direction == 'above' else '<'} {figure(m.threshold, m.unit)}"
    detail = m.sample.words if m.status is Status.NOT_JUDGED and m.sample else m.detail
    return (
        f"{MARKS[m.status]:<10}  {m.title:<42}  {figure(m.value, m.unit):>8}  "
        f"(red {limit})  {detail}"
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the monitors as JSON.")
@pass_ctx
def health(ctx: CliContext, as_json: bool) -> None:
    """Health monitors: green, amber or red, with what to do (exit 0 / 1 / 2).

    Each monitor's value, threshold (health: in baton.yaml) and the records behind it;
    a ratio on too little data is "not judged" and counts as green."""
    baton = ctx.open()
    now = baton.clock.now()
    with baton.db.read() as conn:
        monitors = evaluate(conn, now)
    if as_json:
        click.echo(
            json.dumps(
                jsonable(
                    {
                        "status": overall(monitors).value,
                        "as_of": now,
                        "monitors": [m.as_dict() for m in monitors],
                    }
                ),
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for m in monitors:
            click.echo(_line(m))
            if m.status in (Status.AMBER, Status.RED):
                click.echo(f"{'':10}  → {m.response}")
                if m.records:
                    click.echo(f"{'':10}    records: {m.records}")
        click.echo(f"overall: {overall(monitors).value}")
    raise SystemExit(exit_code(monitors))
