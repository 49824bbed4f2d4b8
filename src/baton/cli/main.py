"""The ``baton`` command: a group whose subcommands live in small modules, imported only
when one of them runs, so that ``baton --help`` and ``baton --version`` start at once."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from baton import __version__
from baton.cli.context import CliContext

# name: (module:attribute, the line `baton --help` shows) — a unit test keeps each line
# equal to the command's own short help, so listing commands imports none of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "workspace_cmds:init",
        "Scaffold a commented baton.yaml and an example people.csv in DIRECTORY.",
    ),
    "check": (
        "workspace_cmds:check",
        "Validate baton.yaml (and the files it includes); list every problem.",
    ),
    "apply": (
        "workspace_cmds:apply",
        "Record the workspace as a new draft version (nothing changes until `baton activate`).",
    ),
    "activate": (
        "workspace_cmds:activate",
        "Make VERSION the live workspace (the previous live version is kept).",
    ),
    "versions": ("workspace_cmds:versions", "List workspace versions: the change log."),
    "diff": ("workspace_cmds:diff", "Show what changed from version A to version B."),
    "import": ("data_cmds:import_", "Import a CSV export of KIND from FILE."),
    "token": ("data_cmds:token", "API tokens (scopes: ingest, read, cs, admin)."),
    "lead": (
        "lead_cmds:lead",
        "Leads by hand: move one through the lifecycle (MQL, SAL, SQL, or reject it).",
    ),
    "pto": (
        "data_cmds:pto",
        "Set an out-of-office period for PERSON_ID (routing skips them meanwhile).",
    ),
    "route": (
        "routing_cmds:route",
        "Explain how LEAD_ID was routed, or dry-run a file of leads against a version.",
    ),
    "test": (
        "routing_cmds:test_",
        "Run routing scenarios (CSV or YAML: a record + expected_owner/queue/team/pool/node "
        "per row).",
    ),
    "reroute": (
        "routing_cmds:reroute",
        "Re-route a departed person's open leads and named accounts through the live flow.",
    ),
    # report_cmds adds sla and speed-to-lead to routing_cmds' group, funnel_cmds (which imports
    # report_cmds) funnel, feedback and leakage, handoff_report_cmds (which imports funnel_cmds)
    # handoff, dispute_report_cmds (which imports handoff_report_cmds) disputes
    "report": ("dispute_report_cmds:report", "Reports."),
    "sla": ("report_cmds:sla", "SLA clocks."),
    "outage": (
        "report_cmds:outage",
        "Outage windows: leads whose systems delay they touch leave speed-to-lead averages.",
    ),
    "serve": (
        "run_cmds:serve",
        "Serve the API (docs at /docs) and run the background worker, in one process.",
    ),
    "worker": (
        "worker_cmds:worker",
        "Run the background jobs without serving HTTP (timers, escalations, alerts, health).",
    ),
    "demo": (
        "run_cmds:demo",
        "Create a demo company in DIRECTORY (default ./baton-demo), load it, and serve it.",
    ),
    "db": ("run_cmds:db", "Database schema."),
    "health": (
        "health_cmds:health",
        "Health monitors: green, amber or red, with what to do (exit 0 / 1 / 2).",
    ),
    "alerts": (
        "alerts_cmds:alerts",
        "List alerts, newest first: state, channel, provider id, last error.",
    ),
    "handoff": (
        "handoff_cmds:handoff",
        "Sales → CS handoffs: list them, show one (steps, trace, summary), mark one reviewed.",
    ),
    "explain-rules": (
        "roe_cmds:explain_rules",
        "Render the rules of engagement (ROE document or quick-reference card) from the rules.",
    ),
    "dispute": (
        "roe_cmds:dispute",
        "Ownership disputes: raise one, list them, escalate, resolve (the final arbiter).",
    ),
    "roe": (
        "roe_cmds:roe",
        "Rules of engagement: blocked owner changes and exceptions, and the transfer door.",
    ),
    "user": (
        "user_cmds:user",
        "Dashboard users (roles: admin sees everything, manager their teams, rep their own leads).",
    ),
}


def load_command(name: str) -> click.Command:
    """Import the module that defines the command ``name`` and return the command."""
    module, attribute = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(f"baton.cli.{module}"), attribute)


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
