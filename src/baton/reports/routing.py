"""The routing distribution report: who got what, fallback share, imbalance, misroutes.

Thresholds are the playbooks' defaults (imbalance > 20 %, misroutes > 5 % in
the period) and are parameters, not constants buried in queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from baton.services.live import live_workspace
from baton.store.tables import misroutes, people, routing_decisions


@dataclass(frozen=True)
class Thresholds:
    imbalance: float = 0.20
    misroute_rate: float = 0.05
    fallback_share: float = 0.10


def routing_report(
    conn: Connection,
    since: datetime,
    until: datetime | None = None,
    thresholds: Thresholds = Thresholds(),
) -> dict[str, Any]:
    """Decisions made in [since, until) (no upper bound when until is None)."""
    query = select(
        routing_decisions.c.owner_id,
        routing_decisions.c.queue,
        routing_decisions.c.pool_id,
        routing_decisions.c.team_id,
        routing_decisions.c.flow,
        routing_decisions.c.node,
        routing_decisions.c.via_fallback,
    )
    rows = conn.execute(
        query.where(
            *_window(routing_decisions.c.decided_at, since, until),
            routing_decisions.c.lead_id.is_not(None),
        )
    ).all()
    person = {
        r.id: r
        for r in conn.execute(select(people.c.id, people.c.name, people.c.team_id, people.c.active))
    }
    total = len(rows)
    by_member = Counter(r.owner_id for r in rows if r.owner_id)
    by_team = Counter(
        (person[r.owner_id].team_id if r.owner_id in person else None) or "—"
        for r in rows
        if r.owner_id
    )
    pools: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        if r.pool_id:
            pools[r.pool_id][r.owner_id] += 1
    fallback = sum(1 for r in rows if r.via_fallback)
    reasons = Counter(
        r.reason
        for r in conn.execute(
            select(misroutes.c.reason).where(*_window(misroutes.c.created_at, since, until))
        )
    )
    misrouted = sum(reasons.values())
    inactive = sorted(pid for pid in by_member if pid in person and not person[pid].active)
    return {
        "since": since,
        "until": until,
        "routed": total,
        "by_member": [
            {"person_id": pid, "name": person[pid].name if pid in person else pid, "leads": n}
            for pid, n in by_member.most_common()
        ],
        "by_team": dict(by_team.most_common()),
        "by_queue": dict(Counter(r.queue for r in rows if r.queue).most_common()),
        "by_flow": dict(Counter(r.flow for r in rows).most_common()),
        "by_node": dict(Counter(f"{r.flow} / {r.node}" for r in rows).most_common()),
        "fallback": {"leads": fallback, "share": _share(fallback, total)},
        "pools": [
            _pool_balance(conn, pool_id, counts, thresholds.imbalance)
            for pool_id, counts in sorted(pools.items())
        ],
        "inactive_owners": [{"person_id": pid, "leads": by_member[pid]} for pid in inactive],
        "misroutes": {
            "count": misrouted,
            "rate": _share(misrouted, total),
            "flagged": _share(misrouted, total) > thresholds.misroute_rate,
            "reasons": dict(reasons.most_common()),
        },
    }


def _window(column, since: datetime, until: datetime | None) -> list:
    return [column >= since] + ([column < until] if until is not None else [])


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _pool_balance(conn: Connection, pool_id: str, counts: Counter, limit: float) -> dict[str, Any]:
    """Imbalance = (max − min) / max of leads per unit of weight, over the members of the pool."""
    live = live_workspace(conn)
    weights = (
        dict(live.routing.pools[pool_id].members) if live and pool_id in live.routing.pools else {}
    )
    members = set(weights) | set(counts)
    per_weight = {pid: counts.get(pid, 0) / weights.get(pid, 1) for pid in members}
    high, low = max(per_weight.values(), default=0), min(per_weight.values(), default=0)
    imbalance = round((high - low) / high, 4) if high else 0.0
    return {
        "pool": pool_id,
        "members": [
            {"person_id": pid, "weight": weights.get(pid, 1), "leads": counts.get(pid, 0)}
            for pid in sorted(members)
        ],
        "imbalance": imbalance,
        "flagged": imbalance > limit,
    }
