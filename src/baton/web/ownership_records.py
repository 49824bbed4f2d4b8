"""The records behind a figure of the Ownership page (``/ownership/records``) and the small
views each of them opens: a decision with its trace, a dispute with its steps, an account or
opportunity with its owner and every decision and dispute about it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from baton.services.ownership.disputes import dispute_detail
from baton.store.lookup import one
from baton.store.tables import accounts, opportunities, ownership_decisions, ownership_disputes
from baton.web.filters import Filters
from baton.web.ownership_data import (
    DECISION_COUNTS,
    DISPUTE_COUNTS,
    LIST_LIMIT,
    Drill,
    decision_rows,
    disputes_of,
    filter_people,
    members_of,
    people_filters,
    person_names,
)
from baton.web.ownership_tables import (
    decisions_chart,
    disputes_chart,
    record_link,
    records_chart,
)

RECORD_TABLES = {"account": accounts, "opportunity": opportunities}


def records_list_view(
    conn: Connection, filters: Filters, drill: Drill, now: datetime
) -> dict[str, Any]:
    """The records one count counts: decisions, disputes, or accounts / open opportunities."""
    names = person_names(conn)
    members = members_of(conn, filters)
    title = drill.describe(filters, names)
    kind, rows = _rows(conn, filters, drill, members, now)
    shown = rows[:LIST_LIMIT]
    if kind == "decisions":
        table = decisions_chart("records", title, shown, names)
    elif kind == "disputes":
        table = disputes_chart("records", title, shown, names, now)
    else:
        table = records_chart("records", title, drill.count, shown, names)
    return {
        "drill": drill,
        "kind": kind,
        "rows": shown,
        "total": len(rows),
        "cut": len(rows) > LIST_LIMIT,
        "title": title,
        "table": table,
        "names": names,
        "now": now,
        "charts": {table.id: table},
        "record_link": record_link,
        "options": filter_people(conn),
        "filters": people_filters(filters),
    }


def _rows(
    conn: Connection, filters: Filters, drill: Drill, members: set[str] | None, now: datetime
) -> tuple[str, list[Any]]:
    if drill.count in DECISION_COUNTS:
        return "decisions", decision_rows(conn, filters, members, drill.count, LIST_LIMIT + 1)
    if drill.count in DISPUTE_COUNTS:
        test = DISPUTE_COUNTS[drill.count][1]
        rows = disputes_of(conn, filters, members, any_period=drill.count.endswith("_now"))
        return "disputes", [r for r in rows if test(r, now)]
    table = accounts if drill.count == "accounts" else opportunities
    query = select(table).where(table.c.owner_id.is_not(None)).order_by(table.c.id)
    if members is not None:
        query = query.where(table.c.owner_id.in_(members))
    if table is opportunities:
        query = query.where(opportunities.c.closed_at.is_(None))
    return drill.count, list(conn.execute(query.limit(LIST_LIMIT + 1)).all())


def decision_view(conn: Connection, decision_id: int) -> dict[str, Any] | None:
    row = one(conn, ownership_decisions, id=decision_id)
    if row is None:
        return None
    return {
        "d": row,
        "names": person_names(conn),
        "link": record_link(row.entity, row.record_id, row.account_id),
        "account_link": record_link("account", row.account_id) if row.account_id else None,
    }


def dispute_view(conn: Connection, dispute_id: int, now: datetime) -> dict[str, Any] | None:
    found = dispute_detail(conn, dispute_id)
    if found is None:
        return None
    steps = [  # stored with ISO instants: shown in the viewer's zone like every time
        {**step, "at": datetime.fromisoformat(step["at"])} if step.get("at") else step
        for step in found["steps"]
    ]
    return {
        "p": found | {"steps": steps},
        "names": person_names(conn),
        "now": now,
        "link": record_link(found["entity"], found["record_id"], found["account_id"]),
    }


def record_view(conn: Connection, entity: str, record_id: int) -> dict[str, Any] | None:
    """An account or opportunity: its owner, and every ownership decision and dispute on it
    (on an account also those of its opportunities and activities)."""
    row = one(conn, RECORD_TABLES[entity], id=record_id)
    if row is None:
        return None
    d, p = ownership_decisions.c, ownership_disputes.c
    on_decision = (d.entity == entity) & (d.record_id == record_id)
    on_dispute = (p.entity == entity) & (p.record_id == record_id)
    if entity == "account":
        on_decision = or_(on_decision, d.account_id == record_id)
        on_dispute = or_(on_dispute, p.account_id == record_id)
    decisions = conn.execute(select(ownership_decisions).where(on_decision).order_by(d.id)).all()
    disputes = conn.execute(select(ownership_disputes).where(on_dispute).order_by(p.id)).all()
    return {
        "entity": entity,
        "r": row,
        "decisions": decisions,
        "disputes": disputes,
        "names": person_names(conn),
        "record_link": record_link,
    }
