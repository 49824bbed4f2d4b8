"""The ``baton`` command: a group whose subcommands live in small modules."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

import click

from baton import __version__
from baton.bootstrap import Baton, open_baton
from baton.settings import Settings, SettingsError


@dataclass
class CliContext:
    workspace: Path

    def settings(self) -> Settings:
        try:
            return Settings.from_env(self.workspace)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc

    def open(self) -> Baton:
        return open_baton(self.settings())


def author_name() -> str:
    """Who is acting: $BATON_AUTHOR, else the login name."""
    return os.environ.get("BATON_AUTHOR") or getpass.getuser()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="BATON_WORKSPACE",
    default=".",
    show_default=True,
    help="The workspace folder (holds baton.yaml and, by default, .baton/baton.db).",
)
@click.version_option(__version__, prog_name="baton")
@click.pass_context
def cli(ctx: click.Context, workspace: Path) -> None:
    """Baton: lead routing, SLA clocks and hand-offs for revenue teams, as code."""
    ctx.obj = CliContext(workspace=workspace)


def _register() -> None:
    from baton.cli import (
        alerts_cmds,
        data_cmds,
        report_cmds,
        routing_cmds,
        run_cmds,
        user_cmds,
        workspace_cmds,
    )

    for module in (
        workspace_cmds,
        data_cmds,
        routing_cmds,
        report_cmds,
        run_cmds,
        alerts_cmds,
        user_cmds,
    ):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
