"""The SLA figures the monitors read, counted by the database: per charged owner and rule, the
charges as of ``now`` that hit or missed and the business response time of those, over the
clocks started in ``[since, until)`` — one GROUP BY instead of ``reports.sla.sla_report``'s
pass over every charge in Python (its duration summaries, bands and growing misses are what
cost at a million leads, and no monitor reads them).

The figures are the report's: a pending clock past its deadline is a miss (``state_now``),
a team is its owner's team (``teams_of_people``), a rule's mean response is over the hits
and misses that have one (``tests/integration/test_health_speed.py`` holds them equal).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from baton.reports.scope import share, teams_of_people
from baton.reports.sla import state_now
from baton.store.tables import sla_clocks


@dataclass(frozen=True)
class Verdicts:
    hit: int = 0
    miss: int = 0
    charges: int = 0  # every state: pending, released and excluded too

    @property
    def judged(self) -> int:
        return self.hit + self.miss

    @property
    def compliance(self) -> float | None:
        return share(self.hit, self.judged)

    @property
    def miss_rate(self) -> float | None:
        return self.miss / self.judged if self.judged else None


@dataclass(frozen=True)
class Responses:
    count: int
    mean_seconds: float | None


@dataclass(frozen=True)
class SlaTally:
    overall: Verdicts
    # teams with a charge, most charges first (as the report orders them)
    by_team: dict[str, Verdicts] = field(default_factory=dict)
    by_rule: dict[str, Responses] = field(default_factory=dict)  # rules with a response


def sla_tally(conn: Connection, since: datetime, until: datetime, now: datetime) -> SlaTally:
    """The verdicts per team and overall, and the responses per rule, of the charges whose
    clock started in ``[since, until)``, as of ``now``."""
    c = sla_clocks.c
    charges = (
        select(
            c.owner_id,
            c.rule,
            state_now(c, now).label("state"),
            c.response_business_seconds.label("response"),
        )
        .where(c.started_at >= since, c.started_at < until)
        .subquery()
    )
    rows = conn.execute(
        select(
            charges.c.owner_id,
            charges.c.rule,
            charges.c.state,
            func.count(),
            func.sum(charges.c.response),
            func.count(charges.c.response),
        ).group_by(charges.c.owner_id, charges.c.rule, charges.c.state)
    ).all()
    team_of = teams_of_people(conn)
    teams: dict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    answered: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for owner, rule, state, n, total, responses in rows:
        teams[team_of.get(owner) or "(none)"][state] += n
        overall[state] += n
        if state in ("hit", "miss") and responses:  # the report's responses: judged charges'
            answered[rule][0] += responses
            answered[rule][1] += float(total)
    ordered = sorted(teams.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    return SlaTally(
        Verdicts(overall["hit"], overall["miss"], overall.total()),
        {t: Verdicts(v["hit"], v["miss"], v.total()) for t, v in ordered},
        {
            rule: Responses(int(n), total / n if n else None)
            for rule, (n, total) in answered.items()
        },
    )
