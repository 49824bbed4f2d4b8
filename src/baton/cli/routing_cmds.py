"""Routing from the command line: explain, dry-run a file, scenario tests, departures, report."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from baton.cli.context import CliContext, author_name
from baton.cli.data_cmds import workspace_zone
from baton.cli.dates import parse_moment
from baton.domain.routing.explain import outcome_words
from baton.reports.routing import RoutingReport, distribution
from baton.reports.scope import Sample, default_period
from baton.services.jsonable import jsonable
from baton.services.records.importer import ImportOptions, row_to_payload
from baton.services.records.kinds import LEAD
from baton.services.routing.departure import DepartureError, reroute_departed
from baton.services.routing.dryrun import NoRouting, dry_route, open_dry_run
from baton.services.routing.scenario_file import ScenarioFileError
from baton.services.routing.scenarios import run_scenarios
from baton.services.routing.traces import lead_trace

pass_ctx = click.make_pass_decorator(CliContext)


@click.command()
@click.argument("lead_id", type=int, required=False)
@click.option("--explain", "show", is_flag=True, help="Print the path the lead took, in words.")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Route every row of a CSV of leads.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --file: decide without writing anything (required with --file).",
)
@click.option(
    "--version",
    type=int,
    default=None,
    help="Route against this version (draft included); default: the active one.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --file: write owner, queue and path per row to this CSV.",
)
@click.option(
    "--day-first",
    is_flag=True,
    help="With --file: read 03/04/2026 as 3 April (default: March 4, as US CRM exports write it).",
)
@pass_ctx
def route(
    ctx: CliContext,
    lead_id: int | None,
    show: bool,
    file: Path | None,
    dry_run: bool,
    version: int | None,
    out: Path | None,
    day_first: bool,
) -> None:
    """Explain how LEAD_ID was routed, or dry-run a file of leads against a version."""
    baton = ctx.open()
    if file is None:
        if lead_id is None:
            raise click.UsageError("give a LEAD_ID (with --explain) or --file leads.csv --dry-run")
        with baton.db.read() as conn:
            decisions = lead_trace(conn, lead_id)
        if not decisions:
            raise click.ClickException(f"no routing decision for lead {lead_id}")
        for d in decisions if show else decisions[-1:]:
            click.echo(
                f"{d['decided_at']:%Y-%m-%d %H:%M:%S} UTC, version {d['version']}, {d['trigger']}"
            )
            lines = d["explanation"] if show else d["explanation"][-1:]
            click.echo("\n".join(lines))
        return
    if not dry_run:
        raise click.UsageError("routing a file writes nothing; say so with --dry-run")
    _dry_run_file(ctx, baton, file, version, out, day_first)


def _dry_run_file(
    ctx: CliContext, baton, file: Path, version: int | None, out: Path | None, day_first: bool
) -> None:
    zone = workspace_zone(ctx, baton)
    rows_out = []
    with baton.db.read() as conn:
        try:
            live, ports = open_dry_run(conn, version)
        except NoRouting as exc:
            raise click.ClickException(str(exc)) from exc
        reader = csv.DictReader(file.open(encoding="utf-8-sig", newline=""))
        for row in reader:
            item = row_to_payload(row, LEAD.payload, ImportOptions("lead", {}, zone, day_first))
            result = (
                dry_route(conn, live, ports, reader.line_num, item, baton.clock.now())
                if isinstance(item, dict)
                else None
            )
            errors = item if isinstance(item, list) else result.errors
            if errors:
                text = "; ".join(f"{e.as_dict()['field']}: {e.message}" for e in errors)
                click.echo(f"{file.name}:{reader.line_num}: rejected — {text}", err=True)
                rows_out.append(
                    {
                        "line": reader.line_num,
                        "owner": "",
                        "queue": "",
                        "node": "",
                        "path": f"rejected: {text}",
                    }
                )
                continue
            d = result.decision
            click.echo(
                f"{file.name}:{reader.line_num}: → {outcome_words(d.owner_id, d.queue)}"
                f" via {d.node}"
            )
            rows_out.append(
                {
                    "line": reader.line_num,
                    "owner": d.owner_id or "",
                    "queue": d.queue or "",
                    "node": d.node or "",
                    "path": " | ".join(s.words for s in d.steps),
                }
            )
    click.echo(
        f"{len(rows_out)} rows routed against version {live.version} (dry run: nothing written)"
    )
    if out:
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["line", "owner", "queue", "node", "path"])
            writer.writeheader()
            writer.writerows(rows_out)
        click.echo(f"wrote {out}")


@click.command("test")
@click.argument("scenarios", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--version", type=int, default=None, help="Test this version (default: the active one)."
)
@pass_ctx
def test_(ctx: CliContext, scenarios: Path, version: int | None) -> None:
    """Run routing scenarios (CSV or YAML: a record + expected_owner/queue/team/pool/node per
    row). Exit 1 when a scenario fails, 2 when the file has errors (then nothing is run)."""
    baton = ctx.open()
    try:
        tested, results = run_scenarios(
            baton.db, scenarios, version, workspace_zone(ctx, baton), baton.clock.now()
        )
    except ScenarioFileError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        count = len(exc.problems)
        click.echo(
            f"{count} error{'s' if count != 1 else ''} in {scenarios.name}: nothing was run",
            err=True,
        )
        raise SystemExit(2) from exc
    except NoRouting as exc:
        raise click.ClickException(str(exc)) from exc
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        click.echo(f"{mark}  {scenarios.name}:{r.line}  {r.name}")
        for problem in r.problems:
            click.echo(f"        {problem}")
        if not r.passed and r.path:
            click.echo("        path: " + " | ".join(r.path))
    failed = sum(not r.passed for r in results)
    click.echo(f"version {tested}: {len(results) - failed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


@click.command()
@click.argument("person_id")
@click.option("--apply", is_flag=True, help="Do it (default: show the plan only).")
@pass_ctx
def reroute(ctx: CliContext, person_id: str, apply: bool) -> None:
    """Re-route a departed person's open leads and named accounts through the live flow."""
    baton = ctx.open()
    try:
        plan = reroute_departed(baton, person_id, f"cli:{author_name()}", apply=apply)
    except DepartureError as exc:
        raise click.ClickException(str(exc)) from exc
    for m in plan.moves:
        click.echo(
            f"{m.kind} {m.record_id} ({m.label})"
            f" → {outcome_words(m.decision.owner_id, m.decision.queue)} via {m.decision.node}"
        )
    s = plan.summary()
    click.echo(
        f"{s['leads']} leads and {s['accounts']} accounts of {person_id}: "
        + ", ".join(f"{n} to {k}" for k, n in s["to"].items())
    )
    click.echo("applied" if apply else "dry run: nothing changed; run again with --apply to do it")


@click.group()
def report() -> None:
    """Reports."""


@report.command("routing")
@click.option(
    "--since",
    default=None,
    help="Start (default: the 30 calendar days ending today, from midnight, workspace time "
    "zone), e.g. 2026-11-01, 7d or yesterday.",
)
@click.option("--until", default=None, help="End (default: now), e.g. today or 1d.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_ctx
def report_routing(ctx: CliContext, since: str | None, until: str | None, as_json: bool) -> None:
    """Leads per member/pool/team/flow/node, fallback share, imbalance, misroutes."""
    baton = ctx.open()
    zone, now = workspace_zone(ctx, baton), baton.clock.now()
    try:
        end = parse_moment(until, zone, now) if until else None
        start = parse_moment(since, zone, now) if since else default_period(now, zone, None, end)[0]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since/--until") from exc
    with baton.db.read() as conn:
        data = distribution(conn, start, end)
    if as_json:
        click.echo(json.dumps(jsonable(data.as_dict()), indent=2))
        return
    _print_routing(data, zone)


def _flag(flagged: bool, sample: Sample, over: str) -> str:
    """``  ⚠ over 20%`` when raised, the sample when too small to judge, else nothing."""
    if not sample.enough:
        return f"  ({sample.words}: not judged)"
    return f"  ⚠ {over}" if flagged else ""


def _print_routing(data: RoutingReport, zone: ZoneInfo) -> None:
    limits, fallback = data.limits, data.fallback
    until = f"{data.until.astimezone(zone):%Y-%m-%d %H:%M}" if data.until else "now"
    click.echo(
        f"{data.routed} leads routed {data.since.astimezone(zone):%Y-%m-%d %H:%M} → {until} "
        f"{zone.key}; fallback {fallback.leads} ({fallback.share:.1%})"
        + _flag(fallback.flagged, fallback.sample, f"over {limits.fallback_share:.0%}")
    )
    for pool in data.pools:
        flag = _flag(pool.flagged, pool.sample, f"imbalance over {limits.pool_imbalance:.0%}")
        click.echo(f"pool {pool.pool}: imbalance {pool.imbalance:.1%}{flag}")
        for m in pool.members:
            click.echo(f"    {m.person_id:<20} weight {m.weight}  {m.leads:>5} leads")
    click.echo("by node: " + ", ".join(f"{k} {v}" for k, v in data.by_node.items()))
    if data.inactive_owners:
        click.echo(
            "⚠ inactive people who received leads: "
            + ", ".join(f"{i.person_id} ({i.leads})" for i in data.inactive_owners)
        )
    m = data.misroutes
    flag = _flag(m.flagged, m.sample, f"over {limits.misroute_rate:.0%}")
    click.echo(f"misroutes: {m.count} ({m.rate:.1%}){flag}")


COMMANDS = [route, test_, reroute, report]
