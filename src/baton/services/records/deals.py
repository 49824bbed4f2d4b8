"""The handoff's view of a deal, its gate for deals that arrive already closed, and who may
write which handoff field — here, beside intake, because the handoff room reaches records
through routing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection

from baton.domain.handoff import Deal, Side, gate, not_theirs
from baton.services.live import live_workspace
from baton.services.outcomes import FieldError, Rejected
from baton.store.lookup import one
from baton.store.tables import accounts


def deal_of(conn: Connection, opp: Any) -> tuple[Deal, Any]:
    """The policy's view of an opportunity (with its account's segment), and the account."""
    account = one(conn, accounts, id=opp.account_id) if opp.account_id else None
    deal = Deal(
        stage=opp.stage,
        amount=opp.amount,
        segment=account.segment if account else None,
        extra=opp.extra or {},
        handoff=opp.handoff or {},
    )
    return deal, account


def gate_new_deal(conn: Connection, row: dict[str, Any]) -> None:
    """A deal that arrives already in a handoff stage (created Closed Won, through the API or
    an import) passes the same gate as a close: without its tier's required fields it is
    refused — Rejected, one error per missing field with its help text — and nothing of it is
    kept. With them, its stage's handlers open the handoff as for a close."""
    live = live_workspace(conn)
    if live is None or live.handoff is None or not live.handoff.policy.triggers(row["stage"]):
        return
    fields = ("account_id", "stage", "amount", "extra", "handoff")
    deal, _ = deal_of(conn, SimpleNamespace(**{k: row.get(k) for k in fields}))
    verdict = gate(live.handoff.policy, deal)
    if verdict.passed:
        return
    fix = (
        "fill it, or create the deal in an open stage and close it with a manager's "
        "handoff_override"
    )
    raise Rejected(
        [
            FieldError(
                ("handoff", m.field.name),
                f"a deal created in {row['stage']} starts its {verdict.tier} handoff, which "
                f"needs {m.field.title} ({m.problem}"
                + (f": {m.field.help}" if m.field.help else "")
                + f"); {fix}",
                "handoff_gate",
            )
            for m in verdict.missing
        ]
    )


BOTH_SIDES = frozenset(Side)


class NotTheirs(Exception):
    """A writer changing handoff fields of the other side (Sales' or CS's): nothing is kept."""

    def __init__(self, names: tuple[str, ...], sides: frozenset[Side]) -> None:
        theirs = "the intake fields (side: cs)" if sides == {Side.CS} else "the Sales fields"
        super().__init__(
            f"this token may write only {theirs} of a handoff, not: {', '.join(names)}; "
            "Sales' fields take a token with the ingest scope, CS's intake fields one with "
            "the cs scope"
        )
        self.names = names


def check_sides(
    conn: Connection, old: dict[str, Any], values: dict[str, Any], sides: frozenset[Side]
) -> None:
    """Raise NotTheirs when ``values`` (a change to a deal whose handoff is ``old``; or a new
    deal, ``old`` empty) writes a handoff field outside ``sides`` — or, for a CS-only
    writer, anything but handoff fields."""
    if sides == BOTH_SIDES:
        return
    live = live_workspace(conn)
    intake = live.handoff.intake if live and live.handoff else frozenset()
    new = values.get("handoff") or {}
    keys = {k for k in set(old) | set(new) if "handoff" in values and old.get(k) != new.get(k)}
    names = not_theirs(keys, intake, sides)
    if Side.SALES not in sides:
        names += tuple(sorted(k for k in values if k != "handoff"))
    if names:
        raise NotTheirs(names, sides)
