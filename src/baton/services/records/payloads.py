"""Inbound record shapes, shared by the REST API (validated strictly, from JSON)
and CSV import (validated leniently, from text cells)."""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from baton.domain.records import ActivityKind, LeadStatus
from baton.services.limits import (
    BoundedDoc,
    Count,
    Finite,
    FreeText,
    Instant,
    RecordRef,
    Ref,
    StoredEmail,
)

Text = Annotated[str, Field(max_length=300)]
ExtraValue = FreeText | int | Finite | bool | None


def _country(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ValueError(f"'{value}' is not a two-letter ISO country code (e.g. US, DE)")
    return value.upper()


def _domain(value: str) -> str:
    value = value.strip().lower().removeprefix("http://").removeprefix("https://").split("/")[0]
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}", value):
        raise ValueError(f"'{value}' is not a domain name (e.g. acme.com)")
    return value


Country = Annotated[str, AfterValidator(_country)]
Domain = Annotated[str, AfterValidator(_domain)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: str | None = Field(
        None,
        max_length=200,
        description="the record's id in the CRM; re-sending it does not duplicate the record",
    )
    source_system: str = Field(
        "", max_length=60, description="where external_id comes from, e.g. salesforce"
    )
    extra: Annotated[dict[str, ExtraValue], BoundedDoc] = Field(
        default_factory=dict,
        description="any other fields, kept as given (strings up to 10,000 characters, the "
        "whole object up to 64 KiB)",
    )


class LeadIn(Payload):
    email: StoredEmail | None = None
    first_name: str | None = Field(None, max_length=120)
    last_name: str | None = Field(None, max_length=120)
    company: Text | None = None
    website: Text | None = None
    phone: str | None = Field(None, max_length=60)
    title: str | None = Field(None, max_length=200)
    source: str | None = Field(None, max_length=120, description="e.g. website, event, paid-search")
    campaign: str | None = Field(None, max_length=200)
    lead_type: str | None = Field(
        None, max_length=60, description="e.g. demo-request, content, webinar"
    )
    status: LeadStatus = LeadStatus.NEW
    status_reason: str | None = Field(
        None,
        max_length=200,
        description="why it was recycled or disqualified: one of the workspace's "
        "lifecycle.rejection_reasons when a PATCH moves it there",
    )
    country: Country | None = None
    state: str | None = Field(None, max_length=60)
    region: str | None = Field(None, max_length=60)
    industry: str | None = Field(None, max_length=120)
    employees: Count | None = None
    segment: str | None = Field(None, max_length=60)
    product: str | None = Field(None, max_length=120)
    score: Finite | None = None
    is_test: bool = False
    owner_id: Ref | None = Field(
        None, description="an owner already set in the CRM (for backfills)"
    )
    override_owner: bool = Field(
        False, description="keep the current owner: routing will not reassign"
    )
    engaged_at: Instant | None = Field(
        None, description="form submission / CTA / list upload time; defaults to received_at"
    )
    received_at: Instant | None = Field(
        None, description="for backfills of history; defaults to the time Baton received it"
    )
    assigned_at: Instant | None = Field(
        None, description="for backfills: when the CRM owner was assigned"
    )

    @model_validator(mode="after")
    def _contactable(self) -> LeadIn:
        if not (self.email or self.phone or self.company or self.last_name):
            raise ValueError("a lead needs at least one of email, phone, company or last_name")
        if self.assigned_at and not self.owner_id:
            raise ValueError("assigned_at needs owner_id (who was assigned)")
        return self


class AccountIn(Payload):
    name: Text = Field(min_length=1)
    domains: list[Domain] = Field(default_factory=list, max_length=50)
    website: Text | None = None
    segment: str | None = Field(None, max_length=60)
    employees: Count | None = None
    industry: str | None = Field(None, max_length=120)
    country: Country | None = None
    region: str | None = Field(None, max_length=60)
    state: str | None = Field(None, max_length=60)
    parent_id: RecordRef | None = None
    parent_external_id: str | None = None
    owner_id: Ref | None = None
    named: bool = Field(False, description="a named/protected account: its leads go to its owner")
    partner: str | None = Field(None, max_length=200)


class OpportunityIn(Payload):
    name: Text = Field(min_length=1)
    account_id: RecordRef | None = None
    account_external_id: str | None = None
    owner_id: Ref | None = None
    stage: str = Field(min_length=1, max_length=60)
    amount: Finite | None = Field(None, ge=0)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    close_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    partner: str | None = Field(None, max_length=200)
    registered_at: Instant | None = None
    closed_at: Instant | None = None
    handoff: Annotated[dict[str, ExtraValue | list[ExtraValue]], BoundedDoc] = Field(
        default_factory=dict,
        description="the handoff fields (handoff.fields of the workspace: customer_goals, "
        "stakeholders as a list, …); a move into Closed Won needs its tier's",
        examples=[{"customer_goals": "Halve ramp time", "stakeholders": ["Ana (champion)"]}],
    )


class ActivityIn(Payload):
    kind: ActivityKind
    person_id: Ref | None = Field(None, description="who made the touch")
    occurred_at: Instant
    lead_id: RecordRef | None = None
    lead_external_id: str | None = None
    account_id: RecordRef | None = None
    account_external_id: str | None = None
    opportunity_id: RecordRef | None = None
    opportunity_external_id: str | None = None
    direction: str | None = Field(None, pattern=r"^(inbound|outbound)$")
    subject: Text | None = None

    @model_validator(mode="after")
    def _on_something(self) -> ActivityIn:
        targets = (
            self.lead_id,
            self.lead_external_id,
            self.account_id,
            self.account_external_id,
            self.opportunity_id,
            self.opportunity_external_id,
        )
        if not any(t is not None for t in targets):
            raise ValueError(
                "an activity must be on a lead, an account or an opportunity "
                "(lead_id, account_id or opportunity_id)"
            )
        return self


def patch_model(model: type[BaseModel], name: str, exclude: set[str]) -> type[BaseModel]:
    """A PATCH shape: the same fields, all optional, minus those that may not change. A
    field that may be null in ``model`` may be set to null; one that may not (``status``,
    ``override_owner``, ``name``…) may be left out but not nulled: an explicit null is a 422
    naming it (its default None is never validated, so leaving it out stays possible)."""
    from pydantic import create_model

    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        if field_name in exclude:
            continue
        annotation = (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
        if nullable(info.annotation):
            annotation = annotation | None
        fields[field_name] = (annotation, Field(None, description=info.description))
    return create_model(
        name, __config__=ConfigDict(extra="forbid", str_strip_whitespace=True), **fields
    )


def nullable(annotation: Any) -> bool:
    """Whether a field of this type takes None (``X | None``, ``Optional[X]``, ``Any``)."""
    return annotation is Any or annotation is None or type(None) in get_args(annotation)


LeadPatch = patch_model(LeadIn, "LeadPatch", {"external_id", "source_system", "received_at"})
AccountPatch = patch_model(
    AccountIn, "AccountPatch", {"external_id", "source_system", "parent_external_id"}
)


class HandoffOverride(BaseModel):
    """A manager lets a deal enter a handoff stage without its required fields (recorded)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=1, max_length=500, description="why the deal closes without its fields"
    )
    approved_by: str = Field(
        min_length=1, max_length=100, description="the id of the manager who allows it"
    )


_OpportunityFields = patch_model(
    OpportunityIn, "_OpportunityFields", {"external_id", "source_system", "account_external_id"}
)


class OpportunityPatch(_OpportunityFields):  # type: ignore[misc,valid-type]
    handoff_override: HandoffOverride | None = Field(
        None,
        description="with a move into a handoff stage (Closed Won) without the tier's required "
        "fields: a manager's permission, with why; recorded on the handoff",
    )
