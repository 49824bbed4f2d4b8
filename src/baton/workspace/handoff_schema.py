"""The ``handoff:`` section of baton.yaml: the Sales → Customer Success handoff on Closed Won
(playbook 003) — trigger stages, tiers and their required fields, the CSM assignment flow,
escalation, the first-touch target and the templates.

A workspace without the section has no handoff (deals close as before); ``handoff: {}``
turns it on with the playbook's defaults, every key optional: Closed Won starts a handoff,
enterprise deals (or 50,000 and up) are high-touch, the rest low-touch, renewals and upsells
take a lighter list, an incomplete handoff escalates after 8 business hours.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StrictInt

from baton.domain.handoff import FieldType, Side, default_policy
from baton.workspace.durations import parse_span
from baton.workspace.schema import Section


def _span(text: str) -> str:
    parse_span(text)
    return text


def _hours(text: str) -> str:
    parse_span(text, days=False)
    return text


Span = Annotated[str, AfterValidator(_span)]
BusinessSpan = Annotated[str, AfterValidator(_hours)]


class FieldSpec(Section):
    type: FieldType = Field(
        FieldType.TEXT,
        description="one of " + ", ".join(t.value for t in FieldType),
        examples=["text"],
    )
    help: str = Field(
        "",
        description="what the rep should write: shown when the field is missing",
        examples=["What the customer wants to achieve, in their words"],
    )
    label: str = Field("", description="display name", examples=["Customer goals"])
    side: Side = Field(
        Side.SALES,
        description="who writes it: sales (the AE's handoff field, which a tier may require "
        "at the close) or cs (Customer Success's intake field, filled after the close)",
        examples=["cs"],
    )
    choices: list[str] = Field(
        default_factory=list,
        description="the allowed values of a choice field",
        examples=[["weekly", "monthly"]],
    )


class TierSpec(Section):
    name: str = Field(min_length=1, description="the tier's name", examples=["high-touch"])
    segments: list[str] = Field(
        default_factory=list,
        description="the account segments in this tier",
        examples=[["Enterprise"]],
    )
    min_amount: float | None = Field(
        None, ge=0, description="deals of this amount and up are in this tier", examples=[50000]
    )
    live_call: StrictBool = Field(
        False, description="true: the AE and the CSM hold a live handoff call"
    )
    fields: list[str] = Field(
        description="the names of the fields this tier requires (under handoff.fields)",
        examples=[["customer_goals", "stakeholders", "scope"]],
    )


class LightSpec(Section):
    stages: list[str] = Field(
        default_factory=list,
        description="stages that close a renewal or an upsell",
        examples=[["Renewal Won"]],
    )
    types: list[str] = Field(
        default_factory=lambda: ["renewal", "upsell"],
        description="values of the deal's type (an extra field) that take the lighter list",
        examples=[["renewal", "upsell"]],
    )
    type_field: str = Field(
        "type", description="the extra field holding the deal's type", examples=["type"]
    )
    fields: list[str] = Field(
        default_factory=lambda: ["customer_goals", "risks"],
        description="the fields a renewal or upsell needs (those its tier requires)",
        examples=[["customer_goals", "risks"]],
    )


class AssignmentSpec(Section):
    flow: str | None = Field(
        None,
        description="the routing flow (trigger: handoff.csm) that picks the CSM; default: the "
        "first flow with that trigger",
        examples=["csm-handoff"],
    )


class EscalationSpec(Section):
    after: BusinessSpan = Field(
        "8h",
        description="business time from the close after which an incomplete handoff escalates",
        examples=["8h"],
    )
    cs_lead: str | None = Field(
        None,
        description="the id of the CS lead, told with the AE's manager",
        examples=["nina-cs-lead"],
    )


class TemplatesSpec(Section):
    summary: str | None = Field(
        None,
        description="a Jinja template (Markdown) for the handoff summary: deal, account, "
        "fields, tier, csm",
        examples=["# {{ deal.name }}\n{{ field.customer_goals.text }}"],
    )
    task: str = Field(
        "Review the handoff of {{ deal.name }}",
        description="the title of the CSM's handoff review task (a Jinja template)",
        examples=["Review the handoff of {{ deal.name }}"],
    )


class TargetsSpec(Section):
    """The maintenance schedule's numbers (playbook 003, 4a): the report flags what is off."""

    completion: float = Field(
        0.90, ge=0, le=1, description="the completion rate aimed at", examples=[0.9]
    )
    completion_flag_below: float = Field(
        0.85, ge=0, le=1, description="a completion rate under this is a red flag", examples=[0.85]
    )
    escalation_flag_above: float = Field(
        0.20,
        ge=0,
        le=1,
        description="a share of handoffs escalated over this is a red flag",
        examples=[0.2],
    )
    pilot_deals: StrictInt = Field(
        10, ge=1, description="the first N handoffs the pilot view shows (5-10)", examples=[10]
    )


def _default_fields() -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for tier in default_policy().tiers:
        for f in tier.fields:
            out[f.name] = FieldSpec(type=f.type, help=f.help, label=f.label)
    return out


def _default_tiers() -> list[TierSpec]:
    return [
        TierSpec(
            name=t.name,
            segments=sorted(s.title() for s in t.segments),
            min_amount=t.min_amount,
            live_call=t.live_call,
            fields=[f.name for f in t.fields],
        )
        for t in default_policy().tiers
    ]


class HandoffSpec(Section):
    stages: list[str] = Field(
        default_factory=lambda: ["Closed Won"],
        description="the opportunity stages that start a handoff",
        examples=[["Closed Won"]],
    )
    fields: dict[str, FieldSpec] = Field(
        default_factory=_default_fields,
        description="the handoff fields: name → type, help text (the playbook's six by "
        "default; fields listed here are added to them)",
        examples=[{"customer_goals": {"type": "text", "help": "What the customer wants"}}],
    )
    tiers: list[TierSpec] = Field(
        default_factory=_default_tiers,
        description="tiers in order: the first that takes a deal wins; the last without "
        "segments or min_amount is the default",
        examples=[[{"name": "low-touch", "fields": ["customer_goals"]}]],
    )
    light: LightSpec = Field(default_factory=LightSpec)
    assignment: AssignmentSpec = Field(default_factory=AssignmentSpec)
    escalation: EscalationSpec = Field(default_factory=EscalationSpec)
    first_touch_within: Span = Field(
        "48h",
        description="close → the CSM's first activity with the customer (flagged above)",
        examples=["48h"],
    )
    first_touch_calendar: str = Field(
        "24/7",
        description="the calendar the CSM's first-touch SLA runs in: 24/7 (wall clock, the "
        "playbook's 48 hours), owner (the CSM's own) or the name of a calendar",
        examples=["owner"],
    )
    notify_within: Span = Field(
        "5m", description="close → the CSM told (the playbook's 5 minutes)", examples=["5m"]
    )
    templates: TemplatesSpec = Field(default_factory=TemplatesSpec)
    targets: TargetsSpec = Field(default_factory=TargetsSpec)
