"""`baton user`: who may sign in to the web dashboard (create, list, disable, password), and
who tried to (signins)."""

from __future__ import annotations

import sys

import click

from baton.cli.context import CliContext, author_name
from baton.services.people.signin import list_attempts
from baton.services.people.users import (
    MIN_PASSWORD_LENGTH,
    Role,
    UserError,
    change_password,
    create_user,
    disable_user,
    list_users,
)

pass_ctx = click.make_pass_decorator(CliContext)


@click.group()
def user() -> None:
    """Dashboard users (roles: admin sees everything, manager their teams, rep their own leads)."""


@user.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--person",
    "person_id",
    help="The person this user is (required for manager and rep), e.g. maria-chen.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)
@pass_ctx
def user_create(
    ctx: CliContext, username: str, role: str, person_id: str | None, password_stdin: bool
) -> None:
    """Create USERNAME; the password is prompted for (or read with --password-stdin) and only its
    hash is kept."""
    password = _read_password(password_stdin)
    baton = ctx.open()
    try:
        created = create_user(
            baton, username, password, Role(role), person_id, f"cli:{author_name()}"
        )
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    who = f" as {created.person_id}" if created.person_id else ""
    click.echo(
        f"user {created.username} created ({created.role.value}{who});"
        f" sign in at {baton.settings.public_url}/signin"
    )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(
        f"password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )


@user.command("password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from the first line of standard input instead of prompting.",
)
@pass_ctx
def user_password(ctx: CliContext, username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME: every dashboard session they have ends at once."""
    password = _read_password(password_stdin)
    baton = ctx.open()
    try:
        change_password(baton, username, password, f"cli:{author_name()}")
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"password of {username} changed; their sessions have ended")


@user.command("signins")
@click.option("--all", "everything", is_flag=True, help="Successful sign-ins too.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@pass_ctx
def user_signins(ctx: CliContext, everything: bool, limit: int) -> None:
    """Sign-in attempts, newest first: the failed ones (who was named, from where, when)."""
    baton = ctx.open()
    with baton.db.read() as conn:
        rows = list_attempts(conn, failed_only=not everything, limit=limit)
    for r in rows:
        outcome = "ok" if r["succeeded"] else "FAILED"
        click.echo(
            f"{r['at']:%Y-%m-%d %H:%M:%S}Z {outcome:<6} {r['username'][:40]:<40} {r['address']}"
        )
    if not rows:
        click.echo("no failed sign-ins" if not everything else "no sign-ins")


@user.command("list")
@pass_ctx
def user_list(ctx: CliContext) -> None:
    baton = ctx.open()
    with baton.db.read() as conn:
        rows = list_users(conn)
    for u in rows:
        state = "disabled" if u["disabled"] else "active"
        click.echo(
            f"{u['username']:<24} {u['role']:<8} {u['person_id'] or '-':<24} {state:<9}"
            f" created {u['created_at']:%Y-%m-%d}"
        )


@user.command("disable")
@click.argument("username")
@pass_ctx
def user_disable(ctx: CliContext, username: str) -> None:
    """Disable USERNAME: their sessions stop working at their next request."""
    baton = ctx.open()
    done = disable_user(baton, username, f"cli:{author_name()}")
    if not done:
        raise click.ClickException(f"no enabled user '{username}'; `baton user list` shows them")
    click.echo(f"user {username} disabled")


COMMANDS = [user]
