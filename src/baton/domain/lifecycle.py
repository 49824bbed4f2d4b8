"""The lead lifecycle (playbook 002): New → MQL → SAL → SQL → converted, or Recycled /
Disqualified with a reason. Which moves are allowed, what each stamps, and why a move is
refused — pure: the policy and the current status come in, a verdict comes out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from baton.domain.records import LeadStatus

S = LeadStatus

# The playbook's allowed moves: forward through the funnel; rejection (recycle or
# disqualify) from any open stage; a recycled lead can qualify again.
DEFAULT_TRANSITIONS: Mapping[LeadStatus, frozenset[LeadStatus]] = {
    S.NEW: frozenset({S.MQL, S.DISQUALIFIED}),
    S.MQL: frozenset({S.SAL, S.RECYCLED, S.DISQUALIFIED}),
    S.SAL: frozenset({S.SQL, S.RECYCLED, S.DISQUALIFIED}),
    S.SQL: frozenset({S.CONVERTED, S.RECYCLED, S.DISQUALIFIED}),
    S.RECYCLED: frozenset({S.MQL, S.DISQUALIFIED}),
    S.DISQUALIFIED: frozenset(),
    S.CONVERTED: frozenset(),
}

# The date each status stamps on the lead when a lead enters it.
STAMPS: Mapping[LeadStatus, str] = {
    S.MQL: "mql_at",
    S.SAL: "sal_at",
    S.SQL: "sql_at",
    S.RECYCLED: "recycled_at",
    S.DISQUALIFIED: "disqualified_at",
    S.CONVERTED: "converted_at",
}

# Moving into these is a rejection: it needs a reason from the workspace's short list.
REJECTIONS = frozenset({S.RECYCLED, S.DISQUALIFIED})

# The funnel's stages in order, with the stamp that says a lead reached each.
FUNNEL: Sequence[tuple[LeadStatus, str]] = (
    (S.MQL, "mql_at"),
    (S.SAL, "sal_at"),
    (S.SQL, "sql_at"),
    (S.CONVERTED, "converted_at"),
)


@dataclass(frozen=True)
class LifecyclePolicy:
    transitions: Mapping[LeadStatus, frozenset[LeadStatus]] = field(
        default_factory=lambda: DEFAULT_TRANSITIONS
    )
    reasons: tuple[str, ...] = ()
    names: Mapping[LeadStatus, str] = field(default_factory=dict)

    def name(self, status: LeadStatus) -> str:
        """The status as the team calls it (``lifecycle.names``), else its own name."""
        return self.names.get(status, status.value.upper() if len(status) == 3 else status.title())

    def allowed(self, current: LeadStatus) -> list[LeadStatus]:
        order = list(LeadStatus)
        return sorted(self.transitions.get(current, frozenset()), key=order.index)


@dataclass(frozen=True)
class Refusal:
    """Why a move is refused: ``conflict`` (not allowed from here) or ``reason`` (a
    rejection without a listed reason); ``message`` says what is allowed instead."""

    kind: str
    message: str
    allowed: tuple[str, ...]


def check_move(
    policy: LifecyclePolicy,
    current: LeadStatus,
    target: LeadStatus,
    reason: str | None,
    *,
    listed: bool = True,
) -> Refusal | None:
    """None when ``current → target`` (with ``reason``) may be made, else why not.

    A rejection needs a reason; a person picks it from the workspace's list (``listed``),
    Baton's own moves (recycling's "no response", an imported history) say theirs."""
    if target not in policy.transitions.get(current, frozenset()):
        allowed = policy.allowed(current)
        words = ", ".join(f"{a.value} ({policy.name(a)})" for a in allowed) or "none"
        return Refusal(
            "conflict",
            f"a lead in {current.value} ({policy.name(current)}) cannot move to "
            f"{target.value}; allowed from {current.value}: {words}",
            tuple(a.value for a in allowed),
        )
    if target in REJECTIONS and (reason not in policy.reasons if listed else not reason):
        said = f"'{reason}' is not a listed reason" if reason else "a reason is required"
        return Refusal(
            "reason",
            f"{said} to move a lead to {target.value}; choose one of: " + "; ".join(policy.reasons),
            policy.reasons,
        )
    return None


def unanswered_attempts(directions: Sequence[str]) -> int:
    """Outbound contact attempts since the lead last answered (``directions`` oldest first:
    "outbound" or "inbound"; an inbound reply resets the count)."""
    count = 0
    for direction in directions:
        count = 0 if direction == "inbound" else count + 1
    return count
