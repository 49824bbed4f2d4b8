"""One function per monitor: its figure read from the report that already computes it
(``reports.routing``, ``reports.sla``, ``reports.feedback``, ``reports.leakage``), judged
by ``domain.health.judge`` against its ``health:`` threshold, with the playbook's response.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from baton.domain.health import Item, Monitor, Sample, Status, judge
from baton.reports.scope import share
from baton.reports.sla import threshold_seconds
from baton.services.health.context import WEEK, HealthContext, link
from baton.store.tables import alerts, leads, people, teams, worker_heartbeats
from baton.workspace.sla_compile import uncovered_lead_types


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def pool_imbalance(ctx: HealthContext) -> Monitor:
    limit = ctx.limits.pool_imbalance
    pools = ctx.routing.pools
    judged = [p for p in pools if p.sample.enough]
    worst = max(judged, key=lambda p: p.imbalance, default=None)
    biggest = max((p.sample.size for p in pools), default=0)
    sample = Sample(
        worst.sample.size if worst else biggest, ctx.limits.min_pool_leads, "leads in a pool"
    )
    value = worst.imbalance if worst else None
    return Monitor(
        "pool_imbalance",
        "Round-robin imbalance",
        judge(value, limit, "above", ctx.limits.amber_margin, sample if pools else None),
        value,
        limit,
        "above",
        "pool_imbalance",
        "share",
        f"worst pool {worst.pool}: {_pct(value)}" if worst else f"{len(pools)} pool(s) judged",
        "Round robin skipping reps (some get 2x leads, others none): check the pool's "
        "members and weights, verify every rep is active in the rotation (playbook 001; "
        "002's troubleshooting guide).",
        sample,
        link("/leads", pool=worst.pool) if worst else link("/routing"),
        tuple(
            Item(
                f"{p.pool}: {_pct(p.imbalance)} of {p.sample.size} leads",
                link("/leads", pool=p.pool),
            )
            for p in pools
        ),
    )


def fallback_share(ctx: HealthContext) -> Monitor:
    fb, limit = ctx.routing.fallback, ctx.limits.fallback_share
    sample = ctx.sample(fb.sample.size, "routed leads")
    return Monitor(
        "fallback_share",
        "Leads routed to the fallback",
        judge(fb.share, limit, "above", ctx.limits.amber_margin, sample),
        fb.share,
        limit,
        "above",
        "fallback_share",
        "share",
        f"{fb.leads} of {fb.sample.size} routed leads went to the fallback",
        "Fallback routing check: are unmatched leads being caught? Review the leads the "
        "fallback caught and add the territory, named account or rule they lacked "
        "(playbook 001).",
        sample,
        link("/leads", fallback="yes"),
    )


def unassigned_leads(ctx: HealthContext) -> Monitor:
    """Leads received in the period never assigned (no ``assigned_at``) and with neither an
    owner nor a queue: nothing caught them. A recycled lead whose owner was released was
    assigned once and is not counted."""
    rows = ctx.conn.execute(
        select(leads.c.id)
        .where(
            leads.c.received_at >= ctx.scope.since,
            leads.c.received_at < ctx.scope.until,
            leads.c.owner_id.is_(None),
            leads.c.queue.is_(None),
            leads.c.assigned_at.is_(None),
        )
        .order_by(leads.c.id)
    ).all()
    ids = [r.id for r in rows]
    return Monitor(
        "unassigned_leads",
        "Leads with no owner and no queue",
        judge(len(ids), 0, "above", ctx.limits.amber_margin),
        len(ids),
        0,
        "above",
        "(any)",
        "count",
        f"{len(ids)} lead(s) received in the period fell through with no assignment",
        "Any lead falling through with no assignment is a red flag: give the routing flow a "
        "fallback (a queue or an owner) that catches every unmatched lead (playbook 001).",
        None,
        None,
        tuple(Item(f"lead {i}", f"/leads/{i}") for i in ids[:50]),
    )


def inactive_owners(ctx: HealthContext) -> Monitor:
    owners = ctx.routing.inactive_owners
    names = dict(ctx.conn.execute(select(people.c.id, people.c.name)).all())
    return Monitor(
        "inactive_owners",
        "Inactive people still receiving leads",
        judge(len(owners), 0, "above", ctx.limits.amber_margin),
        len(owners),
        0,
        "above",
        "(any)",
        "count",
        f"{sum(o.leads for o in owners)} lead(s) routed to {len(owners)} inactive people",
        "Team roster validation: remove departed reps from rotation and assignments "
        "immediately and redistribute their leads (`baton reroute PERSON`) (playbook 001).",
        None,
        link("/leads", owner=owners[0].person_id) if owners else None,
        tuple(
            Item(
                f"{names.get(o.person_id, o.person_id)}: {o.leads} lead(s)",
                link("/leads", owner=o.person_id),
            )
            for o in owners
        ),
    )


def misroute_rate(ctx: HealthContext) -> Monitor:
    m, limit = ctx.routing.misroutes, ctx.limits.misroute_rate
    sample = ctx.sample(m.sample.size, "routed leads")
    return Monitor(
        "misroute_rate",
        "Misroute rate",
        judge(m.rate, limit, "above", ctx.limits.amber_margin, sample),
        m.rate,
        limit,
        "above",
        "misroute_rate",
        "share",
        f"{m.count} of {m.sample.size} routed leads flagged as misrouted",
        "Routing health check: review the misassignments and their traces (`baton route "
        "LEAD_ID`) for a systematic pattern; fix the rule and add a scenario test for it "
        "(playbook 001).",
        sample,
        link("/leads", misrouted="yes"),
        tuple(Item(f"{reason}: {n}", None) for reason, n in m.reasons.items()),
    )


def team_sla_compliance(ctx: HealthContext) -> Monitor:
    tally, limit = ctx.sla, ctx.limits.team_sla_compliance
    names = dict(ctx.conn.execute(select(teams.c.id, teams.c.name)).all())
    groups = [(t, v) for t, v in tally.by_team.items() if t in names]
    judged = [
        (t, v) for t, v in groups if v.judged >= ctx.limits.min_sample and v.compliance is not None
    ]
    worst = min(judged, key=lambda g: g[1].compliance or 0.0, default=None)
    size = worst[1].judged if worst else max((v.judged for _, v in groups), default=0)
    sample = ctx.sample(size, "SLA verdicts")
    value = worst[1].compliance if worst else None
    return Monitor(
        "team_sla_compliance",
        "SLA compliance per team",
        judge(value, limit, "below", ctx.limits.amber_margin, sample if groups else None),
        value,
        limit,
        "below",
        "team_sla_compliance",
        "share",
        f"lowest: {names[worst[0]]} at {_pct(value)}" if worst else "no team judged",
        "Identify the reps consistently missing SLAs — a training, workload or routing "
        "issue? Investigate the root cause, then adjust thresholds or escalation "
        "(playbooks 002 and 004).",
        sample,
        link("/leads", date="sla_charge", sla="miss", team=worst[0]) if worst else None,
        tuple(
            Item(
                f"{names[t]}: {_pct(v.compliance)} ({v.miss} missed of {v.judged})",
                link("/leads", date="sla_charge", sla="miss", team=t),
            )
            for t, v in groups
        ),
    )


def slow_response(ctx: HealthContext) -> Monitor:
    """Per SLA rule (each covers its lead types): the mean business response of its charges
    over the rule's threshold in the live version."""
    multiple = ctx.limits.slow_response_multiple
    version = ctx.live.version if ctx.live else None
    threshold_of = threshold_seconds(ctx.conn)
    ratios = []
    for rule, answered in ctx.sla.by_rule.items():
        mean, count = answered.mean_seconds, answered.count
        target = threshold_of(version, rule) if version is not None else None
        if mean is not None and target:
            ratios.append((rule, round(mean / target, 4), count, mean, target))
    ratios.sort(key=lambda r: (-r[2], r[0]))  # most responses first, as the report's rules
    judged = [r for r in ratios if r[2] >= ctx.limits.min_sample]
    worst = max(judged, key=lambda r: r[1], default=None)
    size = worst[2] if worst else max((r[2] for r in ratios), default=0)
    sample = ctx.sample(size, "responses")
    value = worst[1] if worst else None
    return Monitor(
        "slow_response",
        "Average response against the SLA target",
        judge(value, multiple, "above", ctx.limits.amber_margin, sample if ratios else None),
        value,
        multiple,
        "above",
        "slow_response_multiple",
        "ratio",
        f"rule {worst[0]}: average {worst[3] / 60:.1f} min for a {worst[4] / 60:.0f} min target"
        if worst
        else "no rule judged",
        "Response time trending: average response by lead type against the SLA target. "
        "Take it to sales leadership; if targets are unrealistic for the team's capacity, "
        "revisit the SLA threshold (playbook 002).",
        sample,
        link("/sla"),
        tuple(
            Item(f"{k}: {r:.2f}× target ({n} responses)", link("/sla")) for k, r, n, _, _ in ratios
        ),
    )


def miss_rate_trend(ctx: HealthContext) -> Monitor:
    """The miss rate of the clocks started in the last 7 days against the 7 days before,
    as a relative rise: 10 % → 12 % is +20 %."""
    limit = ctx.limits.miss_rate_increase
    recent = ctx.sla_between(ctx.now - WEEK, ctx.now).overall
    before = ctx.sla_between(ctx.now - 2 * WEEK, ctx.now - WEEK).overall
    now_rate, was_rate = recent.miss_rate, before.miss_rate
    sample = ctx.sample(min(recent.judged, before.judged), "SLA verdicts in each week")
    value = (
        round((now_rate - was_rate) / was_rate, 4)
        if now_rate is not None and was_rate  # no misses before: the rise is not a ratio
        else None
    )
    return Monitor(
        "miss_rate_trend",
        "SLA miss rate week over week",
        judge(value, limit, "above", ctx.limits.amber_margin, sample),
        value,
        limit,
        "above",
        "miss_rate_increase",
        "share",
        f"miss rate {_pct(now_rate)} in the last 7 days, {_pct(was_rate)} the 7 before",
        "SLA miss rate spikes: investigate — a routing break? Rep PTO? New lead volume? "
        "A system issue? (playbook 004)",
        sample,
        link("/sla", range_="7d"),
    )


def uncovered_lead_type(ctx: HealthContext) -> Monitor:
    counts: dict[str, int] = dict(
        ctx.conn.execute(
            select(leads.c.lead_type, func.count())
            .where(
                leads.c.received_at >= ctx.scope.since,
                leads.c.received_at < ctx.scope.until,
                leads.c.lead_type.is_not(None),
            )
            .group_by(leads.c.lead_type)
        ).all()
    )
    uncovered = uncovered_lead_types(ctx.live.sla, counts) if ctx.live else []
    return Monitor(
        "uncovered_lead_types",
        "Lead types with no SLA rule",
        judge(len(uncovered), 0, "above", ctx.limits.amber_margin),
        len(uncovered),
        0,
        "above",
        "(any)",
        "count",
        f"{len(uncovered)} of {len(counts)} lead types received in the period have no SLA rule",
        "New lead type audit — the most common maintenance trigger: update the SLA rules "
        "to cover it; without an update the system breaks or produces inaccurate data "
        "(playbook 004).",
        None,
        link("/leads", lead_type=uncovered[0]) if uncovered else None,
        tuple(
            Item(f"{t}: {counts[t]} lead(s) never timed", link("/leads", lead_type=t))
            for t in uncovered
        ),
    )


def rejection_reason(ctx: HealthContext) -> Monitor:
    counts, limit = ctx.rejections, ctx.limits.rejection_reason_share
    total = sum(counts.values())
    reasons = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))  # the Feedback page's order
    top = reasons[0] if reasons else None
    sample = ctx.sample(total, "rejections")
    value = share(top[1], total) if top else None
    return Monitor(
        "rejection_reason",
        "One rejection reason's share of rejects",
        judge(value, limit, "above", ctx.limits.amber_margin, sample),
        value,
        limit,
        "above",
        "rejection_reason_share",
        "share",
        f"top reason '{top[0]}': {top[1]} of {total} rejections"
        if top
        else "no rejections in the period",
        "Re-examine the MQL criteria with Marketing and hold an alignment meeting; adjust "
        "the definitions if needed (playbook 002).",
        sample,
        link("/leads", date="rejected", reason=top[0]) if top else None,
        tuple(
            Item(
                f"{reason}: {_pct(share(n, total))}",
                link("/leads", date="rejected", reason=reason),
            )
            for reason, n in reasons
        ),
    )


def leakage(ctx: HealthContext) -> Monitor:
    report, limit = ctx.leakage, ctx.limits.leakage_share
    sample = ctx.sample(report.mqls, "MQLs")
    return Monitor(
        "leakage",
        "Lead leakage (MQLs nobody worked)",
        judge(report.share, limit, "above", ctx.limits.amber_margin, sample),
        report.share,
        limit,
        "above",
        "leakage_share",
        "share",
        f"{report.leaked} of {report.mqls} MQLs handed over show no sales activity",
        "Lead stuck in MQL with no activity: check the assignment notification, verify the "
        "rep has access to the lead; audit the assignment rules for routing errors "
        "(playbook 002).",
        sample,
        link("/leads", date="mql", leaked="yes"),
        tuple(
            Item(f"lead {lead_id} ({owner_id})", f"/leads/{lead_id}")
            for lead_id, owner_id in report.longest
        ),
    )


def alert_delivery(ctx: HealthContext) -> Monitor:
    """Alerts of the period that gave up (dead: red) or are failing and retrying (amber)."""
    counts: dict[str, int] = dict(
        ctx.conn.execute(
            select(alerts.c.state, func.count())
            .where(
                alerts.c.created_at >= ctx.scope.since,
                alerts.c.created_at < ctx.scope.until,
                alerts.c.state.in_(("failed", "dead")),
            )
            .group_by(alerts.c.state)
        ).all()
    )
    dead, failing = counts.get("dead", 0), counts.get("failed", 0)
    status = judge(dead, 0, "above", ctx.limits.amber_margin)
    if status is Status.GREEN and failing:
        status = Status.AMBER
    return Monitor(
        "alert_delivery",
        "Alert deliveries failing",
        status,
        dead,
        0,
        "above",
        "(any)",
        "count",
        f"{dead} alert(s) gave up (dead), {failing} failing and retrying",
        "Notifications not reaching reps: verify the messaging integration is active and "
        "check email delivery; `baton alerts --state dead` shows each last error "
        "(playbooks 002 and 004).",
        None,
        "/v1/alerts?state=dead" if dead else ("/v1/alerts?state=failed" if failing else None),
    )


def worker_heartbeat(ctx: HealthContext) -> Monitor:
    limit = ctx.limits.worker_silence
    last = ctx.conn.execute(select(func.max(worker_heartbeats.c.beat_at))).scalar()
    silent: timedelta | None = (ctx.now - last) if last is not None else None
    value = silent.total_seconds() if silent is not None else None
    status = (
        Status.RED
        if silent is None
        else judge(value, limit.total_seconds(), "above", ctx.limits.amber_margin)
    )
    return Monitor(
        "worker_heartbeat",
        "Worker heard from",
        status,
        value,
        limit.total_seconds(),
        "above",
        "worker_silence",
        "seconds",
        "no worker has ever reported" if silent is None else f"last heartbeat {value:.0f} s ago",
        "Start or restart the worker (`baton serve` runs it): SLA timers, escalations and "
        "alert delivery wait for it.",
        None,
        "/healthz",
    )
