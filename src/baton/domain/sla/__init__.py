"""SLA rules and clocks: deadlines, notices, escalations and verdicts in business time.

Pure like the rest of the domain: the calendar is a value and ``now`` an argument.
"""

from baton.domain.sla.clock import (
    ClockInput,
    Due,
    DueKind,
    Verdict,
    VerdictState,
    backfill_suppressed,
    schedule,
    still_due,
    verdict,
)
from baton.domain.sla.policy import (
    BUSINESS_DAY,
    DEFAULT_ESCALATIONS,
    FIRST_TIER,
    Escalation,
    OnReassign,
    SlaPolicy,
    Start,
    default_escalations,
)
from baton.domain.sla.reassign import Charge, Outcome, reassign

__all__ = [
    "BUSINESS_DAY",
    "DEFAULT_ESCALATIONS",
    "FIRST_TIER",
    "Charge",
    "ClockInput",
    "Due",
    "DueKind",
    "Escalation",
    "OnReassign",
    "Outcome",
    "SlaPolicy",
    "Start",
    "Verdict",
    "VerdictState",
    "backfill_suppressed",
    "default_escalations",
    "reassign",
    "schedule",
    "still_due",
    "verdict",
]
