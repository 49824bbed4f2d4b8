"""The rules of engagement's red flags (playbook 000, 4a maintenance schedule), computed with
the thresholds of ``ownership.red_flags`` (defaults: the playbook's): ownership timeouts over
10 % of the open pipeline (the last 30 days' timeouts against the open opportunities), any
violation left unresolved for more than 48 hours, and more than 5 disputes in 30 days once
the rules have been live 60 days. And the use case that resolves
a violation (a manager dealt with it, with a note)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, update

from baton.services.app import App, Unit
from baton.services.live import live_workspace
from baton.services.outcomes import FieldError, Rejected
from baton.store.lookup import one
from baton.store.tables import (
    opportunities,
    ownership_decisions,
    ownership_disputes,
    people,
    workspace_versions,
)
from baton.workspace.durations import parse_span
from baton.workspace.ownership_schema import OwnershipSpec

MONTH = timedelta(days=30)


def ownership_health(conn: Connection, now: datetime) -> dict[str, Any]:
    """The figures and their flags, judged by the live ownership.red_flags (the playbook's
    numbers when the section leaves them out)."""
    live = live_workspace(conn)
    spec = live.spec.ownership if live and live.spec.ownership else OwnershipSpec()
    flags = spec.red_flags
    d, o = ownership_decisions.c, opportunities.c
    timeouts = conn.execute(
        select(func.count()).where(  # deals only: the pipeline is deals
            d.kind == "timeout", d.entity == "opportunity", d.at > now - MONTH
        )
    ).scalar_one()
    pipeline = conn.execute(select(func.count()).where(o.closed_at.is_(None))).scalar_one()
    share = timeouts / pipeline if pipeline else 0.0
    stale = conn.execute(
        select(func.count()).where(
            d.kind == "violation",
            d.resolved_at.is_(None),
            d.at < now - parse_span(flags.violation_age),
        )
    ).scalar_one()
    live_since = _rules_live_since(conn)
    disputes = conn.execute(
        select(func.count())
        .select_from(ownership_disputes)
        .where(ownership_disputes.c.raised_at > now - MONTH)
    ).scalar_one()
    settled = live_since is not None and now - live_since >= parse_span(flags.settling)
    return {
        "timeouts_30d": int(timeouts),
        "open_pipeline": int(pipeline),
        "timeout_share": share,
        "timeout_share_flag": share > flags.timeout_share,
        "violations_unresolved_over_48h": int(stale),
        "violations_flag": stale > 0,
        "disputes_30d": int(disputes),
        "rules_live_since": live_since,
        "disputes_flag": settled and disputes > flags.disputes_per_month,
    }


def _rules_live_since(conn: Connection) -> datetime | None:
    """When the first version with an ownership: section was activated."""
    v = workspace_versions.c
    for row in conn.execute(
        select(v.activated_at, v.document)
        .where(v.activated_at.is_not(None))
        .order_by(v.activated_at)
    ):
        if row.document.get("ownership") is not None:
            return row.activated_at  # type: ignore[no-any-return]
    return None


def resolve_violation(app: App, decision_id: int, by: str, note: str, actor: str) -> None:
    app.run(actor, _resolve, decision_id, by, note)


def _resolve(unit: Unit, decision_id: int, by: str, note: str) -> None:
    row = one(unit.conn, ownership_decisions, id=decision_id)
    if row is None or row.kind != "violation":
        raise LookupError(f"no violation {decision_id}")
    if one(unit.conn, people, columns=("id",), id=by) is None:
        raise Rejected([FieldError(("resolved_by",), f"no person '{by}'")])
    if row.resolved_at is not None:
        raise Rejected(
            [
                FieldError(
                    ("resolved_by",), f"violation {decision_id} was resolved by {row.resolved_by}"
                )
            ]
        )
    unit.conn.execute(
        update(ownership_decisions)
        .where(ownership_decisions.c.id == decision_id)
        .values(resolved_at=unit.now, resolved_by=by, resolution=note[:500])
    )
