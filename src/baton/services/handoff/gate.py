"""The close is gated: a deal enters a handoff stage with its tier's required fields, or with
a manager's override and why — else the whole change is refused (409) and nothing is kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from baton.domain.handoff import Gate, HandoffPolicy, gate
from baton.services.outcomes import FieldError, Rejected
from baton.services.records.deals import deal_of
from baton.store.lookup import one
from baton.store.tables import people

MANAGER_ROLES = ("manager", "executive", "revops")


class HandoffBlocked(Exception):
    """A move into a handoff stage without the tier's required fields (and no override)."""

    def __init__(self, opportunity_id: int, verdict: Gate) -> None:
        names = ", ".join(m.field.name for m in verdict.missing)
        super().__init__(
            f"opportunity {opportunity_id} cannot enter its handoff stage: the {verdict.tier} "
            f"handoff needs {names}"
        )
        self.opportunity_id = opportunity_id
        self.verdict = verdict

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": str(self),
            "tier": self.verdict.tier,
            "variation": self.verdict.variation.value,
            "missing": [m.as_dict() for m in self.verdict.missing],
            "fix": "fill these fields under handoff, or send handoff_override: "
            "{reason, approved_by: a manager's id} with the stage",
        }


def judge(
    conn: Connection, policy: HandoffPolicy, opp: Any, override: dict[str, Any] | None
) -> tuple[Gate, Any, dict[str, Any] | None]:
    """The gate's verdict, the account, and the override that let it pass (None: not needed).

    Raises HandoffBlocked (fields missing, no override) or Rejected (an override that does
    not name a manager)."""
    deal, account = deal_of(conn, opp)
    verdict = gate(policy, deal)
    if verdict.passed:
        return verdict, account, None
    if not override:
        raise HandoffBlocked(opp.id, verdict)
    approver = one(conn, people, columns=("id", "role"), id=override["approved_by"])
    if approver is None or approver.role not in MANAGER_ROLES:
        what = "no person" if approver is None else f"a {approver.role}, not a manager"
        raise Rejected(
            [
                FieldError(
                    ("handoff_override", "approved_by"),
                    f"'{override['approved_by']}' is {what}; an override needs the id of a "
                    f"person whose role is one of {', '.join(MANAGER_ROLES)}",
                )
            ]
        )
    return verdict, account, override
