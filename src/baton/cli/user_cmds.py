"""`baton user`: who may sign in to the web dashboard (create, list, disable)."""

from __future__ import annotations

import sys

import click

from baton.cli.context import CliContext, author_name
from baton.services.people.users import (
    MIN_PASSWORD_LENGTH,
    Role,
    UserError,
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
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"password (at least {MIN_PASSWORD_LENGTH} characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
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
