"""Inbound shapes of people and their out-of-office periods (API and CSV import).

Whether a period may be recorded (ordered, at most 366 days, no overlap) is not a
shape: ``domain.people.out_of_office_problems`` decides it, for every door alike.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from baton.services.limits import Count, Instant, Ref, StoredEmail
from baton.workspace.schema import Ident, Role, TimeZoneName


class OutOfOffice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: Instant
    ends_at: Instant
    reason: str = Field("", max_length=200)


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Ident
    name: str = Field(min_length=1, max_length=200)
    email: StoredEmail | None = None
    slack_id: str | None = Field(None, max_length=40)
    role: Role
    manager_id: Ref | None = None
    team_id: Ref | None = None
    timezone: TimeZoneName | None = None
    calendar: Ref | None = None
    active: bool = True
    max_open: Count | None = None
    max_per_day: Count | None = None


class PersonPatch(BaseModel):
    """The fields present change; ``name``, ``role``, ``active`` and ``out_of_office`` may
    be left out but not null (a 422 naming the field; ``[]`` clears the periods)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    email: StoredEmail | None = None
    slack_id: str | None = Field(None, max_length=40)
    role: Role = None  # type: ignore[assignment]
    manager_id: Ref | None = None
    team_id: Ref | None = None
    timezone: TimeZoneName | None = None
    calendar: Ref | None = None
    active: bool = None  # type: ignore[assignment]
    max_open: Count | None = None
    max_per_day: Count | None = None
    out_of_office: list[OutOfOffice] = Field(  # type: ignore[assignment]
        None, description="replaces the person's out-of-office periods ([] clears them)"
    )
