"""The rules of engagement's monitors (playbook 000's maintenance schedule), from
``services/ownership/health.ownership_health`` — the figures and thresholds
``GET /v1/ownership/health`` answers, judged here like every monitor. Their thresholds
live in ``ownership.red_flags`` (timeout_share, violation_age, disputes_per_month,
settling), not ``health:``."""

from __future__ import annotations

from typing import Any

from baton.domain.health import Monitor, Status, judge
from baton.services.health.context import HealthContext, link
from baton.services.live import live_workspace
from baton.services.ownership.health import ownership_health
from baton.workspace.durations import parse_span
from baton.workspace.ownership_schema import OwnershipSpec, RedFlagsSpec


def _figures(ctx: HealthContext) -> tuple[dict[str, Any], RedFlagsSpec]:
    def compute() -> tuple[dict[str, Any], RedFlagsSpec]:
        live = live_workspace(ctx.conn)
        spec = live.spec.ownership if live and live.spec.ownership else OwnershipSpec()
        return ownership_health(ctx.conn, ctx.now), spec.red_flags

    return ctx.memo("ownership", compute)


def ownership_timeouts(ctx: HealthContext) -> Monitor:
    figures, flags = _figures(ctx)
    value = figures["timeout_share"]
    return Monitor(
        "ownership_timeouts",
        "Ownership timeouts against the open pipeline",
        judge(value, flags.timeout_share, "above", ctx.limits.amber_margin),
        value,
        flags.timeout_share,
        "above",
        "ownership.red_flags.timeout_share",
        "share",
        f"{figures['timeouts_30d']} timeouts in 30 days, {figures['open_pipeline']} open deals",
        "Timeouts over 10 % of the pipeline: reps are not working their deals, or the "
        "timeout is too short for the sales cycle — review with sales leadership and adjust "
        "ownership.timeouts (playbook 000).",
        None,
        link("/ownership/records", count="timeout"),
    )


def unresolved_violations(ctx: HealthContext) -> Monitor:
    figures, flags = _figures(ctx)
    value = figures["violations_unresolved_over_48h"]
    return Monitor(
        "unresolved_violations",
        f"Violations unresolved for more than {flags.violation_age}",
        judge(value, 0, "above", ctx.limits.amber_margin),
        value,
        0,
        "above",
        "ownership.red_flags.violation_age",
        "count",
        f"{value} violation(s) older than {flags.violation_age} with no resolution",
        "Any violation unresolved past 48 h: the manager resolves it "
        "(POST /v1/ownership/decisions/ID/resolve) or escalates it as a dispute (playbook 000).",
        None,
        link("/ownership/records", count="violation_open_now"),  # every unresolved one
    )


def disputes(ctx: HealthContext) -> Monitor:
    """Judged once the rules have been live ``settling`` (60 days): before, disputes are
    expected while people learn the rules."""
    figures, flags = _figures(ctx)
    value = figures["disputes_30d"]
    since = figures["rules_live_since"]
    settled = since is not None and ctx.now - since >= parse_span(flags.settling)
    return Monitor(
        "disputes",
        "Ownership disputes in 30 days",
        judge(value, flags.disputes_per_month, "above", ctx.limits.amber_margin)
        if settled
        else Status.NOT_JUDGED,
        value,
        flags.disputes_per_month,
        "above",
        "ownership.red_flags.disputes_per_month",
        "count",
        f"{value} dispute(s) raised in the last 30 days"
        if settled
        else f"not judged: the rules have not been live {flags.settling} yet",
        "More than 5 disputes a month after the first 60 days: the rules are unclear or "
        "contested — hold the ROE review and clarify the rule behind the disputes "
        "(playbook 000).",
        None,
        link("/ownership/records", count="dispute"),
    )
