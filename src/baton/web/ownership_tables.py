"""The Ownership page's tables as Chart values (text cells: a table-only chart is never
drawn): what the page and its lists show is what their CSV downloads hold."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from baton.web.charts import Chart, Series

RECORD_PATHS = {"account": "accounts", "opportunity": "opportunities"}


def record_link(entity: str, record_id: int | None, account_id: int | None = None) -> str | None:
    """Where a decision's or dispute's record opens: a lead its page, an account or an
    opportunity its ownership view, an activity its account's."""
    if entity == "lead" and record_id is not None:
        return f"/leads/{record_id}"
    if entity in RECORD_PATHS and record_id is not None:
        return f"/ownership/{RECORD_PATHS[entity]}/{record_id}"
    return f"/ownership/accounts/{account_id}" if account_id is not None else None


def overdue(row: Any, now: datetime) -> bool:
    """An open dispute past its resolution SLA."""
    return row.state == "open" and now > row.due_at


def age_days(row: Any, now: datetime) -> float:
    """A dispute's age: raised → resolved, or → now while it is open."""
    return ((row.resolved_at or now) - row.raised_at).total_seconds() / 86400


def _name(names: Mapping[str, str], person: str | None) -> str | None:
    return names.get(person, person) if person else None


def decisions_chart(chart_id: str, title: str, rows: list[Any], names: Mapping[str, str]) -> Chart:
    """Decisions as a table (text cells): what the page shows, as CSV."""
    return Chart(
        id=chart_id,
        title=title,
        label_header="Decision",
        labels=[str(r.id) for r in rows],
        series=[
            Series("At (UTC)", [r.at.isoformat() for r in rows]),
            Series("Kind", [r.kind for r in rows]),
            Series("Record", [f"{r.entity} {r.record_id}" for r in rows]),
            Series("From", [_name(names, r.old_owner_id) for r in rows]),
            Series("To", [_name(names, r.new_owner_id) for r in rows]),
            Series("Rule", [r.rule for r in rows]),
            Series("Why", [r.message for r in rows]),
            Series("Exception", [r.exception for r in rows]),
            Series("Approved by", [_name(names, r.approved_by) for r in rows]),
            Series(
                "Resolved at (UTC)",
                [r.resolved_at.isoformat() if r.resolved_at else None for r in rows],
            ),
        ],
    )


def disputes_chart(
    chart_id: str, title: str, rows: list[Any], names: Mapping[str, str], now: datetime
) -> Chart:
    return Chart(
        id=chart_id,
        title=title,
        label_header="Dispute",
        labels=[str(r.id) for r in rows],
        series=[
            Series("Record", [f"{r.entity} {r.record_id}" for r in rows]),
            Series("Claimants", [", ".join(names.get(c, c) for c in r.claimants) for r in rows]),
            Series("State", [r.state for r in rows]),
            Series("Overdue", ["yes" if overdue(r, now) else "no" for r in rows]),
            Series("With", [_name(names, r.handler_id) for r in rows]),
            Series("Raised at (UTC)", [r.raised_at.isoformat() for r in rows]),
            Series("Age (days)", [round(age_days(r, now), 1) for r in rows]),
            Series("Outcome", [r.outcome for r in rows]),
        ],
    )


def distribution_chart(
    distribution: Mapping[str, Mapping[str, int]],
    link: Callable[[str, str], str],
    names: Mapping[str, str],
) -> Chart:
    """Accounts and open opportunities per owner; ``link(count, owner)`` opens them."""
    owners = list(distribution)

    def counted(name: str, key: str) -> Series:
        return Series(
            name,
            [distribution[o][key] for o in owners],
            [link(key, o) for o in owners],
        )

    return Chart(
        id="distribution",
        title="Who owns what, now",
        label_header="Owner",
        note="Accounts and open opportunities per owner today, whatever the period. "
        "A count opens them.",
        labels=[names.get(o, o) for o in owners],
        series=[counted("Accounts", "accounts"), counted("Open opportunities", "opportunities")],
    )


def acks_chart(acks: Mapping[str, Any]) -> Chart:
    """Every active rep and whether they acknowledged the current ROE version: those who have
    not first."""
    reps = [(r["name"], r["person_id"], None) for r in acks["missing"]]
    reps += [(r["name"], r["person_id"], r["acked_at"].isoformat()) for r in acks["acknowledged"]]
    version = acks["version"]
    return Chart(
        id="acks",
        title=f"Acknowledgments of the rules of engagement v{version}"
        if version
        else "Acknowledgments",
        label_header="Rep",
        labels=[r[0] for r in reps],
        series=[
            Series("Person", [r[1] for r in reps]),
            Series("Acknowledged at (UTC)", [r[2] for r in reps]),
        ],
    )


def records_chart(
    chart_id: str, title: str, kind: str, rows: list[Any], names: Mapping[str, str]
) -> Chart:
    """Accounts or open opportunities, with their owner."""
    if kind == "accounts":
        extra = [
            Series("Segment", [r.segment for r in rows]),
            Series("Named", ["yes" if r.named else "no" for r in rows]),
        ]
    else:
        extra = [
            Series("Account", [r.account_id for r in rows]),
            Series("Stage", [r.stage for r in rows]),
            Series("Amount", [r.amount for r in rows]),
        ]
    return Chart(
        id=chart_id,
        title=title,
        label_header="Account" if kind == "accounts" else "Opportunity",
        labels=[str(r.id) for r in rows],
        series=[
            Series("Name", [r.name for r in rows]),
            Series("Owner", [_name(names, r.owner_id) for r in rows]),
            *extra,
        ],
    )
