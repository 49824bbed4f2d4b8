"""The Routing page: distribution per pool member against weights, fallback share, node
hits per flow, queues, misroutes with reasons, people away today.

Every count is of leads the viewer may see (``scope_leads``) received in the
period, so that each number's drill-down (``/leads?node=…``, ``?pool=…&owner=…``,
``?fallback=yes``, ``?queue=…``, ``?misrouted=yes``) lists exactly those leads. The red
flags are judged by the live version's ``health:`` thresholds, on enough leads
(``min_pool_leads``, ``min_sample``: below, a flag says "not enough leads (3 of 20)");
a flagged pool says whom it skipped and why (``pool_skips``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select

from baton.reports.mirror import mirrored, run
from baton.reports.scope import Sample, health_limits
from baton.services.live import live_workspace
from baton.services.people.access import scope_leads, scope_people
from baton.services.people.users import User
from baton.store.tables import leads, misroutes, out_of_office, people, routing_decisions
from baton.web.charts import Chart, Series
from baton.web.filters import Filters
from baton.web.pool_skips import PoolSkips, pool_skips
from baton.workspace.health_schema import HealthLimits


@dataclass(frozen=True)
class PoolView:
    pool: str
    chart: Chart
    imbalance: float
    limit: float  # health.pool_imbalance
    sample: Sample  # the pool's leads against health.min_pool_leads
    skips: PoolSkips | None = None  # read for a flagged pool only

    @property
    def flagged(self) -> bool:
        return self.sample.enough and self.imbalance > self.limit


def _visible(user: User, filters: Filters):
    """The ids of the leads this page counts: visible to the user, received in the period,
    filtered."""
    return scope_leads(select(leads.c.id).where(*filters.lead_conditions()), user).scalar_subquery()


def routing_view(
    conn: Connection,
    mirror: Connection,
    user: User,
    filters: Filters,
    now: datetime,
    *,
    charts: bool = True,
) -> dict[str, Any]:
    """``conn``: the main database; ``mirror``: the analytics mirror the period's leads are
    counted in. ``charts=False`` (the Overview): the counts and pools only, no node and queue
    charts, misroutes or people away."""
    visible = _visible(user, filters)
    received, routed, fallback, misrouted = _counts(mirror, user, filters)
    names = {r.id: r.name for r in conn.execute(select(people.c.id, people.c.name))}
    in_period = lambda query: scope_leads(query.where(*filters.lead_conditions()), user)  # noqa: E731  (a SELECT joined to leads)
    shown = (
        [_nodes_chart(mirror, in_period, filters), _queues_chart(mirror, in_period, filters)]
        if charts
        else []
    )
    limits = health_limits(conn)
    pools = _pools(conn, mirror, in_period, filters, names, limits)
    sample = Sample(routed, limits.min_sample)
    fallback_share = fallback / routed if routed else 0.0
    misroute_rate = misrouted / routed if routed else 0.0
    return {
        "received": received,
        "routed": routed,
        "fallback": fallback,
        "misrouted": misrouted,
        "fallback_share": fallback_share,
        "misroute_rate": misroute_rate,
        "sample": sample,  # the routed leads the two ratios rest on
        "fallback_flagged": sample.enough and fallback_share > limits.fallback_share,
        "misroute_flagged": sample.enough and misroute_rate > limits.misroute_rate,
        "limits": limits,
        "links": {
            "routed": filters.url("/leads", routed="yes"),
            "fallback": filters.url("/leads", fallback="yes"),
            "misrouted": filters.url("/leads", misrouted="yes"),
        },
        "charts": shown,
        "pools": pools,
        "misroutes": _misroutes(mirror, visible, names) if charts else [],
        "away": _away_today(conn, user, now) if charts else [],
    }


def _counts(mirror: Connection, user: User, filters: Filters) -> tuple[int, int, int, int]:
    """Leads received in the period (visible, filtered); of them routed by Baton, routed to
    the fallback, flagged misrouted (each lead's routing summary in the mirror:
    ``reports.mirror.ROUTING``)."""
    query = select(
        func.count(),
        *(func.count().filter(mirrored(c)) for c in ("routed", "via_fallback", "misrouted")),
    ).where(*filters.lead_conditions())
    return tuple(run(mirror, scope_leads(query, user))[0])


def _nodes_chart(
    conn: Connection, in_period: Callable[[Select], Select], filters: Filters
) -> Chart:
    decisions = routing_decisions.join(leads, leads.c.id == routing_decisions.c.lead_id)
    rows = run(
        conn,
        in_period(
            select(
                routing_decisions.c.flow,
                routing_decisions.c.node,
                func.count(func.distinct(routing_decisions.c.lead_id)).label("n"),
            ).select_from(decisions)
        )
        .group_by(routing_decisions.c.flow, routing_decisions.c.node)
        .order_by(func.count().desc()),
    )
    return Chart(
        id="node-hits",
        title="Leads assigned by each node",
        labels=[f"{r.flow} / {r.node}" for r in rows],
        label_header="Flow / node",
        unit="leads",
        horizontal=True,
        note="A lead routed again (a departure, an SLA miss) counts for each node that "
        "assigned it.",
        series=[
            Series("Leads", [r.n for r in rows], [filters.url("/leads", node=r.node) for r in rows])
        ],
    )


def _queues_chart(
    conn: Connection, in_period: Callable[[Select], Select], filters: Filters
) -> Chart:
    rows = run(
        conn,
        in_period(select(leads.c.queue, func.count().label("n")).where(leads.c.queue.is_not(None)))
        .group_by(leads.c.queue)
        .order_by(func.count().desc()),
    )
    return Chart(
        id="queues",
        title="Leads waiting in queues",
        labels=[r.queue for r in rows],
        label_header="Queue",
        unit="leads",
        note="Leads whose current place is a queue (nobody owns them yet).",
        series=[
            Series(
                "Leads", [r.n for r in rows], [filters.url("/leads", queue=r.queue) for r in rows]
            )
        ],
    )


def _pools(
    conn: Connection,
    mirror: Connection,
    in_period: Callable[[Select], Select],
    filters: Filters,
    names: dict[str, str],
    limits: HealthLimits,
) -> list[PoolView]:
    """Leads per member of each round-robin pool (current owner), against the share their
    weight asks for; a flagged pool with whom it skipped and why."""
    member = in_period(
        select(func.unnest(mirrored("pools")).label("pool_id"), leads.c.owner_id).where(
            leads.c.owner_id.is_not(None)
        )
    ).subquery()
    rows = run(
        mirror,
        select(member.c.pool_id, member.c.owner_id, func.count().label("n")).group_by(
            member.c.pool_id, member.c.owner_id
        ),
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        counts[r.pool_id][r.owner_id] = r.n
    live = live_workspace(conn)
    views = []
    for pool_id in sorted(counts):
        weights = (
            dict(live.routing.pools[pool_id].members)
            if live and pool_id in live.routing.pools
            else {}
        )
        members = sorted(set(weights) | set(counts[pool_id]))
        total, weight_sum = sum(counts[pool_id].values()), sum(weights.get(m, 1) for m in members)
        expected = [round(total * weights.get(m, 1) / weight_sum, 1) for m in members]
        per_weight = [counts[pool_id].get(m, 0) / weights.get(m, 1) for m in members]
        imbalance = (
            (max(per_weight) - min(per_weight)) / max(per_weight)
            if per_weight and max(per_weight)
            else 0.0
        )
        chart = Chart(
            id=f"pool-{_slug(pool_id)}",
            title=f"Pool {pool_id.replace('team:', 'team ')}",
            label_header="Member",
            unit="leads",
            labels=[f"{names.get(m, m)} (weight {weights.get(m, 1)})" for m in members],
            series=[
                Series(
                    "Leads",
                    [counts[pool_id].get(m, 0) for m in members],
                    [filters.url("/leads", pool=pool_id, owner=m) for m in members],
                ),
                Series("Share by weight", expected, kind="line"),
            ],
        )
        view = PoolView(
            pool_id,
            chart,
            round(imbalance, 4),
            limits.pool_imbalance,
            Sample(total, limits.min_pool_leads),
        )
        if view.flagged:
            view = replace(view, skips=pool_skips(conn, in_period, pool_id))
        views.append(view)
    return views


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower())[:30].strip("-") or "pool"


def _misroutes(conn: Connection, visible, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(misroutes, leads.c.owner_id)
        .select_from(misroutes.join(leads, leads.c.id == misroutes.c.lead_id))
        .where(misroutes.c.lead_id.in_(visible))
        .order_by(misroutes.c.created_at.desc())
        .limit(50)
    ).all()
    return [
        {
            "lead_id": r.lead_id,
            "reason": r.reason,
            "reported_by": r.reported_by,
            "at": r.created_at,
            "owner": names.get(r.owner_id, r.owner_id),
            "expected": names.get(r.expected_owner, r.expected_owner),
        }
        for r in rows
    ]


def _away_today(conn: Connection, user: User, now: datetime) -> list[dict[str, Any]]:
    query = (
        select(
            people.c.id,
            people.c.name,
            people.c.timezone,
            out_of_office.c.ends_at,
            out_of_office.c.reason,
        )
        .select_from(people.join(out_of_office, out_of_office.c.person_id == people.c.id))
        .where(out_of_office.c.starts_at <= now, out_of_office.c.ends_at > now)
        .order_by(people.c.name)
    )
    return [dict(r._mapping) for r in conn.execute(scope_people(query, user))]
