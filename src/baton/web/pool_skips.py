"""Who a round-robin pool skipped in the period, how often and why — what an imbalance
flag points at (the Overview, the Routing page).

The reasons are read from the stored traces: a round-robin step's words say
"skipped Ana (out of office until Dec 5)" for each member it passed over (see
``domain/routing/flow.py``). Only the pool's latest ``READ_AT_MOST`` decisions of the
period are read, so a year's filter stays quick; the text says so when it is cut.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Select, select

from baton.store.tables import leads, routing_decisions

READ_AT_MOST = 5_000
REASONS_SHOWN = 2
_SKIPPED = re.compile(r"skipped (.+?) \(((?:[^()]|\([^()]*\))*)\)")


@dataclass(frozen=True)
class Skip:
    name: str  # as the trace says it
    times: int
    reasons: tuple[str, ...]  # most frequent first

    @property
    def words(self) -> str:
        return f"{self.name} skipped {self.times:,}× ({'; '.join(self.reasons)})"


@dataclass(frozen=True)
class PoolSkips:
    skips: tuple[Skip, ...]  # most skipped first
    decisions: int  # decisions read
    cut: bool  # True: only the latest READ_AT_MOST were read

    @property
    def words(self) -> str:
        if not self.skips:
            return "nobody was skipped: check the weights"
        read = f" (in its latest {self.decisions:,} leads)" if self.cut else ""
        return "; ".join(s.words for s in self.skips) + read


def skipped_in(words: str) -> list[tuple[str, str]]:
    """(name, reason) of each member a round-robin step's words say it skipped."""
    return [(m.group(1), m.group(2)) for m in _SKIPPED.finditer(words)]


def pool_skips(conn: Connection, in_period: Callable[[Select], Select], pool_id: str) -> PoolSkips:
    """The skips of ``pool_id`` in the decisions of the leads ``in_period`` selects."""
    d = routing_decisions.c
    query = (
        in_period(
            select(d.steps).select_from(routing_decisions.join(leads, leads.c.id == d.lead_id))
        )
        .where(d.pool_id == pool_id)
        .order_by(d.decided_at.desc())
        .limit(READ_AT_MOST)
    )
    traces = [steps for (steps,) in conn.execute(query)]
    return PoolSkips(_tally(traces, pool_id), len(traces), len(traces) == READ_AT_MOST)


def _tally(traces: Iterable[list[dict]], pool_id: str) -> tuple[Skip, ...]:
    times: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for steps in traces:
        for step in steps:
            if (step.get("values") or {}).get("pool") != pool_id:
                continue
            for name, reason in skipped_in(step.get("words", "")):
                times[name] += 1
                reasons[name][reason] += 1
    return tuple(
        Skip(name, n, tuple(r for r, _ in reasons[name].most_common(REASONS_SHOWN)))
        for name, n in times.most_common()
    )
