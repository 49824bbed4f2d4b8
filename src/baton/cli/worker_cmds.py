"""``baton worker``: the background jobs without HTTP, for deployments that run the API in
processes of their own (``baton serve --no-worker``)."""

from __future__ import annotations

import signal

import click

from baton.cli.context import CliContext
from baton.worker import Worker

pass_ctx = click.make_pass_decorator(CliContext)


@click.command()
@click.option(
    "--idle",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05, 60),
    help="Seconds to wait when a round found nothing to do.",
)
@click.option("--once", is_flag=True, help="Run one round of every job and exit.")
@pass_ctx
def worker(ctx: CliContext, idle: float, once: bool) -> None:
    """Run the background jobs without serving HTTP (timers, escalations, alerts, health).

    The same jobs, in the same order, as `baton serve` runs in its own process: SLA
    timers, handoff escalations and first-touch misses, ownership timeouts, dispute
    reminders, health monitors, alert delivery. Stops after the current round on SIGTERM
    or Ctrl-C."""
    baton = ctx.open()
    job = Worker(baton, idle_seconds=idle)
    if once:
        done = job.run_once()
        click.echo(f"one round: {done} item{'s' if done != 1 else ''} of work")
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: job.request_stop())
    click.echo(f"Baton worker on {ctx.workspace.resolve()} (database: {baton.db.dialect})")
    job.run_forever()
    click.echo("worker stopped")
