"""The ``sla:`` section of baton.yaml: what counts as a first touch, and the SLA rules.

Durations are business time, written ``30m``, ``4h``, ``2h30m`` or ``90s``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictInt

from baton.workspace.durations import parse_span
from baton.workspace.schema import Ident, Section

FIRST_TOUCH_KINDS = ("call", "email", "linkedin", "meeting")
DEFAULT_EXCLUSIONS = {
    "any": [
        {"field": "status", "in": ["disqualified", "recycled"]},
        {"field": "is_test", "eq": True},
    ]
}


def parse_duration(text: str) -> timedelta:
    """A business-time duration: ``"2h30m"`` → 2:30:00 (no days)."""
    return parse_span(text, days=False)


def _duration(text: str) -> str:
    if parse_duration(text) <= timedelta(0):
        raise ValueError(f"'{text}' must be longer than zero")
    return text


def _non_negative(text: str) -> str:
    parse_duration(text)
    return text


Duration = Annotated[
    str,
    AfterValidator(_duration),
    Field(description="a business-time duration like 30m, 4h or 2h30m", examples=["30m"]),
]
Delay = Annotated[
    str,
    AfterValidator(_non_negative),
    Field(description="a business-time duration like 0m, 2h or 8h", examples=["2h"]),
]


def _percent(value: int) -> int:
    if not 0 < value < 100:
        raise ValueError(f"{value} is not a percentage between 1 and 99")
    return value


class EscalationSpec(Section):
    tier: StrictInt = Field(
        ge=1, description="2, 3 … (tier 1 is the miss alert to the owner)", examples=[2]
    )
    to: str = Field(description="owner, manager, executive, or a person id", examples=["manager"])
    after: Delay = "0m"


class OnMissSpec(Section):
    reroute: bool = Field(
        False, description="route the lead again through the flow (the owner is skipped)"
    )
    queue: str | None = Field(
        None, description="move the lead to this queue", examples=["inbound-triage"]
    )


class SlaRuleSpec(Section):
    name: Ident
    priority: StrictInt | None = Field(
        None,
        description="lower wins when two rules match; needed when rules can overlap",
        examples=[1],
    )
    lead_types: list[str] = Field(
        default_factory=list,
        description="lead types this rule covers",
        examples=[["demo-request", "contact-sales"]],
    )
    when: dict[str, Any] | None = Field(
        None,
        description="a condition on lead fields (as in routing)",
        examples=[{"field": "score", "gte": 80}],
    )
    threshold: Duration
    calendar: str = Field(
        "owner",
        description="owner (the owner's calendar) or a calendar name",
        examples=["americas"],
    )
    start: str = Field(
        "assigned", pattern="^(assigned|mql)$", description="assigned or mql", examples=["assigned"]
    )
    stop: list[str] = Field(
        default_factory=lambda: ["first_touch"],
        description="first_touch and/or sal",
        examples=[["first_touch", "sal"]],
    )
    pause_when: dict[str, Any] | None = Field(
        None,
        description="while this holds, the clock stops running",
        examples=[{"field": "status", "eq": "on-hold"}],
    )
    exclude_when: dict[str, Any] | None = Field(
        None,
        description="leads this rule never times (default: disqualified, recycled, test leads)",
    )
    pause_on_reply: bool = Field(
        False,
        description="an inbound reply from the lead pauses the clock until the owner's touch "
        "(or SAL) stops it",
    )
    notices: list[Annotated[StrictInt, AfterValidator(_percent)]] = Field(
        default_factory=lambda: [50, 80],
        description="reminders at these percentages of the threshold",
        examples=[[50, 80]],
    )
    escalations: list[EscalationSpec] | None = Field(
        None,
        description=(
            "tiers after the miss, from 2 (default: manager after 2h, executive after 8h)"
        ),
    )
    on_reassign: str = Field(
        "restart", pattern="^(restart|carry)$", description="restart or carry", examples=["restart"]
    )
    on_miss: OnMissSpec | None = None


class SlaSpec(Section):
    first_touch: list[str] = Field(
        default_factory=lambda: list(FIRST_TOUCH_KINDS),
        description="activity kinds that count as a first touch",
        examples=[["call", "email"]],
    )
    executive: str | None = Field(
        None, description="who 'executive' means in escalations", examples=["jordan-blake"]
    )
    exclude_when: dict[str, Any] = Field(
        default_factory=lambda: dict(DEFAULT_EXCLUSIONS), description="leads no rule times"
    )
    rules: list[SlaRuleSpec] = Field(default_factory=list)
