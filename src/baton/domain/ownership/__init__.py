"""Rules of engagement (playbook 000): the rules as data (rules.py), the owner-change check
(check.py) and the time-based rules (timing.py). Pure: ``now`` comes in as an argument."""

from baton.domain.ownership.check import (
    AccountFacts,
    ExceptionKind,
    OpportunityFacts,
    OwnerChange,
    Step,
    Verdict,
    check_owner_change,
    is_named,
)
from baton.domain.ownership.rules import (
    MANAGER_ROLES,
    RULE_TITLES,
    CoolingOff,
    DealRegistration,
    DuplicateOutreach,
    Escalation,
    NamedAccounts,
    OwnershipRules,
    OwnershipTimeout,
    ParentChild,
    Rule,
    SegmentHandoff,
    TargetKind,
)
from baton.domain.ownership.timing import (
    Finding,
    cooling_off_breach,
    duplicate_outreach,
    timed_out,
)

__all__ = [
    "MANAGER_ROLES",
    "RULE_TITLES",
    "AccountFacts",
    "CoolingOff",
    "DealRegistration",
    "DuplicateOutreach",
    "Escalation",
    "ExceptionKind",
    "Finding",
    "NamedAccounts",
    "OpportunityFacts",
    "OwnerChange",
    "OwnershipRules",
    "OwnershipTimeout",
    "ParentChild",
    "Rule",
    "SegmentHandoff",
    "Step",
    "TargetKind",
    "Verdict",
    "check_owner_change",
    "cooling_off_breach",
    "duplicate_outreach",
    "is_named",
    "timed_out",
]
