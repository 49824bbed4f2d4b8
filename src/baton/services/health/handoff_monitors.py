"""The Sales → CS handoff's monitors (playbook 003's maintenance schedule), from the handoff
report over the last 30 days — the figures the Handoff page shows, judged here like every
monitor. Their thresholds are the workspace's ``handoff.targets`` (completion under 85 %,
escalations over 20 %) and ``handoff.first_touch_within`` (48 h), not ``health:``; a ratio
resting on fewer handoffs than ``health.min_sample`` is not judged (so, without a
``handoff:`` section, neither are they)."""

from __future__ import annotations

from datetime import timedelta

from baton.domain.health import Monitor, Sample, judge
from baton.reports.handoff import HandoffReport, live_handoff_report
from baton.services.health.context import HealthContext, link
from baton.workspace.handoff_schema import TargetsSpec


def _report(ctx: HealthContext) -> HandoffReport:
    def compute() -> HandoffReport:
        scope = ctx.scope
        return live_handoff_report(ctx.conn, scope.since, scope.until, ctx.now)

    return ctx.memo("handoff", compute)


def _targets(ctx: HealthContext) -> tuple[TargetsSpec, timedelta]:
    live = ctx.live
    if live is None or live.handoff is None:
        return TargetsSpec(), timedelta(hours=48)
    return live.handoff.targets, live.handoff.policy.first_touch_within


def _sample(ctx: HealthContext, size: int) -> Sample:
    return Sample(size, ctx.limits.min_sample, "handoffs")


def handoff_completion(ctx: HealthContext) -> Monitor:
    g = _report(ctx).overall
    t, _ = _targets(ctx)
    sample = _sample(ctx, g.closed)
    return Monitor(
        "handoff_completion",
        "Handoffs completed (fields, CSM, review)",
        judge(g.completion_rate, t.completion_flag_below, "below", ctx.limits.amber_margin, sample),
        g.completion_rate,
        t.completion_flag_below,
        "below",
        "handoff.targets.completion_flag_below",
        "share",
        f"{g.complete} of {g.closed} handoffs closed in 30 days are complete "
        f"(target {t.completion:.0%})",
        "Under 85 %: find which AEs leave fields empty and which CSMs leave summaries "
        "unreviewed (the Handoff page, by AE and by CSM), coach them, and check the required "
        "fields are the ones CS uses (playbook 003).",
        sample,
        link("/handoffs", count="incomplete"),
    )


def handoff_first_touch(ctx: HealthContext) -> Monitor:
    g = _report(ctx).overall
    _, within = _targets(ctx)
    hours = g.first_touch_avg_hours
    value = hours * 3600 if hours is not None else None
    sample = _sample(ctx, g.touched)
    return Monitor(
        "handoff_first_touch",
        "CSM time to first touch (average)",
        judge(value, within.total_seconds(), "above", ctx.limits.amber_margin, sample),
        value,
        within.total_seconds(),
        "above",
        "handoff.first_touch_within",
        "seconds",
        f"{g.touched} first touches in 30 days, {g.first_touch_missed} past "
        f"{within / timedelta(hours=1):.0f} h",
        "Over 48 h on average: CSMs are not reaching new customers in time — check the CSMs' "
        "load and that the close notice reaches them; the first-touch SLA names who missed "
        "(playbook 003).",
        sample,
        link("/handoffs", count="first_touch_missed"),
    )


def handoff_escalations(ctx: HealthContext) -> Monitor:
    g = _report(ctx).overall
    t, _ = _targets(ctx)
    sample = _sample(ctx, g.closed)
    return Monitor(
        "handoff_escalations",
        "Handoffs escalated",
        judge(g.escalation_rate, t.escalation_flag_above, "above", ctx.limits.amber_margin, sample),
        g.escalation_rate,
        t.escalation_flag_above,
        "above",
        "handoff.targets.escalation_flag_above",
        "share",
        f"{g.escalated} of {g.closed} handoffs closed in 30 days were escalated",
        "Over 20 %: handoffs stay incomplete past the escalation time — the fields are not "
        "known at the close, or the escalation comes too early for the CSMs' calendar "
        "(handoff.escalation.after) (playbook 003).",
        sample,
        link("/handoffs", count="escalated"),
    )
