"""`baton explain-rules` (the ROE document and its quick-reference card, from exactly the
rules of a workspace) and `baton roe` (the recorded blocks and exceptions, the transfer door)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from baton.cli.context import CliContext, author_name
from baton.cli.workspace_cmds import load_or_fail
from baton.domain.ownership import ExceptionKind
from baton.domain.ownership.disputes import DisputeState, Outcome
from baton.services.jsonable import jsonable
from baton.services.outcomes import Rejected
from baton.services.ownership import disputes
from baton.services.ownership.acks import ack_status, acknowledge
from baton.services.ownership.decisions import OwnershipBlocked
from baton.services.ownership.document import KINDS, render
from baton.services.ownership.replay import ReplayFileError, replay_file
from baton.services.ownership.rules_doc import spec_of
from baton.services.ownership.timeouts import apply_timeouts, as_rows, plan_timeouts
from baton.services.ownership.transfer import TABLES, Transfer, transfer_owner
from baton.services.ownership.views import KINDS as DECISION_KINDS
from baton.services.ownership.views import DecisionFilter, list_decisions
from baton.workspace.ownership_compile import compile_ownership

pass_ctx = click.make_pass_decorator(CliContext)


@click.command("explain-rules")
@click.option("--card", "kind", flag_value="card", help="The one-page quick-reference card.")
@click.option("--document", "kind", flag_value="document", default=True, hidden=True)
@click.option("--html", "as_html", is_flag=True, help="A standalone HTML page, not Markdown.")
@click.option(
    "--version",
    "version",
    help="A stored version's rules (a number, or 'live'); "
    "default: baton.yaml in the workspace folder, as a draft.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of standard output.",
)
@pass_ctx
def explain_rules(
    ctx: CliContext, kind: str, as_html: bool, version: str | None, output: Path | None
) -> None:
    """Render the rules of engagement (ROE document or quick-reference card) from the rules."""
    assert kind in KINDS
    baton = ctx.open() if version is not None else None
    if baton is not None:
        number = None if version == "live" else _number(version)
        with baton.db.read() as conn:
            found = spec_of(conn, number)
        if found is None:
            raise click.ClickException(f"no workspace version {version}")
        number, spec = found
        now = baton.clock.now()
    else:
        spec, number = load_or_fail(ctx.workspace).spec, None
        now = datetime.now(UTC)
    rendered = render(spec, kind, number, now)
    text = rendered.html if as_html else rendered.markdown
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def _number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise click.BadParameter("a version number or 'live'", param_hint="--version")
    return int(text)


@click.group()
def roe() -> None:
    """Rules of engagement: blocked owner changes and exceptions, and the transfer door."""


@roe.command()
@click.option("--kind", type=click.Choice(DECISION_KINDS), help="Blocks or exceptions only.")
@click.option("--entity", type=click.Choice(sorted(TABLES)), help="Only this kind of record.")
@click.option("--rule", help="Only this rule (e.g. named_account).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="JSON, as GET /v1/ownership/decisions.")
@pass_ctx
def decisions(
    ctx: CliContext,
    kind: str | None,
    entity: str | None,
    rule: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List owner changes the rules blocked or let through as exceptions, with why."""
    baton = ctx.open()
    with baton.db.read() as conn:
        rows = list_decisions(conn, DecisionFilter(kind, entity, None, rule, limit=limit))
    if as_json:
        click.echo(json.dumps(jsonable(rows), indent=2))
        return
    table = Table("id", "at (UTC)", "kind", "record", "owner change", "rule", "by / why")
    for r in rows:
        who = (
            f"{r['exception']} by {r['approved_by']}: {r['reason']}"
            if r["exception"]
            else r["actor"]
        )
        table.add_row(
            str(r["id"]),
            f"{r['at']:%Y-%m-%d %H:%M}",
            r["kind"],
            f"{r['entity']} {r['record_id']}",
            f"{r['old_owner_id'] or '—'} → {r['new_owner_id'] or '—'}",
            r["rule"] or "",
            who,
        )
    Console(width=200).print(table)


@roe.command()
@click.argument("entity", type=click.Choice(sorted(TABLES)))
@click.argument("record_id", type=click.IntRange(1))
@click.argument("owner_id")
@click.option(
    "--exception", "exception", required=True, type=click.Choice([e.value for e in ExceptionKind])
)
@click.option("--approved-by", required=True, help="The manager's or the arbiter's person id.")
@click.option("--reason", required=True, help="Why: recorded with the change.")
@click.option("--new-segment", help="segment_handoff: the account's new segment.")
@pass_ctx
def transfer(
    ctx: CliContext,
    entity: str,
    record_id: int,
    owner_id: str,
    exception: str,
    approved_by: str,
    reason: str,
    new_segment: str | None,
) -> None:
    """Change an owner as a manager override, segment handoff or arbiter decision."""
    baton = ctx.open()
    t = Transfer(
        entity, record_id, owner_id, ExceptionKind(exception), approved_by, reason, new_segment
    )
    try:
        result = transfer_owner(baton, t, f"cli:{author_name()}")
    except LookupError:
        raise click.ClickException(f"no {entity} {record_id}") from None
    except Rejected as exc:
        raise click.ClickException(
            "; ".join(f"{e.as_dict()['field']}: {e.message}" for e in exc.errors)
        ) from exc
    except OwnershipBlocked as exc:
        raise click.ClickException(
            f"{exc.verdict.message} (recorded as decision {exc.decision_id})"
        ) from exc
    d = result["decision"]
    click.echo(
        f"{entity} {record_id}: owner {owner_id}"
        + (
            f" — recorded as decision {d['id']} ({d['exception']}, rule {d['rule']})"
            if d
            else " — no rule protected it"
        )
    )


@roe.command()
@click.option("--dry-run", is_flag=True, help="Show what would move; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="The plan as JSON.")
@pass_ctx
def timeouts(ctx: CliContext, dry_run: bool, as_json: bool) -> None:
    """Reassign deals and accounts idle past the ownership timeout (--dry-run: show which)."""
    baton = ctx.open()
    now = baton.clock.now()
    with baton.db.read() as conn:
        plan = plan_timeouts(conn, now)
    if as_json:
        click.echo(json.dumps(jsonable(as_rows(plan)), indent=2))
    else:
        for t in plan:
            to = t.to_owner or "stays (no target)"
            click.echo(f"{t.entity} {t.record_id} ({t.name}): {t.owner_id} → {to} — {t.why}")
        click.echo(
            f"{len(plan)} idle past the timeout"
            + (" (dry run: nothing changed)" if dry_run else ""),
            err=as_json,
        )
    if not dry_run:
        moved = apply_timeouts(baton, now)
        click.echo(f"reassigned {moved}", err=as_json)


@roe.command("replay")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--draft", is_flag=True, help="The rules of baton.yaml in the workspace folder, not the live."
)
@click.option("--json", "as_json", is_flag=True, help="One object per dispute, as JSON.")
@pass_ctx
def replay(ctx: CliContext, file: Path, draft: bool, as_json: bool) -> None:
    """Judge the past disputes of FILE (CSV) by today's rules; nothing is written."""
    if draft:
        spec = load_or_fail(ctx.workspace).spec
        rules, zone, source = compile_ownership(spec)[0].rules, spec.workspace.timezone, "draft"
    else:
        baton = ctx.open()
        with baton.db.read() as conn:
            found = spec_of(conn)
        if found is None or found[1].ownership is None:
            raise click.ClickException(
                "the live version has no ownership: rules to replay against "
                "(activate a version with an ownership: section, or use --draft)"
            )
        number, spec = found
        rules, zone, source = compile_ownership(spec)[0].rules, spec.workspace.timezone, number
    try:
        rows = replay_file(file, rules, ZoneInfo(zone))
    except ReplayFileError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        count = len(exc.problems)
        click.echo(
            f"{count} error{'s' if count != 1 else ''} in {file.name}: nothing was replayed",
            err=True,
        )
        raise SystemExit(2) from exc
    if as_json:
        click.echo(json.dumps(jsonable([r.as_dict() for r in rows]), indent=2))
        return
    for r in rows:
        d = r.as_dict()
        to = f" to {d['to']}" if d["to"] else ""
        mark = {True: "DIFFERS", False: "same", None: "arbiter"}[d["differs"]]
        click.echo(
            f"{mark:7}  {d['dispute']} (line {d['line']}): history {d['history']}, "
            f"now {d['now']}{to} — {d['why']}"
        )
    differ = sum(1 for r in rows if r.now.differs)
    left = sum(1 for r in rows if r.now.differs is None)
    rules_of_what = "baton.yaml's draft rules" if draft else f"version {source}'s rules"
    click.echo(
        f"{len(rows)} disputes under {rules_of_what}: {len(rows) - differ - left} as history, "
        f"{differ} differ, {left} left to the final arbiter; nothing was written"
    )


@click.group()
def dispute() -> None:
    """Ownership disputes: raise one, list them, escalate, resolve (the final arbiter)."""


def _fail(exc: Exception) -> click.ClickException:
    if isinstance(exc, Rejected):
        return click.ClickException(
            "; ".join(f"{e.as_dict()['field']}: {e.message}" for e in exc.errors)
        )
    return click.ClickException(f"not found: {exc}")


@dispute.command("raise")
@click.argument("entity", type=click.Choice(["account", "opportunity"]))
@click.argument("record_id", type=click.IntRange(1))
@click.option("--claimant", "claimants", multiple=True, required=True, help="A person id.")
@click.option("--reason", required=True)
@pass_ctx
def raise_(
    ctx: CliContext, entity: str, record_id: int, claimants: tuple[str, ...], reason: str
) -> None:
    """Raise a dispute over ENTITY RECORD_ID between the claimants."""
    baton = ctx.open()
    try:
        dispute_id = disputes.raise_dispute(
            baton, disputes.DisputeIn(entity, record_id, claimants, reason), f"cli:{author_name()}"
        )
    except (LookupError, Rejected) as exc:
        raise _fail(exc) from exc
    with baton.db.read() as conn:
        d = disputes.dispute_detail(conn, dispute_id)
    assert d is not None
    who = d["handler_id"] or "nobody"
    click.echo(f"dispute {dispute_id}: with {who}, due {d['due_at']:%Y-%m-%d %H:%M} UTC")


@dispute.command("list")
@click.option("--state", type=click.Choice([s.value for s in DisputeState]))
@click.option("--json", "as_json", is_flag=True, help="JSON, as GET /v1/ownership/disputes.")
@pass_ctx
def list_disputes(ctx: CliContext, state: str | None, as_json: bool) -> None:
    """List disputes: the record, the claimants, who handles it, the outcome."""
    baton = ctx.open()
    with baton.db.read() as conn:
        rows = disputes.list_disputes(conn, state, None, 1000)
    if as_json:
        click.echo(json.dumps(jsonable(rows), indent=2))
        return
    for r in rows:
        outcome = r["outcome"] or f"with {r['handler_id'] or 'nobody'}, due {r['due_at']:%Y-%m-%d}"
        click.echo(
            f"{r['id']:>5} {r['entity']} {r['record_id']} "
            f"{' vs '.join(r['claimants'])}: {r['state']} — {outcome}"
        )


@dispute.command()
@click.argument("dispute_id", type=click.IntRange(1))
@click.option("--why", default="", help="Why it goes up.")
@pass_ctx
def escalate(ctx: CliContext, dispute_id: int, why: str) -> None:
    """Move a dispute one step up the escalation path."""
    try:
        r = disputes.escalate_dispute(ctx.open(), dispute_id, f"cli:{author_name()}", why)
    except (LookupError, Rejected) as exc:
        raise _fail(exc) from exc
    click.echo(f"dispute {dispute_id}: step {r['level'] + 1}, with {r['handler_id']}")


@dispute.command()
@click.argument("dispute_id", type=click.IntRange(1))
@click.option("--outcome", required=True, type=click.Choice([o.value for o in Outcome]))
@click.option("--by", "resolved_by", required=True, help="The final arbiter's person id.")
@click.option("--owner", help="transfer: the claimant who takes it.")
@click.option("--split", "shares", multiple=True, help="split: PERSON=PERCENT (repeat).")
@click.option("--note", default="")
@pass_ctx
def resolve(
    ctx: CliContext,
    dispute_id: int,
    outcome: str,
    resolved_by: str,
    owner: str | None,
    shares: tuple[str, ...],
    note: str,
) -> None:
    """The final arbiter resolves a dispute: keep, transfer or split credit."""
    split: dict[str, float] = {}
    for share in shares:
        person, _, pct = share.partition("=")
        try:
            split[person] = float(pct)
        except ValueError:
            msg = f"'{share}' is not PERSON=PERCENT"
            raise click.BadParameter(msg, param_hint="--split") from None
    r = disputes.Resolution(Outcome(outcome), resolved_by, owner, split, note)
    try:
        disputes.resolve_dispute(ctx.open(), dispute_id, r, f"cli:{author_name()}")
    except (LookupError, Rejected) as exc:
        raise _fail(exc) from exc
    click.echo(f"dispute {dispute_id}: resolved — {outcome}")


@roe.command()
@click.option("--json", "as_json", is_flag=True, help="As GET /v1/ownership/acknowledgments.")
@pass_ctx
def acks(ctx: CliContext, as_json: bool) -> None:
    """List the active reps who have not acknowledged the current rules of engagement."""
    baton = ctx.open()
    with baton.db.read() as conn:
        status = ack_status(conn)
    if as_json:
        click.echo(json.dumps(jsonable(status), indent=2))
        return
    if status["version"] is None:
        click.echo("no live rules of engagement (no ownership: section in the live version)")
        return
    for rep in status["missing"]:
        click.echo(f"{rep['person_id']:<24} {rep['name']} ({rep['role']})")
    click.echo(
        f"{len(status['missing'])} of {len(status['missing']) + len(status['acknowledged'])}"
        f" active reps have not acknowledged ROE version {status['version']}"
    )


@roe.command()
@click.argument("person_id")
@pass_ctx
def ack(ctx: CliContext, person_id: str) -> None:
    """Record that PERSON_ID acknowledged the current rules of engagement."""
    try:
        r = acknowledge(ctx.open(), person_id, f"cli:{author_name()}")
    except Rejected as exc:
        raise _fail(exc) from exc
    click.echo(f"{person_id}: ROE version {r['version']}" + (" (already)" if r["already"] else ""))
