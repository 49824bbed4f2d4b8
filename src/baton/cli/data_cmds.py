"""Data in and access: import CSV exports, API tokens, out-of-office periods."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.progress import Progress

from baton.cli.context import CliContext, author_name
from baton.cli.dates import parse_moment
from baton.domain.people import Period
from baton.services.outcomes import Rejected
from baton.services.people.availability import add_out_of_office, set_out_of_office
from baton.services.people.tokens import SCOPES, create_token, list_tokens, revoke_token
from baton.services.records.importer import ImportOptions, import_csv
from baton.services.records.status_history import HistoryFileError, import_status_history
from baton.services.versions.versions import active_version
from baton.workspace.loader import load_workspace
from baton.workspace.problems import WorkspaceError

pass_ctx = click.make_pass_decorator(CliContext)
KIND_NAMES = {
    "leads": "lead",
    "accounts": "account",
    "people": "person",
    "activities": "activity",
    "opportunities": "opportunity",
    "status-history": "status-history",  # lead external id, status, changed_at[, reason]
}


def workspace_zone(ctx: CliContext, baton) -> ZoneInfo:
    """The time zone naive dates are read in: the live version's, else baton.yaml's, else UTC."""
    with baton.db.read() as conn:
        live = active_version(conn)
    if live is not None:
        return ZoneInfo(live.document["workspace"]["timezone"])
    try:
        return ZoneInfo(load_workspace(ctx.workspace).spec.workspace.timezone)
    except WorkspaceError:
        return ZoneInfo("UTC")


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or not column or not name:
            raise click.BadParameter(
                f"'{pair}' is not CSV_COLUMN=field (e.g. --map 'Email Address=email')",
                param_hint="--map",
            )
        out[column.strip()] = name.strip()
    return out


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(KIND_NAMES)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=field",
    help="Map a CSV column to a Baton field (repeatable).",
)
@click.option(
    "--day-first",
    is_flag=True,
    help="Read 03/04/2026 as 3 April (default: March 4, as US CRM exports write it).",
)
@click.option(
    "--source-system",
    default=None,
    help="Set source_system on rows that do not carry one, e.g. salesforce.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write rejected rows (default FILE.rejects.csv).",
)
@pass_ctx
def import_(
    ctx: CliContext,
    kind: str,
    file: Path,
    maps: tuple[str, ...],
    day_first: bool,
    source_system: str | None,
    rejects: Path | None,
) -> None:
    """Import a CSV export of KIND from FILE. Naive dates are read in the workspace time zone.

    status-history: one row per status change (external_id [, source_system], status,
    changed_at [, reason, note]), replayed through the lifecycle in changed_at order per lead."""
    baton = ctx.open()
    opts = ImportOptions(
        KIND_NAMES[kind],
        _mapping(maps),
        workspace_zone(ctx, baton),
        day_first,
        source_system,
        f"cli:{author_name()}",
    )
    total = max(sum(1 for _ in file.open(encoding="utf-8-sig")) - 1, 0)
    with Progress(transient=True) as progress:
        task = progress.add_task(f"importing {kind}", total=total)
        if kind == "status-history":
            try:
                summary = import_status_history(
                    baton, file, opts, lambda n: progress.advance(task, n)
                )
            except HistoryFileError as exc:
                raise click.ClickException(str(exc)) from exc
            done = f"{summary.inserted} status changes recorded, {summary.duplicates} already there"
        else:
            summary = import_csv(baton, file, opts, lambda n: progress.advance(task, n))
            done = f"{summary.inserted} inserted, {summary.duplicates} duplicates"
    click.echo(f"{summary.rows} rows: {done}, {len(summary.rejected)} rejected")
    for line, warning in summary.warnings[:20]:
        click.echo(f"  warning line {line}: {warning}")
    if summary.rejected:
        target = rejects or file.with_suffix(".rejects.csv")
        summary.write_rejects(target)
        for line, _, errors in summary.rejected[:10]:
            click.echo(
                f"  {file.name}:{line}: "
                + "; ".join(f"{e.as_dict()['field']}: {e.message}" for e in errors),
                err=True,
            )
        click.echo(f"rejected rows written to {target}", err=True)
        raise SystemExit(1)


@click.group()
def token() -> None:
    """API tokens (scopes: ingest, read, cs, admin)."""


@token.command("create")
@click.option(
    "--scope", "scopes", multiple=True, required=True, type=click.Choice(SCOPES), help="Repeatable."
)
@click.option("--name", required=True, help="What uses it, e.g. website-form.")
@pass_ctx
def token_create(ctx: CliContext, scopes: tuple[str, ...], name: str) -> None:
    """Create a token and print it once (only its hash is stored)."""
    baton = ctx.open()
    value = create_token(baton, name, list(scopes), f"cli:{author_name()}")
    click.echo(value)


@token.command("list")
@pass_ctx
def token_list(ctx: CliContext) -> None:
    baton = ctx.open()
    with baton.db.read() as conn:
        for t in list_tokens(conn):
            state = f"revoked {t['revoked_at']:%Y-%m-%d}" if t["revoked_at"] else "active"
            click.echo(f"{t['id']:>4}  {t['name']:<24} {t['scopes']:<20} {state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_ctx
def token_revoke(ctx: CliContext, token_id: int) -> None:
    baton = ctx.open()
    done = revoke_token(baton, token_id, f"cli:{author_name()}")
    if not done:
        raise click.ClickException(f"no active token {token_id}; `baton token list` shows them")
    click.echo(f"token {token_id} revoked")


@click.command()
@click.argument("person_id")
@click.option(
    "--from",
    "starts",
    required=True,
    help=(
        "First moment away (inclusive), e.g. 2026-12-22 (its midnight) or 2026-12-22T09:00, "
        "in the workspace's time zone unless an offset is given (2026-12-22T09:00-06:00)."
    ),
)
@click.option(
    "--to",
    "ends",
    required=True,
    help=(
        "First moment back (exclusive): --to 2027-01-04 is back at midnight starting Jan 4, "
        "so away through Jan 3. A date or date-time in the workspace's time zone (not the "
        "person's) unless an offset is given."
    ),
)
@click.option("--reason", default="PTO")
@click.option(
    "--replace", is_flag=True, help="Replace the person's existing periods instead of adding one."
)
@pass_ctx
def pto(
    ctx: CliContext, person_id: str, starts: str, ends: str, reason: str, replace: bool
) -> None:
    """Set an out-of-office period for PERSON_ID (routing skips them meanwhile).

    The period is [--from, --to): away from the --from instant, back at the --to instant.
    Dates and times without an offset are read in the workspace's time zone (workspace:
    timezone in baton.yaml), whatever the person's own zone."""
    baton = ctx.open()
    zone = workspace_zone(ctx, baton)
    try:
        period = Period(
            parse_moment(starts, zone, baton.clock.now()),
            parse_moment(ends, zone, baton.clock.now()),
            reason,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    actor = f"cli:{author_name()}"
    try:
        if replace:
            set_out_of_office(baton, person_id, [period], actor)
        else:
            add_out_of_office(baton, person_id, period, actor)
    except LookupError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    except Rejected as exc:
        raise click.ClickException("; ".join(e.message for e in exc.errors)) from exc
    click.echo(
        f"{person_id} out of office {period.starts_at.astimezone(zone):%Y-%m-%d %H:%M} → "
        f"{period.ends_at.astimezone(zone):%Y-%m-%d %H:%M} {zone.key} ({reason})"
    )


COMMANDS = [import_, token, pto]
