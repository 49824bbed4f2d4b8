"""The rules of engagement as data (playbook 000): who owns what, what may not be taken,
what happens to idle deals, who decides in the end. Each rule reads as an if/then sentence
(``sentence()``), which is what the ROE document and the quick-reference card print.

Numbers the playbook gives are the defaults (ownership timeout 60 days); the windows it
leaves to the customer (cooling-off, deal registration, duplicate outreach) default to common
values and are configuration like every other threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from enum import StrEnum
from typing import Protocol

MANAGER_ROLES = frozenset({"manager", "executive", "revops"})


class Rule(StrEnum):
    """The rules, by the names the playbook's definition-alignment terms give them."""

    NAMED_ACCOUNT = "named_account"
    DEAL_REGISTRATION = "deal_registration"
    COOLING_OFF = "cooling_off"
    OWNERSHIP_TIMEOUT = "ownership_timeout"
    DUPLICATE_OUTREACH = "duplicate_outreach"
    SEGMENT_HANDOFF = "segment_handoff"
    PARENT_CHILD = "parent_child"
    ESCALATION = "escalation"


RULE_TITLES = {
    Rule.NAMED_ACCOUNT: "Named Account",
    Rule.DEAL_REGISTRATION: "Deal Registration",
    Rule.COOLING_OFF: "Cooling-Off Period",
    Rule.OWNERSHIP_TIMEOUT: "Ownership Timeout",
    Rule.DUPLICATE_OUTREACH: "Duplicate Outreach",
    Rule.SEGMENT_HANDOFF: "Segment Handoff",
    Rule.PARENT_CHILD: "Parent/Child Accounts",
    Rule.ESCALATION: "Escalation and Final Arbiter",
}


class TargetKind(StrEnum):
    POOL = "pool"
    QUEUE = "queue"
    MANAGER = "manager"  # the idle owner's manager


def _days(span: timedelta) -> str:
    days = span / timedelta(days=1)
    return f"{days:g} day{'s' if days != 1 else ''}"


@dataclass(frozen=True)
class NamedAccounts:
    """Which accounts are protected: the account's named flag, a list of ids, a condition."""

    flag: bool = True  # accounts.named = true protects
    accounts: frozenset[int] = frozenset()
    segments: frozenset[str] = frozenset()  # lower-case; an account in one of these
    min_employees: int | None = None
    covers_opportunities: bool = True  # its open opportunities are protected too
    covers_leads: bool = False

    def sentence(self) -> str:
        which = []
        if self.flag:
            which.append("is flagged named")
        if self.accounts:
            which.append("is listed (" + ", ".join(str(a) for a in sorted(self.accounts)) + ")")
        if self.segments:
            which.append("is in segment " + " or ".join(sorted(self.segments)))
        if self.min_employees is not None:
            which.append(f"has {self.min_employees} employees or more")
        also = [
            w
            for w, on in (
                ("open opportunities", self.covers_opportunities),
                ("leads", self.covers_leads),
            )
            if on
        ]
        tail = f" (and that of its {' and '.join(also)})" if also else ""
        return (
            f"IF an account {' or '.join(which) or 'is never protected'}, THEN only a manager "
            f"override, a segment handoff or the final arbiter may change its owner{tail}."
        )


@dataclass(frozen=True)
class OwnershipTimeout:
    after: timedelta = timedelta(days=60)
    target_kind: TargetKind = TargetKind.MANAGER
    target: str | None = None  # the pool or queue name; None for the manager
    applies_to: tuple[str, ...] = ("opportunity",)
    account_after: timedelta | None = None  # an account's idle period; None: ``after``
    run_at: time = time(7, 0)  # the sweep's local time, once per business day
    calendar: str | None = None  # whose business days (a calendar name); None: Mon–Fri

    def after_for(self, entity: str) -> timedelta:
        """How long a record of ``entity`` may stay idle."""
        if entity == "account" and self.account_after is not None:
            return self.account_after
        return self.after

    def sentence(self) -> str:
        to = (
            "the owner's manager"
            if self.target_kind is TargetKind.MANAGER
            else (f"the {self.target_kind.value} {self.target}")
        )
        what = " or ".join(f"an open {a}" for a in self.applies_to)
        accounts = self.after_for("account")
        also = (
            f" (an account: {_days(accounts)})"
            if "account" in self.applies_to and accounts != self.after
            else ""
        )
        return (
            f"IF {what} has no activity for {_days(self.after)}{also}, THEN it is reassigned to "
            f"{to}, and the owner and their manager are told."
        )


@dataclass(frozen=True)
class CoolingOff:
    days: timedelta = timedelta(days=90)

    def sentence(self) -> str:
        return (
            f"IF an opportunity on an account is closed-lost, THEN for {_days(self.days)} no "
            "other rep may take or engage the account; its owner keeps it."
        )


@dataclass(frozen=True)
class DealRegistration:
    window: timedelta = timedelta(days=90)

    def sentence(self) -> str:
        return (
            "IF an opportunity is partner-sourced and registered, THEN its owner cannot be "
            f"changed for {_days(self.window)} from its registration."
        )


@dataclass(frozen=True)
class DuplicateOutreach:
    window: timedelta = timedelta(days=14)

    def sentence(self) -> str:
        return (
            f"IF two different reps touch the same account within {_days(self.window)}, THEN "
            "both their managers are alerted."
        )


@dataclass(frozen=True)
class SegmentHandoff:
    order: tuple[str, ...] = ("smb", "mm", "ent")  # lower-case, smallest first
    upward_only: bool = True
    takes_over: str = "the rep of the new segment, assigned by routing or a manager"

    def allows(self, old: str | None, new: str | None) -> bool:
        """A move between two listed segments (up the order, unless upward_only is off)."""
        o, n = (old or "").lower(), (new or "").lower()
        if o not in self.order or n not in self.order or o == n:
            return False
        return self.order.index(n) > self.order.index(o) or not self.upward_only

    def sentence(self) -> str:
        path = " → ".join(s.upper() for s in self.order)
        way = "moves up" if self.upward_only else "moves"
        return (
            f"IF an account {way} along {path}, THEN its ownership passes to "
            f"{self.takes_over}; the change is recorded as a segment handoff."
        )


@dataclass(frozen=True)
class ParentChild:
    children_follow: bool = True

    def sentence(self) -> str:
        if self.children_follow:
            return (
                "IF an account has a parent account, THEN it follows its parent: a protected "
                "parent protects its children, and only the rules for the parent decide."
            )
        return "IF an account has a parent account, THEN it is judged on its own."


@dataclass(frozen=True)
class Escalation:
    path: tuple[str, ...] = ("manager",)  # roles or person ids, in order
    arbiter: str | None = None  # a person id: the final arbiter
    resolve_within: timedelta = timedelta(days=5)

    def sentence(self) -> str:
        steps = " → ".join((*self.path, self.arbiter or "the final arbiter (not named yet)"))
        return (
            f"IF two reps dispute ownership, THEN it goes {steps}; the final arbiter decides "
            f"within {_days(self.resolve_within)}: keep, transfer or split credit."
        )


class OverdueAction(StrEnum):
    ESCALATE = "escalate"  # an overdue dispute goes straight to the final arbiter
    FLAG = "flag"  # it stays with its holder, flagged overdue


@dataclass(frozen=True)
class DisputeSla:
    """The resolution SLA's notices: a reminder ``remind_before`` the dispute is due (zero: no
    reminder), and what happens once it is overdue."""

    remind_before: timedelta = timedelta(days=1)
    when_overdue: OverdueAction = OverdueAction.ESCALATE


class _Sentenced(Protocol):
    def sentence(self) -> str: ...


@dataclass(frozen=True)
class OwnershipRules:
    named: NamedAccounts = field(default_factory=NamedAccounts)
    timeout: OwnershipTimeout = field(default_factory=OwnershipTimeout)
    cooling_off: CoolingOff = field(default_factory=CoolingOff)
    deal_registration: DealRegistration = field(default_factory=DealRegistration)
    duplicate_outreach: DuplicateOutreach = field(default_factory=DuplicateOutreach)
    segment_handoff: SegmentHandoff = field(default_factory=SegmentHandoff)
    parent_child: ParentChild = field(default_factory=ParentChild)
    escalation: Escalation = field(default_factory=Escalation)
    disputes: DisputeSla = field(default_factory=DisputeSla)

    def sentences(self) -> list[tuple[Rule, str, str]]:
        """(rule, title, if/then sentence) in the document's order."""
        parts: dict[Rule, _Sentenced] = {
            Rule.NAMED_ACCOUNT: self.named,
            Rule.DEAL_REGISTRATION: self.deal_registration,
            Rule.COOLING_OFF: self.cooling_off,
            Rule.OWNERSHIP_TIMEOUT: self.timeout,
            Rule.DUPLICATE_OUTREACH: self.duplicate_outreach,
            Rule.SEGMENT_HANDOFF: self.segment_handoff,
            Rule.PARENT_CHILD: self.parent_child,
            Rule.ESCALATION: self.escalation,
        }
        return [(r, RULE_TITLES[r], p.sentence()) for r, p in parts.items()]
