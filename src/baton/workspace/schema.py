"""The shape of ``baton.yaml``: one Pydantic model per section.

Each field's ``description`` is what an error message says is *expected*, and
its first example is the *e.g.*; keep both written for a RevOps reader.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import time
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from baton.workspace.zones import check_timezone

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
WINDOW_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _zone(value: str) -> str:
    problem = check_timezone(value)
    if problem:
        raise ValueError(problem)
    return value


TimeZoneName = Annotated[
    str,
    AfterValidator(_zone),
    Field(description="an IANA time zone name", examples=["America/New_York"]),
]


def _matcher(pattern: str, what: str):
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise ValueError(f"'{value}' is not {what}")
        return value

    return AfterValidator(check)


Ident = Annotated[
    str,
    _matcher(ID_PATTERN, "a valid id"),
    Field(
        max_length=100,
        description="an id of letters, digits, '-', '_' or '.'",
        examples=["ana-lopez"],
    ),
]
Email = Annotated[str, _matcher(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address")]
SlackId = Annotated[str, _matcher(r"^[UW][A-Z0-9]{2,}$", "a Slack member id")]


def parse_window(text: str) -> tuple[time, time]:
    """``"09:00-17:00"`` -> (09:00, 17:00); an end of ``24:00`` is midnight (``time(0)``)."""
    match = WINDOW_RE.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time window")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ValueError(f"'{text}' has an hour or minute out of range")
    if h1 * 60 + m1 == h2 * 60 + m2:
        raise ValueError(f"'{text}' is empty (start equals end)")
    return time(h1, m1), time(h2 % 24, m2)  # 00:00-24:00 is the whole day


def _window(text: str) -> str:
    parse_window(text)
    return text.strip()


Window = Annotated[
    str,
    AfterValidator(_window),
    Field(
        description=(
            "a window 'HH:MM-HH:MM' in local time (an end before the start runs past midnight)"
        ),
        examples=["09:00-17:00"],
    ),
]


def expand_weekdays(key: str) -> list[str]:
    """``"mon-fri"`` -> ["mon", …, "fri"]; ``"sat"`` -> ["sat"]."""
    parts = key.lower().split("-")
    if len(parts) == 1 and parts[0] in WEEKDAYS:
        return parts
    if len(parts) == 2 and all(p in WEEKDAYS for p in parts):
        i, j = WEEKDAYS.index(parts[0]), WEEKDAYS.index(parts[1])
        if i <= j:
            return list(WEEKDAYS[i : j + 1])
    raise ValueError(
        f"'{key}' is not a weekday or a range of weekdays (mon, tue, … sun, or mon-fri)"
    )


def _weekday_key(key: str) -> str:
    expand_weekdays(key)
    return key


WeekdayKey = Annotated[str, AfterValidator(_weekday_key)]


class WorkspaceInfo(Section):
    name: str = Field(
        min_length=1, description="the company or workspace name", examples=["Acme Corp"]
    )
    timezone: TimeZoneName = "UTC"


class Definition(Section):
    term: str = Field(min_length=1, description="the agreed term", examples=["MQL"])
    text: str = Field(
        min_length=1,
        description="what the term means, in one or two sentences",
        examples=["Score >= 60 and a hand-raise in the last 30 days"],
    )
    approved: StrictBool = Field(
        False, description="true once Sales and Marketing signed it off", examples=[True]
    )


class HolidaySetRef(Section):
    country: str = Field(
        description="an ISO 3166 country code supported by the holidays package", examples=["US"]
    )
    subdivision: str | None = Field(
        None, description="a state/province code of that country", examples=["CA"]
    )


def _one_or_many(value: object) -> object:
    """One holiday set may be written without the list: ``holidays: {country: US}``."""
    return [value] if isinstance(value, dict) else value


class CustomDay(Section):
    date: dt.date = Field(description="a date YYYY-MM-DD", examples=["2026-12-24"])
    name: str = ""
    hours: list[Window] = Field(
        default_factory=list,
        description="open windows that day; empty means closed",
        examples=[["09:00-13:00"]],
    )


class CalendarSpec(Section):
    timezone: TimeZoneName
    week: dict[WeekdayKey, list[Window]] = Field(
        description="weekday (or range like mon-fri) -> list of 'HH:MM-HH:MM' windows",
        examples=[{"mon-fri": ["09:00-12:00", "13:00-17:00"]}],
    )
    holidays: Annotated[list[HolidaySetRef], BeforeValidator(_one_or_many)] = Field(
        default_factory=list,
        description="the countries whose public holidays close the calendar",
        examples=[[{"country": "US", "subdivision": "NY"}]],
    )
    custom_days: list[CustomDay] = Field(default_factory=list)

    @field_validator("week")
    @classmethod
    def _weekdays(cls, week: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: set[str] = set()
        for key in week:
            days = expand_weekdays(key)
            if seen.intersection(days):
                raise ValueError(f"'{key}' repeats {', '.join(sorted(seen.intersection(days)))}")
            seen.update(days)
        return week


class Role(StrEnum):
    SDR = "sdr"
    BDR = "bdr"
    AE = "ae"
    AM = "am"
    CSM = "csm"
    SE = "se"
    MANAGER = "manager"
    EXECUTIVE = "executive"
    REVOPS = "revops"
    MARKETING = "marketing"


class PersonSpec(Section):
    id: Ident
    name: str = Field(min_length=1, description="the person's full name", examples=["Ana Lopez"])
    email: Email | None = Field(
        None, description="a personal work email (not a shared inbox)", examples=["ana@acme.com"]
    )
    slack_id: SlackId | None = Field(None, description="a Slack member id", examples=["U024BE7LH"])
    role: Role = Field(description="one of " + ", ".join(r.value for r in Role), examples=["ae"])
    manager: str | None = Field(
        None, description="the id of this person's manager", examples=["maria-chen"]
    )
    team: str | None = Field(
        None, description="the id of a team under teams:", examples=["ent-west"]
    )
    timezone: TimeZoneName | None = None
    calendar: str | None = Field(
        None, description="the name of a calendar under calendars:", examples=["americas"]
    )
    active: StrictBool = Field(True, description="true or false", examples=[True])
    max_open: StrictInt | None = Field(
        None,
        ge=0,
        description="most open leads this person may hold (empty = no limit)",
        examples=[40],
    )
    max_per_day: StrictInt | None = Field(
        None, ge=0, description="most new leads a day (empty = no limit)", examples=[15]
    )


class TeamSpec(Section):
    id: Ident
    name: str = Field(
        min_length=1, description="the team's display name", examples=["Enterprise West"]
    )
    manager: str | None = Field(
        None, description="the id of the team's manager", examples=["maria-chen"]
    )
    calendar: str | None = Field(
        None, description="the name of a calendar under calendars:", examples=["americas"]
    )
