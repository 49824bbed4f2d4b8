"""`baton lead`: one lead by hand — move it through the lifecycle."""

from __future__ import annotations

import click

from baton.cli.context import CliContext, author_name
from baton.domain.records import LeadStatus
from baton.services.lifecycle.status import StatusRefused, change_status

pass_ctx = click.make_pass_decorator(CliContext)
NOTE_LIMIT = 2000


def _note(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and len(value) > NOTE_LIMIT:
        raise click.BadParameter(f"at most {NOTE_LIMIT} characters ({len(value)} given)")
    return value


@click.group()
def lead() -> None:
    """Leads by hand: move one through the lifecycle (MQL, SAL, SQL, or reject it)."""


@lead.command("status")
@click.argument("lead_id", type=int)
@click.argument("status", type=click.Choice([s.value for s in LeadStatus]))
@click.option(
    "--reason",
    help="Required for recycled and disqualified: one of the workspace's "
    "lifecycle.rejection_reasons, e.g. 'no budget'.",
)
@click.option("--note", callback=_note, help="Anything the next person should know.")
@pass_ctx
def status(
    ctx: CliContext, lead_id: int, status: str, reason: str | None, note: str | None
) -> None:
    """Move LEAD_ID to STATUS: stamps its date; recycled and disqualified need --reason.

    A move the lifecycle does not allow exits 1 with the moves it allows."""
    baton = ctx.open()
    actor = f"cli:{author_name()}"
    try:
        moved = change_status(baton, lead_id, status, actor, reason=reason, note=note)
    except LookupError:
        raise click.ClickException(f"no lead {lead_id}") from None
    except StatusRefused as exc:
        raise click.ClickException(str(exc)) from exc
    stamped = f", {moved.stamp} {moved.at:%Y-%m-%d %H:%M} UTC" if moved.stamp else ""
    click.echo(f"lead {lead_id}: {moved.from_status} → {moved.to_status}{stamped}")
