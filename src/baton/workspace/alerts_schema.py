"""The ``alerts:`` section of baton.yaml: channels, which kinds go where, retries,
bursts, scheduled digests, templates and silent mode.

Secrets are never written here: a channel names the environment variable that
holds its token or password (``token_env: BATON_SLACK_TOKEN``). Cross-checks
(unknown channels, unset variables, templates that do not compile) live in
``alerts_check.py`` so that each problem names its line.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StrictInt

from baton.domain.alerts import WEEKDAYS, RouteMode
from baton.workspace.durations import parse_span
from baton.workspace.hints import did_you_mean
from baton.workspace.schema import Ident, Section, TimeZoneName, Window

ENV_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
FULL_DAYS = dict(
    zip(
        WEEKDAYS,
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
)


def _positive_span(text: str) -> str:
    if parse_span(text) <= timedelta(0):
        raise ValueError(f"'{text}' must be longer than zero")
    return text


def _env_name(text: str) -> str:
    if not ENV_RE.match(text):
        raise ValueError(
            f"'{text}' is not an environment variable name "
            "(the secret itself never goes in baton.yaml)"
        )
    return text


def _weekday(text: str) -> str:
    """``mon`` … ``sun``; a day's full name (``Monday``) is read as its first three letters."""
    day = text.strip().lower()
    if day[:3] in WEEKDAYS and (day == day[:3] or FULL_DAYS[day[:3]] == day):
        return day[:3]
    hint = did_you_mean(day, [*WEEKDAYS, *FULL_DAYS.values()])
    raise ValueError(f"'{text}' is not a day of the week{hint}")


def _clock_time(text: str) -> str:
    if not TIME_RE.match(text.strip()):
        raise ValueError(f"'{text}' is not a time of day HH:MM")
    return text.strip()


Span = Annotated[
    str,
    AfterValidator(_positive_span),
    Field(description="a duration like 30s, 5m, 2h or 1d", examples=["5m"]),
]
EnvName = Annotated[
    str,
    AfterValidator(_env_name),
    Field(
        description="the NAME of an environment variable that holds the secret",
        examples=["BATON_SLACK_TOKEN"],
    ),
]
Weekday = Annotated[
    str,
    AfterValidator(_weekday),
    Field(description="a day of the week: mon, tue, wed, thu, fri, sat or sun", examples=["mon"]),
]
ClockTime = Annotated[
    str,
    AfterValidator(_clock_time),
    Field(description="a local time of day HH:MM", examples=["09:00"]),
]
ChannelName = Annotated[
    str,
    Field(
        max_length=20,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="a channel name (letters, digits, '-', '_'; at most 20)",
        examples=["slack"],
    ),
]


class ChannelType(StrEnum):
    SLACK = "slack"
    EMAIL = "email"
    WEBHOOK = "webhook"


class Security(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class ChannelSpec(Section):
    """One delivery channel. Which fields apply depends on ``type`` (checked with line numbers)."""

    type: ChannelType = Field(description="slack, email or webhook", examples=["slack"])
    # slack
    token_env: EnvName | None = None
    channel: str | None = Field(
        None,
        description="a Slack channel id to post to instead of a DM to each person",
        examples=["C0123456789"],
    )
    base_url: str | None = Field(
        None,
        description="the Slack Web API base URL (only to point at a test server)",
        examples=["https://slack.com/api/"],
    )
    # email
    host: str | None = Field(
        None, description="the SMTP server host", examples=["smtp.acme.example"]
    )
    port: StrictInt | None = Field(
        None,
        ge=1,
        le=65535,
        description="the SMTP port (587 for STARTTLS, 465 for TLS)",
        examples=[587],
    )
    security: Security = Field(
        Security.STARTTLS, description="starttls, tls or none", examples=["starttls"]
    )
    username_env: EnvName | None = None
    password_env: EnvName | None = None
    sender: str | None = Field(
        None, description="the From address", examples=["Baton <baton@acme.example>"]
    )
    # webhook
    url: str | None = Field(
        None,
        description="an http(s) URL that receives a signed JSON POST",
        examples=["https://hooks.acme.example/baton"],
    )
    secret_env: EnvName | None = None
    silent_url: str | None = Field(
        None,
        description="where the webhook posts while silent mode is on (left out: nothing is posted)",
        examples=["https://hooks.acme.example/baton-test"],
    )
    timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="seconds to wait for the server", examples=[10]
    )


class RouteSpec(Section):
    kinds: list[str] = Field(
        default_factory=lambda: ["*"],
        min_length=1,
        description="alert kinds, '*' as a wildcard",
        examples=[["sla.*"]],
    )
    channels: list[ChannelName] = Field(
        min_length=1,
        description="channel names in order of preference",
        examples=[["slack", "email"]],
    )
    mode: RouteMode = Field(
        RouteMode.FALLBACK,
        description="fallback (next channel only when one fails) or all (every channel)",
        examples=["fallback"],
    )


class RetrySpec(Section):
    first_delay: Span = "30s"
    max_delay: Span = "30m"
    give_up_after: Span = "24h"


class DeliverySpec(Section):
    concurrency: StrictInt = Field(
        8, ge=1, le=64, description="messages sent at the same time by one worker", examples=[8]
    )
    batch: StrictInt = Field(
        64, ge=1, le=1000, description="alerts claimed per round", examples=[64]
    )
    lease: Span = Field(
        "2m",
        description="how long a claimed alert is reserved for a worker before another may take it",
        examples=["2m"],
    )


class BurstSpec(Section):
    max: StrictInt = Field(
        10,
        ge=1,
        description=(
            "more alerts than this of one kind to one person within the window become one digest"
        ),
        examples=[10],
    )
    window: Span = "5m"


class DigestReport(StrEnum):
    LIFECYCLE = "lifecycle"  # the Marketing Ops weekly numbers (reports.lifecycle_week)


class DigestSpec(Section):
    name: Ident
    kinds: list[str] = Field(
        default_factory=list,
        description=(
            "alert kinds this digest collects ('*' as a wildcard); they wait for the schedule"
            " (may be left out when the digest carries a report)"
        ),
        examples=[["feedback.*"]],
    )
    report: DigestReport | None = Field(
        None,
        description=(
            "numbers the digest carries every week: lifecycle (the past ISO week's MQLs,"
            " acceptance and SQL rates, funnel, rejection reasons, recycled leads, leakage)"
        ),
        examples=["lifecycle"],
    )
    to: list[str] = Field(
        min_length=1,
        description="person ids, team:ID or role:ROLE",
        examples=[["vp-sales", "team:sdr-americas"]],
    )
    weekday: Weekday = "mon"
    at: ClockTime = "09:00"
    calendar: str | None = Field(
        None,
        description="a calendar under calendars:; a closed slot moves to its next opening",
        examples=["americas"],
    )
    timezone: TimeZoneName | None = None
    channels: list[ChannelName] = Field(
        default_factory=list,
        description="channel names (empty: the route for kind digest.weekly)",
        examples=[["email"]],
    )
    send_empty: StrictBool = Field(
        False,
        description="send even when nothing was collected that week (a report is always sent)",
    )


class TemplateSpec(Section):
    subject: str | None = Field(
        None,
        description="a Jinja2 template for the subject / Slack header",
        examples=["SLA missed: {{ lead.name }}"],
    )
    slack: str | None = Field(
        None,
        description="a Jinja2 template for the Slack message text (mrkdwn)",
        examples=["*{{ lead.name }}* waited {{ elapsed }}"],
    )
    email: str | None = Field(
        None,
        description="a Jinja2 template for the plain-text email body",
        examples=["{{ lead.name }} waited {{ elapsed }}."],
    )


class AlertsSpec(Section):
    silent: StrictBool = Field(
        False,
        description=(
            "true sends every alert to test_recipient instead (use `baton alerts silent on|off`)"
        ),
        examples=[True],
    )
    test_recipient: str | None = Field(
        None,
        description="the person id who receives every alert in silent mode",
        examples=["revops-lead"],
    )
    silent_minimum_business_days: StrictInt = Field(
        2,
        ge=0,
        description="business days in silent mode before it may be turned off without --force",
        examples=[2],
    )
    calendar: str | None = Field(
        None,
        description="the calendar that counts business days in silent mode",
        examples=["americas"],
    )
    channels: dict[ChannelName, ChannelSpec] = Field(
        default_factory=dict,
        description="name -> channel",
        examples=[{"slack": {"type": "slack", "token_env": "BATON_SLACK_TOKEN"}}],
    )
    routes: list[RouteSpec] = Field(
        default_factory=list,
        description="which channels each kind of alert uses; the first matching route wins",
    )
    retry: RetrySpec = Field(default_factory=RetrySpec)
    delivery: DeliverySpec = Field(default_factory=DeliverySpec)
    bursts: BurstSpec | None = Field(
        default_factory=BurstSpec, description="folding bursts into digests (null turns it off)"
    )
    digests: list[DigestSpec] = Field(default_factory=list)
    templates: dict[str, TemplateSpec] = Field(
        default_factory=dict, description="alert kind -> templates overriding the defaults"
    )


__all__ = [
    "AlertsSpec",
    "ChannelSpec",
    "ChannelType",
    "DigestReport",
    "DigestSpec",
    "RouteSpec",
    "Window",
    "parse_span",
]
