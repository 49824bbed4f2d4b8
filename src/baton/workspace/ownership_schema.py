"""The ``ownership:`` section of baton.yaml: the rules of engagement (playbook 000) — named
accounts, the ownership timeout, cooling-off, deal registration, duplicate outreach, segment
handoff, parent/child accounts and the escalation path with its final arbiter.

A workspace without the section enforces nothing (owners change as before); ``ownership: {}``
turns the rules on with the defaults: named-flagged accounts and their open opportunities are
protected, 60 idle days time an opportunity out to its owner's manager, 90 days of
cooling-off after a closed-lost deal, 90 days of deal registration, 14 days for duplicate
outreach, SMB → MM → ENT.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool

from baton.workspace.alerts_schema import ClockTime
from baton.workspace.durations import parse_span
from baton.workspace.schema import Section


def _days(text: str) -> str:
    parse_span(text)
    return text


Span = Annotated[str, AfterValidator(_days)]


class NamedAccountsSpec(Section):
    flag: StrictBool = Field(
        True, description="true: an account whose named flag is set is protected"
    )
    accounts: list[int] = Field(
        default_factory=list, description="ids of accounts protected by name", examples=[[12]]
    )
    segments: list[str] = Field(
        default_factory=list,
        description="accounts in these segments are protected",
        examples=[["Enterprise"]],
    )
    min_employees: int | None = Field(
        None, ge=0, description="accounts with this many employees or more are protected"
    )
    covers: list[Literal["account", "opportunity", "lead"]] = Field(
        default_factory=lambda: ["account", "opportunity"],
        description="whose owner is protected: the account, its open opportunities, its leads",
    )


class TimeoutSpec(Section):
    after: Span = Field("60d", description="no activity for this long → reassign", examples=["60d"])
    applies_to: list[Literal["opportunity", "account"]] = Field(
        default_factory=lambda: ["opportunity"], description="what times out"
    )
    reassign_to: str = Field(
        "manager",
        description="manager (the owner's), pool:ID or queue:ID (under routing:)",
        examples=["pool:ae-pool"],
    )
    account_after: Span | None = Field(
        None,
        description="an account's idle period when accounts time out (default: after)",
        examples=["90d"],
    )
    run_at: ClockTime = Field(
        "07:00", description="the sweep's local time, once per business day of the calendar"
    )
    calendar: str | None = Field(
        None,
        description="whose business days the sweep runs on: a name under calendars: "
        "(default: the first calendar; Monday to Friday without any)",
        examples=["americas"],
    )


class CoolingOffSpec(Section):
    after_closed_lost: Span = Field("90d", description="how long other reps stay out")
    stages: list[str] = Field(
        default_factory=lambda: ["Closed Lost"], description="the stages that are closed-lost"
    )


class WindowSpec(Section):
    window: Span = Field(description="how long the rule holds", examples=["90d"])


class SegmentHandoffSpec(Section):
    order: list[str] = Field(
        default_factory=lambda: ["SMB", "MM", "ENT"],
        description="segments from the smallest up",
        examples=[["SMB", "MM", "ENT"]],
    )
    upward_only: StrictBool = Field(True, description="only a move up the order is a handoff")
    takes_over: str = Field(
        "the rep of the new segment, assigned by routing or a manager",
        description="who takes over, in words (printed in the ROE document)",
    )


class ParentChildSpec(Section):
    children_follow: StrictBool = Field(
        True, description="true: a child account follows its parent's protection"
    )


class EscalationSpec(Section):
    path: list[str] = Field(
        default_factory=lambda: ["manager"],
        description="the steps a dispute climbs: roles (manager, executive, revops) or person ids",
        examples=[["manager", "maria-chen"]],
    )
    arbiter: str | None = Field(
        None, description="the id of the final arbiter (usually the VP Sales)"
    )
    resolve_within: Span = Field("5d", description="the dispute resolution SLA")


class DisputesSpec(Section):
    """The resolution SLA's notices (``escalation.resolve_within`` is the SLA itself)."""

    remind_before: Span = Field(
        "1d",
        description="the holder is reminded this long before the dispute is due (0d: never)",
        examples=["1d"],
    )
    when_overdue: Literal["escalate", "flag"] = Field(
        "escalate",
        description="escalate: an overdue dispute goes to the final arbiter; flag: it stays "
        "with its holder, flagged and told",
    )


class RedFlagsSpec(Section):
    """The maintenance schedule's red flags (playbook 000, 4a)."""

    timeout_share: float = Field(
        0.10, ge=0, le=1, description="timeouts of 30 days over this share of open pipeline"
    )
    violation_age: Span = Field("48h", description="a violation unresolved for longer")
    disputes_per_month: int = Field(5, ge=0, description="more disputes in 30 days than this")
    settling: Span = Field("60d", description="…once the rules have been live this long")


class OwnershipSpec(Section):
    named_accounts: NamedAccountsSpec = Field(default_factory=NamedAccountsSpec)
    timeout: TimeoutSpec = Field(default_factory=TimeoutSpec)
    cooling_off: CoolingOffSpec = Field(default_factory=CoolingOffSpec)
    deal_registration: WindowSpec = Field(default_factory=lambda: WindowSpec(window="90d"))
    duplicate_outreach: WindowSpec = Field(default_factory=lambda: WindowSpec(window="14d"))
    segment_handoff: SegmentHandoffSpec = Field(default_factory=SegmentHandoffSpec)
    parent_child: ParentChildSpec = Field(default_factory=ParentChildSpec)
    escalation: EscalationSpec = Field(default_factory=EscalationSpec)
    disputes: DisputesSpec = Field(default_factory=DisputesSpec)
    red_flags: RedFlagsSpec = Field(default_factory=RedFlagsSpec)
