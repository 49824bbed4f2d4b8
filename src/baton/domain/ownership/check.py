"""May this owner change happen? ``check_owner_change`` judges a proposed change of owner
against the rules, pure: the facts about the record, the proposal, who acts and ``now`` come
in; a Verdict comes out — allowed or blocked, which rule, what to do, and the trace of why.

Windows are half-open: a deal registered at T is protected on [T, T + window); at the exact
instant T + window it is free. The same holds for cooling-off after a closed-lost deal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from baton.domain.ownership.rules import MANAGER_ROLES, RULE_TITLES, OwnershipRules, Rule

CONTACT = "Contact your manager to request ownership transfer."


class ExceptionKind(StrEnum):
    """The legitimate ways past a protection (playbook 2d): each is recorded with who and why."""

    MANAGER_OVERRIDE = "manager_override"
    SEGMENT_HANDOFF = "segment_handoff"
    ARBITER_DECISION = "arbiter_decision"


@dataclass(frozen=True)
class AccountFacts:
    id: int
    owner_id: str | None
    named: bool = False
    segment: str | None = None
    employees: int | None = None
    parent: AccountFacts | None = None
    lost_at: datetime | None = None  # the latest closed-lost opportunity on the account
    lost_owner_id: str | None = None  # who owned that deal


@dataclass(frozen=True)
class OpportunityFacts:
    id: int
    open: bool = True
    partner: str | None = None
    registered_at: datetime | None = None


@dataclass(frozen=True)
class OwnerChange:
    """A proposed change: the record, its owner now and the one proposed, and the exception
    claimed for it (None: a plain change)."""

    entity: str  # account | opportunity | lead
    record_id: int
    old_owner: str | None
    new_owner: str | None
    account: AccountFacts | None = None
    opportunity: OpportunityFacts | None = None
    exception: ExceptionKind | None = None
    approved_by: str | None = None  # the person who allows it
    approver_role: str | None = None
    reason: str | None = None
    new_segment: str | None = None  # for a segment handoff


@dataclass(frozen=True)
class Step:
    rule: Rule
    outcome: str  # not_applicable | passes | protects | allows | blocks
    why: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "outcome": self.outcome,
            "why": self.why,
            "values": self.values,
        }


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    rule: Rule | None  # the rule that blocked it, or the protection an exception passed
    message: str
    exception: ExceptionKind | None = None
    steps: tuple[Step, ...] = ()

    @property
    def recorded(self) -> bool:
        """A block, or an allowed exception to a protection: both are kept with their trace."""
        return not self.allowed or self.exception is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "rule": self.rule.value if self.rule else None,
            "message": self.message,
            "exception": self.exception.value if self.exception else None,
            "steps": [s.as_dict() for s in self.steps],
        }


def is_named(rules: OwnershipRules, account: AccountFacts) -> tuple[bool, str]:
    """Whether the account is protected under Named Account rules, and why in words."""
    n = rules.named
    if n.flag and account.named:
        return True, f"account {account.id} is flagged named"
    if account.id in n.accounts:
        return True, f"account {account.id} is on the named-accounts list"
    if account.segment and account.segment.lower() in n.segments:
        return True, f"account {account.id} is in protected segment {account.segment}"
    if n.min_employees is not None and (account.employees or 0) >= n.min_employees:
        return True, f"account {account.id} has {account.employees} employees (≥ {n.min_employees})"
    if rules.parent_child.children_follow and account.parent is not None:
        protected, why = is_named(rules, account.parent)
        if protected:
            return True, f"its parent is protected: {why}"
    return False, f"account {account.id} is not named"


def _protections(rules: OwnershipRules, c: OwnerChange, now: datetime) -> list[Step]:
    """Every rule that looks at this change, each with its finding."""
    steps: list[Step] = []
    acc = c.account
    covered = (
        c.entity == "account"
        or (
            c.entity == "opportunity"
            and rules.named.covers_opportunities
            and (c.opportunity is None or c.opportunity.open)
        )
        or (c.entity == "lead" and rules.named.covers_leads)
    )
    if acc is not None and covered:
        protected, why = is_named(rules, acc)
        steps.append(
            Step(
                Rule.NAMED_ACCOUNT,
                "protects" if protected else "passes",
                why,
                {"account_id": acc.id},
            )
        )
    opp = c.opportunity
    if opp is not None and opp.partner and opp.registered_at is not None:
        end = opp.registered_at + rules.deal_registration.window
        inside = opp.registered_at <= now < end
        why = (
            f"registered by partner {opp.partner} at {opp.registered_at.isoformat()}, "
            f"protected until {end.isoformat()}"
        )
        steps.append(
            Step(
                Rule.DEAL_REGISTRATION,
                "protects" if inside else "passes",
                why if inside else f"{why}: the window is over",
                {"partner": opp.partner, "until": end.isoformat()},
            )
        )
    if acc is not None and acc.lost_at is not None and c.entity in ("account", "opportunity"):
        end = acc.lost_at + rules.cooling_off.days
        inside = acc.lost_at <= now < end and c.new_owner != acc.lost_owner_id
        why = (
            f"a deal on account {acc.id} was closed-lost at {acc.lost_at.isoformat()} "
            f"(owner {acc.lost_owner_id}); cooling-off until {end.isoformat()}"
        )
        steps.append(
            Step(
                Rule.COOLING_OFF,
                "protects" if inside else "passes",
                why if inside else f"{why}: not another rep inside the window",
                {"until": end.isoformat(), "owner_id": acc.lost_owner_id},
            )
        )
    return steps


def _message(rule: Rule, c: OwnerChange, step: Step) -> str:
    what = "account" if c.entity == "account" else c.entity
    if rule is Rule.NAMED_ACCOUNT:
        subject = "This account" if c.entity == "account" else f"This {what}'s account"
        return f"{subject} is protected under Named Account rules. {CONTACT}"
    if rule is Rule.DEAL_REGISTRATION:
        return (
            f"This opportunity is a partner-registered deal ({step.values['partner']}), "
            f"protected under Deal Registration rules until {step.values['until']}. "
            f"{CONTACT}"
        )
    return (
        f"This account is in its Cooling-Off Period after a closed-lost deal until "
        f"{step.values['until']}: only {step.values['owner_id']} may take it. {CONTACT}"
    )


def _exception(rules: OwnershipRules, c: OwnerChange) -> tuple[bool, str]:
    """Whether the claimed exception holds, and why in words."""
    if c.exception is ExceptionKind.ARBITER_DECISION:
        ok = rules.escalation.arbiter is not None and c.approved_by == rules.escalation.arbiter
        return ok, (
            f"{c.approved_by} is the final arbiter"
            if ok
            else f"{c.approved_by} is not the final arbiter ({rules.escalation.arbiter})"
        )
    if c.exception is ExceptionKind.MANAGER_OVERRIDE:
        ok = c.approver_role in MANAGER_ROLES
        return ok, (
            f"{c.approved_by} is a {c.approver_role}"
            if ok
            else f"{c.approved_by} is a {c.approver_role}, not a manager"
        )
    old = c.account.segment if c.account else None
    ok = rules.segment_handoff.allows(old, c.new_segment)
    path = " → ".join(rules.segment_handoff.order)
    return ok, (
        f"the account moves {old} → {c.new_segment}"
        + ("" if ok else f", not a segment handoff along {path}")
    )


def check_owner_change(rules: OwnershipRules, change: OwnerChange, now: datetime) -> Verdict:
    """Allowed or blocked, by which rule, the actionable message and the trace."""
    if change.old_owner == change.new_owner:
        return Verdict(True, None, "the owner does not change")
    steps = _protections(rules, change, now)
    protecting = [s for s in steps if s.outcome == "protects"]
    if not protecting:
        return Verdict(True, None, "no rule protects this record", None, tuple(steps))
    first = protecting[0]
    if change.exception is not None:
        ok, why = _exception(rules, change)
        if ok and not (change.reason or "").strip():
            ok, why = False, f"{why}, but no reason was given"
        exc_rule = (
            Rule.SEGMENT_HANDOFF
            if change.exception is ExceptionKind.SEGMENT_HANDOFF
            else Rule.ESCALATION
        )
        steps.append(
            Step(
                exc_rule,
                "allows" if ok else "blocks",
                why,
                {
                    "exception": change.exception.value,
                    "by": change.approved_by,
                    "reason": change.reason,
                },
            )
        )
        if ok:
            kind = change.exception.value.replace("_", " ")
            message = f"allowed as a {kind} by {change.approved_by}: {change.reason}"
            return Verdict(True, first.rule, message, change.exception, tuple(steps))
        return Verdict(
            False, first.rule, f"{_message(first.rule, change, first)} ({why}.)", None, tuple(steps)
        )
    steps.append(
        Step(
            first.rule,
            "blocks",
            f"{RULE_TITLES[first.rule]}: no override, segment handoff or arbiter "
            "decision was given",
        )
    )
    return Verdict(False, first.rule, _message(first.rule, change, first), None, tuple(steps))
