"""The routing distribution report: who got what, fallback share, imbalance, misroutes.

Its red flags (a pool's imbalance, the misroute rate, the fallback share) are judged by
the live version's ``health:`` thresholds (the playbooks' 20 %, 5 % and 10 % by
default), which the result carries for the CLI to say — and only on enough leads
(``min_pool_leads`` through the pool, ``min_sample`` routed): each flag carries its
``sample``, and below it is not raised.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from baton.reports.result import NOT_JSON, Result
from baton.reports.scope import Sample, health_limits
from baton.services.live import live_workspace
from baton.store.tables import misroutes, people, routing_decisions
from baton.workspace.health_schema import DEFAULT_LIMITS, HealthLimits


@dataclass(frozen=True)
class MemberLeads(Result):
    person_id: str
    name: str
    leads: int


@dataclass(frozen=True)
class PoolMember(Result):
    person_id: str
    weight: int
    leads: int


@dataclass(frozen=True)
class PoolBalance(Result):
    """Imbalance = (max − min) / max of leads per unit of weight, over the members."""

    pool: str
    members: tuple[PoolMember, ...]
    imbalance: float
    flagged: bool  # over ``health.pool_imbalance``, on at least ``health.min_pool_leads``
    sample: Sample


@dataclass(frozen=True)
class Fallback(Result):
    leads: int
    share: float
    sample: Sample  # the routed leads, against ``health.min_sample``
    flagged: bool = field(default=False, metadata=NOT_JSON)  # over ``health.fallback_share``


@dataclass(frozen=True)
class InactiveOwner(Result):
    person_id: str
    leads: int


@dataclass(frozen=True)
class Misroutes(Result):
    count: int
    rate: float
    flagged: bool  # over ``health.misroute_rate``, on at least ``health.min_sample`` routed
    reasons: Mapping[str, int]
    sample: Sample


@dataclass(frozen=True)
class RoutingReport(Result):
    since: datetime
    until: datetime | None
    routed: int
    by_member: tuple[MemberLeads, ...]
    by_team: Mapping[str, int]
    by_queue: Mapping[str, int]
    by_flow: Mapping[str, int]
    by_node: Mapping[str, int]
    fallback: Fallback
    pools: tuple[PoolBalance, ...]
    inactive_owners: tuple[InactiveOwner, ...]
    misroutes: Misroutes
    limits: HealthLimits = field(default=DEFAULT_LIMITS, metadata=NOT_JSON)


def distribution(
    conn: Connection,
    since: datetime,
    until: datetime | None = None,
    limits: HealthLimits | None = None,
) -> RoutingReport:
    """Decisions made in [since, until) (no upper bound when until is None), flagged by
    ``limits`` (default: the live version's ``health:``)."""
    limits = limits if limits is not None else health_limits(conn)
    groups = conn.execute(_decisions(since, until)).all()
    person = {
        r.id: r
        for r in conn.execute(select(people.c.id, people.c.name, people.c.team_id, people.c.active))
    }
    total = sum(g.n for g in groups)
    by_member: Counter = Counter()
    by_team: Counter = Counter()
    queues: Counter = Counter()
    flows: Counter = Counter()
    nodes: Counter = Counter()
    pools: dict[str, Counter] = defaultdict(Counter)
    for g in groups:
        if g.owner_id:
            by_member[g.owner_id] += g.n
            team = person[g.owner_id].team_id if g.owner_id in person else None
            by_team[team or "—"] += g.n
        if g.queue:
            queues[g.queue] += g.n
        flows[g.flow] += g.n
        nodes[f"{g.flow} / {g.node}"] += g.n
        if g.pool_id:
            pools[g.pool_id][g.owner_id] += g.n
    fallback = sum(g.n for g in groups if g.via_fallback)
    routed = Sample(total, limits.min_sample)
    inactive = sorted(pid for pid in by_member if pid in person and not person[pid].active)
    return RoutingReport(
        since,
        until,
        total,
        tuple(
            MemberLeads(pid, person[pid].name if pid in person else pid, n)
            for pid, n in by_member.most_common()
        ),
        dict(by_team.most_common()),
        dict(queues.most_common()),
        dict(flows.most_common()),
        dict(nodes.most_common()),
        Fallback(
            fallback,
            _share(fallback, total),
            routed,
            routed.enough and _share(fallback, total) > limits.fallback_share,
        ),
        tuple(
            _pool_balance(conn, pool_id, counts, limits)
            for pool_id, counts in sorted(pools.items())
        ),
        tuple(InactiveOwner(pid, by_member[pid]) for pid in inactive),
        _misroutes(conn, since, until, routed, limits.misroute_rate),
        limits,
    )


def _decisions(since: datetime, until: datetime | None):
    """The decisions of the period counted per distinct outcome (a few hundred rows for a
    million decisions), in the order each outcome first occurred, as a pass over the rows
    would meet them."""
    d = routing_decisions.c
    keys = (d.owner_id, d.queue, d.pool_id, d.flow, d.node, d.via_fallback)
    return (
        select(*keys, func.count().label("n"))
        .where(*_window(d.decided_at, since, until), d.lead_id.is_not(None))
        .group_by(*keys)
        .order_by(func.min(d.decided_at), func.min(d.id))
    )


def _misroutes(
    conn: Connection, since: datetime, until: datetime | None, routed: Sample, limit: float
) -> Misroutes:
    window = _window(misroutes.c.created_at, since, until)
    reasons = Counter(r.reason for r in conn.execute(select(misroutes.c.reason).where(*window)))
    count = sum(reasons.values())
    rate = _share(count, routed.size)
    return Misroutes(
        count, rate, routed.enough and rate > limit, dict(reasons.most_common()), routed
    )


def _window(column, since: datetime, until: datetime | None) -> list:
    return [column >= since] + ([column < until] if until is not None else [])


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _pool_balance(
    conn: Connection, pool_id: str, counts: Counter, limits: HealthLimits
) -> PoolBalance:
    live = live_workspace(conn)
    weights = dict(live.pools[pool_id].members) if live and pool_id in live.pools else {}
    members = set(weights) | set(counts)
    per_weight = {pid: counts.get(pid, 0) / weights.get(pid, 1) for pid in members}
    high, low = max(per_weight.values(), default=0), min(per_weight.values(), default=0)
    imbalance = round((high - low) / high, 4) if high else 0.0
    sample = Sample(sum(counts.values()), limits.min_pool_leads)
    return PoolBalance(
        pool_id,
        tuple(PoolMember(pid, weights.get(pid, 1), counts.get(pid, 0)) for pid in sorted(members)),
        imbalance,
        sample.enough and imbalance > limits.pool_imbalance,
        sample,
    )
