"""Systems delay against its baseline (playbook 004's maintenance schedule: "systems delay
more than 3 minutes above its baseline"): the median engagement → assignment time of the
leads engaged in the last 7 days, less the median of the 28 days before. Leads whose wait
meets a declared outage are left out of both, as the speed-to-lead averages leave them out;
either median resting on fewer than ``health.min_sample`` leads is not judged."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select

from baton.domain.health import Monitor, Sample, judge
from baton.domain.speed import OutageWindow
from baton.reports.speed import outages_after
from baton.services.health.context import HealthContext, link
from baton.store.tables import leads

RECENT, BASELINE = timedelta(days=7), timedelta(days=28)


def _delays(ctx: HealthContext) -> tuple[list[float], list[float]]:
    start, split = ctx.now - RECENT - BASELINE, ctx.now - RECENT
    c = leads.c
    rows = ctx.conn.execute(
        select(c.engaged_at, c.assigned_at).where(
            c.engaged_at >= start,
            c.engaged_at < ctx.now,
            c.assigned_at.is_not(None),
            c.assigned_at >= c.engaged_at,
        )
    )
    windows = outages_after(ctx.conn, start)
    recent: list[float] = []
    before: list[float] = []
    for engaged, assigned in rows:
        if _in_outage(engaged, assigned, windows):
            continue
        (recent if engaged >= split else before).append((assigned - engaged).total_seconds())
    return recent, before


def _in_outage(engaged: datetime, assigned: datetime, windows: list[OutageWindow]) -> bool:
    return any(w.starts_at < assigned and w.ends_at > engaged for w in windows)


def systems_delay_shift(ctx: HealthContext) -> Monitor:
    recent, before = _delays(ctx)
    limit = ctx.limits.systems_delay_above_baseline.total_seconds()
    smaller = min(len(recent), len(before))
    sample = Sample(smaller, ctx.limits.min_sample, "leads")
    value = median(recent) - median(before) if recent and before else None
    words = (
        f"median {median(recent):.0f} s over the last 7 days ({len(recent)} leads) against "
        f"{median(before):.0f} s over the 28 days before ({len(before)} leads)"
        if value is not None
        else f"{len(recent)} leads engaged in the last 7 days, {len(before)} in the 28 before"
    )
    return Monitor(
        "systems_delay_shift",
        "Systems delay above its baseline",
        judge(value, limit, "above", ctx.limits.amber_margin, sample),
        value,
        limit,
        "above",
        "systems_delay_above_baseline",
        "seconds",
        words,
        "Systems delay rising: check the form → CRM → routing integration and its queue, "
        "the routing rules' run time, and declare an outage if one is under way (004).",
        sample,
        link("/speed", range_="7d"),
    )
