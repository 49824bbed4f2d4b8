"""Workspace as code: init, check, apply, activate, versions, diff."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from baton.cli.context import CliContext, author_name, no_workspace_message
from baton.services.ownership.acks import rules_changed
from baton.services.versions.versions import (
    VersionError,
    activate_version,
    apply_workspace,
    diff_versions,
    list_versions,
)
from baton.workspace.loader import Workspace, load_workspace
from baton.workspace.problems import WorkspaceError
from baton.workspace.routing_compile import team_pool_lines
from baton.workspace.scaffold import write_template
from baton.workspace.sla_compile import coverage_issues

pass_ctx = click.make_pass_decorator(CliContext)


def load_or_fail(root: Path) -> Workspace:
    """Load the workspace or print every problem and exit 1."""
    if not (root / "baton.yaml").is_file():
        raise click.ClickException(no_workspace_message(root))
    try:
        ws = load_workspace(root)
    except WorkspaceError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        errors = len(exc.errors)
        raise click.ClickException(
            f"{errors} error{'s' if errors != 1 else ''} in {root / 'baton.yaml'}"
        ) from None
    for warning in ws.warnings:
        click.echo(str(warning), err=True)
    return ws


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Scaffold a commented baton.yaml and an example people.csv in DIRECTORY."""
    try:
        written = write_template(directory)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Created {', '.join(str(p) for p in written)}."
        f"\nNext: cd {directory} && baton check && baton apply"
    )


@click.command()
@pass_ctx
def check(ctx: CliContext) -> None:
    """Validate baton.yaml (and the files it includes); list every problem."""
    ws = load_or_fail(ctx.workspace)
    for issue in coverage_issues(ws.spec, _stored_lead_types(ctx)):
        if "stored leads" in issue.message:
            click.echo(f"warning: {issue.message} — add a rule, e.g. {issue.example}", err=True)
    for line in team_pool_lines(ws.spec):
        click.echo(line)
    s = ws.spec
    click.echo(
        f"ok: {ctx.workspace / 'baton.yaml'} — {len(s.people)} people, {len(s.teams)} teams,"
        f" {len(s.calendars)} calendars, {len(s.definitions)} definitions"
    )


def _stored_lead_types(ctx: CliContext) -> set[str]:
    """Lead types in the database, when there is one (check never creates a database)."""
    settings = ctx.settings()
    if (
        settings.database_url.startswith("sqlite:///")
        and not Path(settings.database_url.removeprefix("sqlite:///")).exists()
    ):
        return set()
    from sqlalchemy import select

    from baton.store.db import Database
    from baton.store.tables import leads

    db = Database(settings.database_url)
    try:
        with db.read() as conn:
            return {t for (t,) in conn.execute(select(leads.c.lead_type).distinct()) if t}
    except Exception as exc:  # a check must still report the file's own problems
        click.echo(
            f"note: could not read stored lead types ({type(exc).__name__});"
            " SLA coverage checked against routing only",
            err=True,
        )
        return set()
    finally:
        db.dispose()


@click.command()
@click.option("--author", default=None, help="Who applies it (default: $BATON_AUTHOR or $USER).")
@click.option(
    "--material/--not-material",
    default=None,
    help="Whether a change to the rules of engagement asks every rep to acknowledge again "
    "(asked when it changes and neither is given; material when no one can be asked).",
)
@pass_ctx
def apply(ctx: CliContext, author: str | None, material: bool | None) -> None:
    """Record the workspace as a new draft version (nothing changes until `baton activate`)."""
    ws = load_or_fail(ctx.workspace)
    baton = ctx.open()
    with baton.db.read() as conn:
        changed = rules_changed(conn, ws.document)
    if changed and material is None:
        material = not sys.stdin.isatty() or click.confirm(
            "The rules of engagement change. Is the change material (every rep acknowledges "
            "the new version)?",
            default=True,
        )
    result = apply_workspace(
        baton, ws, f"cli:{author or author_name()}", roe_material=material if changed else None
    )
    if not result.created:
        click.echo(f"no change: the workspace is identical to version {result.number}")
        return
    click.echo(f"version {result.number} recorded as draft")
    if changed:
        ack = "the reps acknowledge it again" if material else "no new acknowledgment"
        click.echo(f"  rules of engagement changed: {'' if material else 'not '}material ({ack})")
    for line in result.diff:
        click.echo(f"  {line}")
    click.echo(f"make it live with: baton activate {result.number}")


@click.command()
@click.argument("version", type=int)
@click.option("--author", default=None, help="Who activates it (default: $BATON_AUTHOR or $USER).")
@pass_ctx
def activate(ctx: CliContext, version: int, author: str | None) -> None:
    """Make VERSION the live workspace (the previous live version is kept)."""
    baton = ctx.open()
    try:
        changes = activate_version(baton, version, f"cli:{author or author_name()}")
    except VersionError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"version {version} is active")
    for line in changes:
        click.echo(f"  {line}")


@click.command()
@pass_ctx
def versions(ctx: CliContext) -> None:
    """List workspace versions: the change log."""
    baton = ctx.open()
    with baton.db.read() as conn:
        rows = list_versions(conn)
    table = Table(
        "version", "state", "author", "created (UTC)", "activated (UTC)", "changes", "hash"
    )
    for r in rows:
        table.add_row(
            str(r["number"]),
            r["state"],
            r["author"],
            f"{r['created_at']:%Y-%m-%d %H:%M}",
            f"{r['activated_at']:%Y-%m-%d %H:%M}" if r["activated_at"] else "",
            str(len(r["diff"].splitlines())),
            r["content_hash"][:12],
        )
    Console().print(table)


@click.command()
@click.argument("a", type=int)
@click.argument("b", type=int)
@pass_ctx
def diff(ctx: CliContext, a: int, b: int) -> None:
    """Show what changed from version A to version B."""
    baton = ctx.open()
    with baton.db.read() as conn:
        try:
            lines = diff_versions(conn, a, b)
        except VersionError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo("\n".join(lines) if lines else f"versions {a} and {b} are identical")


COMMANDS = [init, check, apply, activate, versions, diff]
