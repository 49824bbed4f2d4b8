"""Inbound shapes of people and their out-of-office periods (API and CSV import).

Whether a period may be recorded (ordered, at most 366 days, no overlap) is not a
shape: ``domain.people.out_of_office_problems`` decides it, for every door alike.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baton.workspace.schema import Email, Ident, Role, TimeZoneName


class OutOfOffice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: str = Field("", max_length=200)


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Ident
    name: str = Field(min_length=1, max_length=200)
    email: Email | None = None
    slack_id: str | None = Field(None, max_length=40)
    role: Role
    manager_id: str | None = None
    team_id: str | None = None
    timezone: TimeZoneName | None = None
    calendar: str | None = None
    active: bool = True
    max_open: int | None = Field(None, ge=0)
    max_per_day: int | None = Field(None, ge=0)


class PersonPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=200)
    email: Email | None = None
    slack_id: str | None = Field(None, max_length=40)
    role: Role | None = None
    manager_id: str | None = None
    team_id: str | None = None
    timezone: TimeZoneName | None = None
    calendar: str | None = None
    active: bool | None = None
    max_open: int | None = Field(None, ge=0)
    max_per_day: int | None = Field(None, ge=0)
    out_of_office: list[OutOfOffice] | None = Field(
        None, description="replaces the person's out-of-office periods"
    )
