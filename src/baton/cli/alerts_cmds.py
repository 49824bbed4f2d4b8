"""`baton alerts`: the outbox (list, show, retry), silent mode, and a one-off drain."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from baton.cli.context import CliContext, author_name
from baton.services.alerts.outbox import STATES, AlertFilter, alert_detail, list_alerts, requeue
from baton.services.jsonable import jsonable

pass_ctx = click.make_pass_decorator(CliContext)


@click.group(invoke_without_command=True)
@click.option("--state", type=click.Choice(STATES), help="Only alerts in this state.")
@click.option("--kind", help="Only this kind (sla.* for every SLA alert).")
@click.option("--recipient", help="Only alerts for this person id.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.pass_context
def alerts(
    click_ctx: click.Context, state: str | None, kind: str | None, recipient: str | None, limit: int
) -> None:
    """List alerts, newest first: state, channel, provider id, last error."""
    if click_ctx.invoked_subcommand:
        return
    baton = click_ctx.find_object(CliContext).open()
    with baton.db.read() as conn:
        rows = list_alerts(
            conn, AlertFilter(state, kind, recipient, limit=limit, newest_first=True)
        )
    table = Table(
        "id",
        "kind",
        "to",
        "state",
        "attempts",
        "sent (UTC)",
        "channel",
        "provider id",
        "next try / last error",
    )
    for r in rows:
        note = r["last_error"] or ""
        if r["state"] == "failed" and r["next_attempt_at"]:
            note = f"{r['next_attempt_at']:%H:%M:%S} · {note}"
        table.add_row(
            str(r["id"]),
            r["kind"],
            f"{r['recipient_id']} ({r['role']})",
            r["state"],
            str(r["attempts"]),
            f"{r['sent_at']:%Y-%m-%d %H:%M:%S}" if r["sent_at"] else "",
            r["channel"] or "",
            r["provider_message_id"] or "",
            note[:80],
        )
    Console(width=200).print(table)


@alerts.command()
@click.argument("alert_id", type=int)
@pass_ctx
def show(ctx: CliContext, alert_id: int) -> None:
    """Show one alert with its content and every delivery attempt (JSON)."""
    baton = ctx.open()
    with baton.db.read() as conn:
        detail = alert_detail(conn, alert_id)
    if detail is None:
        raise click.ClickException(f"no alert {alert_id}")
    click.echo(json.dumps(jsonable(detail), indent=2))


@alerts.command()
@click.argument("alert_id", type=int)
@pass_ctx
def retry(ctx: CliContext, alert_id: int) -> None:
    """Re-queue a dead-lettered (or failed) alert: the worker sends it on its next round."""
    baton = ctx.open()
    try:
        row = requeue(baton, alert_id, f"cli:{author_name()}")
    except (LookupError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"alert {alert_id} ({row['kind']} to {row['recipient_id']}) re-queued")


@alerts.command()
@click.argument("switch", type=click.Choice(["on", "off"]), required=False)
@click.option(
    "--force", is_flag=True, help="Turn silent mode off before the minimum silent period is over."
)
@pass_ctx
def silent(ctx: CliContext, switch: str | None, force: bool) -> None:
    """Show silent mode, or switch it ON/OFF (edits baton.yaml and activates it as a new
    version)."""
    from baton.services.alerts.silent import (
        SilentModeError,
        business_days,
        set_silent,
        silent_status,
    )
    from baton.workspace.problems import WorkspaceError

    baton = ctx.open()
    now = baton.clock.now()
    if switch is None:
        with baton.db.read() as conn:
            status = silent_status(conn, now)
        state = (
            f"on since {status.since:%Y-%m-%d %H:%M} UTC, alerts go to {status.test_recipient}"
            if status.silent
            else "off"
        )
        click.echo(f"silent mode: {state}")
        click.echo(
            f"time in silent mode: {status.wall.total_seconds() / 86400:.1f} days, "
            f"{business_days(status):.1f} business days ({status.calendar or 'wall clock'})"
        )
        return
    try:
        version, before = set_silent(
            baton, ctx.workspace, switch == "on", f"cli:{author_name()}", force=force
        )
    except SilentModeError as exc:
        raise click.ClickException(str(exc)) from exc
    except WorkspaceError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("baton.yaml was left unchanged") from None
    click.echo(f"silent mode {switch}: version {version} is active")
    if switch == "off":
        click.echo(
            f"it was on for {before.wall.total_seconds() / 86400:.1f} days"
            f" ({business_days(before):.1f} business days)"
        )


@alerts.command()
@click.option("--max-rounds", default=1000, show_default=True, help="Stop after this many rounds.")
@pass_ctx
def deliver(ctx: CliContext, max_rounds: int) -> None:
    """Deliver what is due now, round after round until nothing is left (serve does this in the
    background)."""
    from baton.services.alerts.delivery import Delivery

    baton = ctx.open()
    job, total = Delivery(), 0
    for _ in range(max_rounds):
        done = job(baton, baton.clock.now())
        if not done:
            break
        total += done
    click.echo(f"handled {total} alerts")


COMMANDS = [alerts]
