"""The Ownership page (issue 13, item 10): of the owner changes the rules of engagement judged
in the period — blocks, exceptions, timeouts, violations open and resolved — and the disputes
raised in it, by state; who owns how many accounts and open opportunities now; who has not
acknowledged the current rules.

Every count is one entry of ``DECISION_COUNTS`` or ``DISPUTE_COUNTS``, and the list behind
it (``/ownership/records``) is picked by the same entry, so a figure and its list cannot
disagree. The owner and team filters keep the records a rep (or a team's member) takes part
in: the old or new owner of a decision, a claimant of a dispute, the owner of a record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, true

from baton.services.ownership.acks import ack_status
from baton.services.people.users import User
from baton.store.tables import (
    accounts,
    opportunities,
    ownership_decisions,
    ownership_disputes,
    people,
    teams,
)
from baton.web.filters import FilterError, Filters
from baton.web.ownership_tables import (
    acks_chart,
    decisions_chart,
    disputes_chart,
    distribution_chart,
    overdue,
    record_link,
)

LIST_PATH = "/ownership/records"
LIST_LIMIT = 500  # a list stops there and says so
TABLE_LIMIT = 100  # the page's own tables: the newest
_d = ownership_decisions.c
# count → (its words, the decisions it counts); ``*_now`` ignore the period: still open today
DECISION_COUNTS: dict[str, tuple[str, ColumnElement[bool]]] = {
    "block": ("owner changes blocked", _d.kind == "block"),
    "exception": (
        "exceptions allowed (override, segment handoff, arbiter)",
        _d.kind == "exception",
    ),
    "timeout": ("ownership timeouts", _d.kind == "timeout"),
    "violation": ("violations", _d.kind == "violation"),
    "violation_open": (
        "violations not resolved",
        and_(_d.kind == "violation", _d.resolved_at.is_(None)),
    ),
    "violation_resolved": (
        "violations resolved",
        and_(_d.kind == "violation", _d.resolved_at.is_not(None)),
    ),
    "violation_open_now": (
        "violations not resolved, of any period",
        and_(_d.kind == "violation", _d.resolved_at.is_(None)),
    ),
}
DISPUTE_COUNTS: dict[str, tuple[str, Callable[[Any, datetime], bool]]] = {
    "dispute": ("disputes raised", lambda r, now: True),
    "dispute_open": ("disputes raised, still open", lambda r, now: r.state == "open"),
    "dispute_resolved": ("disputes raised, resolved", lambda r, now: r.state == "resolved"),
    "dispute_overdue": ("disputes open past their resolution SLA", overdue),
    "dispute_open_now": ("disputes open, of any period", lambda r, now: r.state == "open"),
}
RECORD_COUNTS = {"accounts": "accounts owned", "opportunities": "open opportunities owned"}
ANY_PERIOD = {"violation_open_now", "dispute_open_now", *RECORD_COUNTS}
COUNTS = (*DECISION_COUNTS, *DISPUTE_COUNTS, *RECORD_COUNTS)


def person_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(people.c.id, people.c.name)).all())


def filter_people(conn: Connection) -> dict[str, list[dict[str, str]]]:
    """The owner and team choices of the filter bar: every person and team."""
    return {
        "owner": [
            {"id": i, "name": n}
            for i, n in conn.execute(select(people.c.id, people.c.name).order_by(people.c.name))
        ],
        "team": [
            {"id": i, "name": n}
            for i, n in conn.execute(select(teams.c.id, teams.c.name).order_by(teams.c.name))
        ],
    }


def members_of(conn: Connection, filters: Filters) -> set[str] | None:
    """The people the owner and team filters keep (None: everyone)."""
    if not (filters.owner or filters.team):
        return None
    query = select(people.c.id)
    if filters.team:
        query = query.where(people.c.team_id == filters.team)
    kept = set(conn.execute(query).scalars()) if filters.team else {filters.owner}
    return kept & {filters.owner} if filters.owner else kept


def _decision_scope(count: str, filters: Filters, members: set[str] | None) -> list[Any]:
    where: list[Any] = [DECISION_COUNTS[count][1]]
    if count not in ANY_PERIOD:
        where += [_d.at >= filters.since, _d.at < filters.until]
    return where + _scope_of(members)


def disputes_of(
    conn: Connection, filters: Filters, members: set[str] | None, any_period: bool
) -> list[Any]:
    """Disputes raised in the period (or open ones of any period), newest first, that a kept
    person claims."""
    p = ownership_disputes.c
    period = (
        p.state == "open"
        if any_period
        else and_(p.raised_at >= filters.since, p.raised_at < filters.until)
    )
    rows = conn.execute(select(ownership_disputes).where(period).order_by(p.id.desc())).all()
    return [r for r in rows if members is None or members & set(r.claimants or [])]


def _distribution(conn: Connection, members: set[str] | None) -> dict[str, dict[str, int]]:
    """Accounts and open opportunities per owner, now."""
    a, o = accounts.c, opportunities.c
    out: dict[str, dict[str, int]] = {}
    for key, query in (
        (
            "accounts",
            select(a.owner_id, func.count()).where(a.owner_id.is_not(None)).group_by(a.owner_id),
        ),
        (
            "opportunities",
            select(o.owner_id, func.count())
            .where(o.owner_id.is_not(None), o.closed_at.is_(None))
            .group_by(o.owner_id),
        ),
    ):
        for owner, n in conn.execute(query):
            if members is None or owner in members:
                out.setdefault(owner, {"accounts": 0, "opportunities": 0})[key] = int(n)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Drill:
    """Which records a figure counts: ``count`` (a key of ``COUNTS``)."""

    count: str = "violation"

    def params(self) -> dict[str, str]:
        return {"count": self.count}

    def describe(self, filters: Filters, names: Mapping[str, str]) -> str:
        words = {k: w for k, (w, _) in {**DECISION_COUNTS, **DISPUTE_COUNTS}.items()}
        words |= RECORD_COUNTS
        who = names.get(filters.owner, filters.owner) if filters.owner else None
        by = f" · {who}" if who else (f" · team {filters.team}" if filters.team else "")
        when = " (now)" if self.count in ANY_PERIOD else " in the period"
        return f"{words[self.count][0].upper()}{words[self.count][1:]}{when}{by}"


def parse_drill(params: Mapping[str, str]) -> Drill:
    count = (params.get("count") or "violation").strip()
    if count not in COUNTS:
        raise FilterError(
            [f"count: '{count[:40]}' is not one of {', '.join(COUNTS)}; e.g. count=timeout"],
            params,
        )
    return Drill(count)


def people_filters(filters: Filters) -> Filters:
    """The filters this page applies: the period, owner and team (not the lead fields)."""
    return filters.replace(source=None, campaign=None, lead_type=None)


def drill_url(filters: Filters, count: str, **extra: str) -> str:
    return people_filters(filters).replace(**extra).url(LIST_PATH, count=count)


def ownership_view(conn: Connection, filters: Filters, now: datetime) -> dict[str, Any]:
    """The page's context: the counts, their links, the tables and their CSVs."""
    members = members_of(conn, filters)
    names = person_names(conn)
    counts = {
        key: int(
            conn.execute(
                select(func.count()).where(*_decision_scope(key, filters, members))
            ).scalar_one()
        )
        for key in DECISION_COUNTS
    }
    in_period = disputes_of(conn, filters, members, any_period=False)
    still_open = disputes_of(conn, filters, members, any_period=True)
    for key, (_, test) in DISPUTE_COUNTS.items():
        rows = still_open if key in ANY_PERIOD else in_period
        counts[key] = sum(1 for r in rows if test(r, now))
    decisions = decision_rows(conn, filters, members, "", TABLE_LIMIT)
    distribution = _distribution(conn, members)
    acks = ack_status(conn)
    tables = {
        "decisions": decisions_chart(
            "decisions", "Decisions in the period, newest first", decisions, names
        ),
        "disputes": disputes_chart(
            "disputes",
            "Disputes raised in the period, newest first",
            in_period[:TABLE_LIMIT],
            names,
            now,
        ),
        "distribution": distribution_chart(
            distribution, lambda key, o: drill_url(filters, key, owner=o), names
        ),
        "acks": acks_chart(acks),
    }
    return {
        "counts": counts,
        "links": {key: drill_url(filters, key) for key in COUNTS if key not in RECORD_COUNTS},
        "decisions": decisions,
        "disputes": in_period[:TABLE_LIMIT],
        "distribution": distribution,
        "acks": acks,
        "names": names,
        "now": now,
        "tables": tables,
        "charts": tables,
        "options": filter_people(conn),
        "filters": people_filters(filters),
        "record_link": record_link,
    }


def decision_rows(
    conn: Connection, filters: Filters, members: set[str] | None, count: str, limit: int
) -> list[Any]:
    """The decisions ``count`` counts ("": every kind in the period), newest first."""
    where = (
        _decision_scope(count, filters, members)
        if count
        else [_d.at >= filters.since, _d.at < filters.until, *_scope_of(members)]
    )
    query = select(ownership_decisions).where(*where).order_by(_d.id.desc()).limit(limit)
    return list(conn.execute(query).all())


def _scope_of(members: set[str] | None) -> list[Any]:
    """Decisions a kept person takes part in: as the old or the new owner (the two reps of a
    violation)."""
    if members is None:
        return [true()]
    return [or_(_d.old_owner_id.in_(members), _d.new_owner_id.in_(members))]


def ack_prompt(conn: Connection, user: User) -> int | None:
    """The ROE version ``user``'s person has yet to acknowledge (None: nothing to ask)."""
    if user.person_id is None:
        return None
    status = ack_status(conn)
    missing = {r["person_id"] for r in status["missing"]}
    return status["version"] if user.person_id in missing else None
