"""A past dispute judged by today's rules (playbook 000, 1c: "given this rule, here's how
dispute X would have been resolved"). Pure: the rules and the facts of the dispute as they
stood when it was raised come in; how the rules would settle it, and whether that differs
from what happened, come out with why.

The rules settle a dispute three ways: the owner had been idle past the ownership timeout
(the record would have moved to the timeout's target before anyone disputed it), a rule
protects the owner (named account, deal registration, cooling-off: the owner keeps it), or a
segment handoff passes it on. Otherwise the rules leave it to the escalation path and the
final arbiter, and no verdict is compared with history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from baton.domain.ownership.check import (
    AccountFacts,
    ExceptionKind,
    OpportunityFacts,
    OwnerChange,
    check_owner_change,
)
from baton.domain.ownership.disputes import Outcome
from baton.domain.ownership.rules import OwnershipRules, Rule, TargetKind
from baton.domain.ownership.timing import timed_out


class NowOutcome(StrEnum):
    KEEP = "keep"  # a rule protects the owner
    TRANSFER = "transfer"  # a segment handoff, or the timeout, moves it
    ARBITER = "arbiter"  # no rule decides: the escalation path and the final arbiter


@dataclass(frozen=True)
class PastDispute:
    label: str
    entity: str  # account | opportunity
    raised_at: datetime
    owner: str
    claimant: str
    account: AccountFacts
    opportunity: OpportunityFacts | None
    last_activity_at: datetime | None  # the owner's last touch before the dispute
    new_segment: str | None  # the account's segment after a move, for a segment handoff
    outcome: Outcome  # what was decided then


@dataclass(frozen=True)
class Replayed:
    outcome: NowOutcome
    rule: Rule | None
    to: str | None  # who would take it (a transfer): the claimant, or the timeout's target
    differs: bool | None  # None: the rules leave it to the arbiter, nothing to compare
    why: str


def _target(rules: OwnershipRules) -> str:
    t = rules.timeout
    return (
        "the owner's manager"
        if t.target_kind is TargetKind.MANAGER
        else f"{t.target_kind} {t.target}"
    )


def replay(rules: OwnershipRules, d: PastDispute) -> Replayed:
    """How today's ``rules`` would settle ``d`` at the instant it was raised."""
    if d.last_activity_at is not None and d.entity in rules.timeout.applies_to:
        idle = timed_out(rules, d.last_activity_at, d.raised_at)
        if idle.hit:
            to = _target(rules)
            return _versus(
                d, NowOutcome.TRANSFER, Rule.OWNERSHIP_TIMEOUT, to, f"{idle.why}: to {to}"
            )
    handoff = d.new_segment is not None
    change = OwnerChange(
        d.entity,
        d.opportunity.id if d.opportunity else d.account.id,
        d.owner,
        d.claimant,
        d.account,
        d.opportunity,
        ExceptionKind.SEGMENT_HANDOFF if handoff else None,
        reason=f"replay of {d.label}" if handoff else None,
        new_segment=d.new_segment,
    )
    verdict = check_owner_change(rules, change, d.raised_at)
    why = "; ".join(s.why for s in verdict.steps) or verdict.message
    if not verdict.allowed:
        return _versus(d, NowOutcome.KEEP, verdict.rule, None, f"{verdict.message} ({why})")
    moves = handoff and rules.segment_handoff.allows(d.account.segment, d.new_segment)
    if verdict.exception is not None or moves:
        if verdict.exception is None:
            why = f"the account moves {d.account.segment} → {d.new_segment}: a segment handoff"
        return _versus(d, NowOutcome.TRANSFER, Rule.SEGMENT_HANDOFF, d.claimant, why)
    return Replayed(
        NowOutcome.ARBITER, None, None, None, f"no rule decides ({why}): the final arbiter does"
    )


def _versus(
    d: PastDispute, now: NowOutcome, rule: Rule | None, to: str | None, why: str
) -> Replayed:
    """The verdict beside history: a keep differs from a transfer or a split, a transfer from
    a keep or a split (and from a transfer to someone else: the timeout's target)."""
    same = (now is NowOutcome.KEEP and d.outcome is Outcome.KEEP) or (
        now is NowOutcome.TRANSFER and d.outcome is Outcome.TRANSFER and to == d.claimant
    )
    return Replayed(now, rule, to, not same, why)
