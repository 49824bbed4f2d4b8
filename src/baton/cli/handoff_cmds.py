"""`baton handoff`: the Sales → CS handoffs closed deals started (list, show, review)."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from baton.cli.context import CliContext, author_name
from baton.services.handoff.review import review_handoff
from baton.services.handoff.views import STATES, HandoffFilter, handoff_detail, list_handoffs
from baton.services.jsonable import jsonable

pass_ctx = click.make_pass_decorator(CliContext)


@click.group()
def handoff() -> None:
    """Sales → CS handoffs: list them, show one (steps, trace, summary), mark one reviewed."""


@handoff.command("list")
@click.option("--state", type=click.Choice(STATES), help="Only handoffs in this state.")
@click.option("--csm", help="Only this CSM's (a person id).")
@click.option("--tier", help="Only this tier (e.g. high-touch).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="JSON, as GET /v1/handoffs gives it.")
@pass_ctx
def list_(
    ctx: CliContext,
    state: str | None,
    csm: str | None,
    tier: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List handoffs: deal, tier, CSM, state, what was missing at the close."""
    baton = ctx.open()
    with baton.db.read() as conn:
        rows = list_handoffs(conn, HandoffFilter(state, csm, tier, limit=limit))
    if as_json:
        click.echo(json.dumps(jsonable(rows), indent=2))
        return
    table = Table("id", "deal", "tier", "csm", "state", "closed (UTC)", "missing", "override")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["deal_name"][:40],
            r["tier"] + (" (light)" if r["variation"] == "light" else ""),
            r["csm_id"] or (f"queue {r['queue']}" if r["queue"] else "—"),
            r["state"],
            f"{r['closed_at']:%Y-%m-%d %H:%M}",
            ", ".join(r["missing"]),
            "yes" if r["overridden"] else "",
        )
    Console(width=200).print(table)


@handoff.command()
@click.argument("handoff_id", type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="Everything, as GET /v1/handoffs/ID.")
@pass_ctx
def show(ctx: CliContext, handoff_id: int, as_json: bool) -> None:
    """One handoff: its steps with why, the CSM's trace, the task and the summary."""
    baton = ctx.open()
    with baton.db.read() as conn:
        h = handoff_detail(conn, handoff_id, baton.clock.now())
    if h is None:
        raise click.ClickException(f"no handoff {handoff_id}")
    if as_json:
        click.echo(json.dumps(jsonable(h), indent=2))
        return
    click.echo(f"handoff {h['id']}: {h['deal_name']} — {h['tier']}, {h['state']}")
    click.echo(f"CSM: {h['csm_id'] or '—'} ({h['assignment'].get('why', '')})")
    for step in h["assignment"].get("steps", []):
        click.echo(f"    {step['node']}: {step['words']}")
    sla = h["first_touch_sla"]
    if sla:
        due = f"{sla['due_at']:%Y-%m-%d %H:%M} UTC" if sla["due_at"] else "—"
        click.echo(f"first-touch SLA: {sla['state']}, due {due} ({sla['calendar']})")
    if h["left"]:
        click.echo("left: " + "; ".join(h["left"]))
    if h["task"]:
        t = h["task"]
        click.echo(f"task: {t['title']} ({t['state']}, for {t['assignee_id']})")
    click.echo("steps:")
    for s in h["steps"]:
        click.echo(f"  {s['at']:%Y-%m-%d %H:%M} {s['kind']:<16} {s['why']}")
    click.echo("")
    click.echo(h["summary_md"])


@handoff.command()
@click.argument("handoff_id", type=click.IntRange(1))
@pass_ctx
def review(ctx: CliContext, handoff_id: int) -> None:
    """Mark the handoff's summary reviewed by the CSM (completes it when nothing is left)."""
    baton = ctx.open()
    try:
        result = review_handoff(baton, handoff_id, f"cli:{author_name()}")
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    left = "; ".join(result["left"])
    click.echo(f"handoff {handoff_id}: {result['state']}" + (f" — left: {left}" if left else ""))
