"""The ``health:`` section of baton.yaml: the thresholds of the playbooks' red flags.

Every threshold a report, a page or a flag compares against lives here, with the
playbooks' own numbers as defaults. Percentages are written ``20%`` (or ``20``);
durations ``3m``, ``1h``. A flag judged on too few leads says so instead of raising
(``min_pool_leads``, ``min_sample``): a 3-lead pool is not "50 % imbalanced".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PositiveFloat,
    StrictInt,
    model_validator,
)

from baton.domain.speed import RatingBands
from baton.workspace.durations import parse_span
from baton.workspace.schema import Section

PERCENT_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")


def _percent_text(value: object) -> object:
    if isinstance(value, bool):
        return value  # refused below: true is not a percentage
    if isinstance(value, int | float):
        return f"{value:g}%"
    return value


def _percent(text: str) -> str:
    match = PERCENT_RE.match(text)
    if not match or not 0 < float(match.group(1)) <= 100:
        raise ValueError(f"'{text}' is not a percentage between 0 and 100")
    return f"{float(match.group(1)):g}%"


def fraction(percent: str) -> float:
    """``"20%"`` → 0.2."""
    return float(percent.rstrip("%")) / 100


Percent = Annotated[
    str,
    BeforeValidator(_percent_text),
    AfterValidator(_percent),
    Field(description="a percentage", examples=["20%"]),
]


def _span(text: str) -> str:
    parse_span(text)
    return text


Span = Annotated[
    str,
    AfterValidator(_span),
    Field(description="a duration like 3m, 90s or 1h", examples=["3m"]),
]


def _count(value: int) -> int:
    if value < 1:
        raise ValueError(f"{value} is not a number of leads: 1 or more, e.g. 20")
    return value


def _a_minute_or_more(text: str) -> str:
    if parse_span(text) < timedelta(minutes=1):
        raise ValueError(f"'{text}' is less than a minute: the worker checks at most once a minute")
    return text


Count = Annotated[
    StrictInt,
    AfterValidator(_count),
    Field(description="a number of leads, 1 or more", examples=[20]),
]


class SystemsDelayBands(Section):
    """Playbook 004's systems-delay benchmarks (engagement → assignment)."""

    best_possible: Span = "3m"
    best_in_class: Span = "5m"
    yellow: Span = "10m"
    red: Span = "15m"
    critical: Span = "30m"

    @model_validator(mode="after")
    def _increasing(self) -> SystemsDelayBands:
        self.bands()  # raises with the five values when they do not increase
        return self

    def bands(self) -> RatingBands:
        return RatingBands(*(parse_span(getattr(self, f)) for f in type(self).model_fields))


class HealthSpec(Section):
    pool_imbalance: Percent = Field(
        "20%",
        description="the round-robin imbalance (most minus fewest leads, over the mean) "
        "above which a pool is a red flag",
        examples=["20%"],
    )
    misroute_rate: Percent = Field(
        "5%",
        description="the share of routed leads flagged as misrouted above which "
        "routing is a red flag",
        examples=["5%"],
    )
    fallback_share: Percent = Field(
        "10%",
        description="the share of routed leads sent to the fallback above which "
        "routing is a red flag",
        examples=["10%"],
    )
    team_sla_compliance: Percent = Field(
        "80%", description="the SLA compliance under which a team is a red flag", examples=["80%"]
    )
    sla_approaching: Percent = Field(
        "80%",
        description="the share of its threshold from which a response or an open "
        "clock is 'approaching' the breach",
        examples=["80%"],
    )
    systems_delay: SystemsDelayBands = Field(default_factory=SystemsDelayBands)
    leakage_share: Percent = Field(
        "10%",
        description="the share of MQLs handed to Sales longer than lifecycle.leakage_after ago "
        "that are still MQLs nobody touched, above which leakage is a red flag",
        examples=["10%"],
    )
    rejection_reason_share: Percent = Field(
        "40%",
        description="the share of the period's rejections one reason may have before it is a "
        "red flag (the MQL definition or the lead quality needs a look)",
        examples=["40%"],
    )
    slow_response_multiple: PositiveFloat = Field(
        2.0,
        description="how many times its rule's SLA threshold a lead type's average response "
        "may take before it is a red flag (playbook 002: 'avg response time exceeding 2x "
        "SLA target')",
        examples=[2],
    )
    miss_rate_increase: Percent = Field(
        "20%",
        description="the rise of the SLA miss rate over the previous 7 days (relative: 10 % "
        "to 12 % is a 20 % rise) above which it is a red flag (playbook 004)",
        examples=["20%"],
    )
    systems_delay_above_baseline: Span = Field(
        "3m",
        description="how far the median systems delay (engagement → assignment) of the last "
        "7 days may rise above its baseline, the median of the 28 days before, before it is "
        "a red flag: an integration slowing down (playbook 004)",
        examples=["3m"],
    )
    worker_silence: Span = Field(
        "2m",
        description="how long the worker may go without a heartbeat before it is a red flag "
        "(timers, escalations and alert delivery stop with it)",
        examples=["2m"],
    )
    check_every: Annotated[Span, AfterValidator(_a_minute_or_more)] = Field(
        "1m",
        description="how often the worker evaluates the monitors, 1m or more: a monitor "
        "turning red alerts at most this late (an evaluation takes a second or two at a "
        "million leads)",
        examples=["5m"],
    )
    amber_margin: Percent = Field(
        "10%",
        description="the width of the amber band just short of red, as a share of the "
        "threshold: with 20 % and 10 %, an imbalance over 18 % and up to 20 % is amber",
        examples=["10%"],
    )
    min_pool_leads: Count = Field(
        20,
        description="the leads a round-robin pool needs in the period before its imbalance "
        "is judged; with fewer the flag says 'not enough leads (3 of 20)'",
        examples=[20],
    )
    min_sample: Count = Field(
        20,
        description="the sample a ratio needs before it is judged: routed leads for the "
        "misroute rate and the fallback share, SLA verdicts (hit + miss) for a team's "
        "compliance, MQLs handed over for the leakage share, rejections for a reason's share",
        examples=[20],
    )

    @property
    def limits(self) -> HealthLimits:
        return HealthLimits(
            pool_imbalance=fraction(self.pool_imbalance),
            misroute_rate=fraction(self.misroute_rate),
            fallback_share=fraction(self.fallback_share),
            team_sla_compliance=fraction(self.team_sla_compliance),
            sla_approaching=fraction(self.sla_approaching),
            systems_delay=self.systems_delay.bands(),
            leakage_share=fraction(self.leakage_share),
            rejection_reason_share=fraction(self.rejection_reason_share),
            min_pool_leads=self.min_pool_leads,
            min_sample=self.min_sample,
            slow_response_multiple=self.slow_response_multiple,
            miss_rate_increase=fraction(self.miss_rate_increase),
            worker_silence=parse_span(self.worker_silence),
            systems_delay_above_baseline=parse_span(self.systems_delay_above_baseline),
            check_every=parse_span(self.check_every),
            amber_margin=fraction(self.amber_margin),
        )


@dataclass(frozen=True)
class HealthLimits:
    """The thresholds as numbers (fractions, rating bands) for reports and pages."""

    pool_imbalance: float
    misroute_rate: float
    fallback_share: float
    team_sla_compliance: float
    sla_approaching: float
    systems_delay: RatingBands
    leakage_share: float
    rejection_reason_share: float
    min_pool_leads: int  # below it, a pool's imbalance is not judged
    min_sample: int  # below it, a ratio (misroutes, fallback, leakage, …) is not judged
    slow_response_multiple: float = 2.0
    miss_rate_increase: float = 0.2
    worker_silence: timedelta = timedelta(minutes=2)
    systems_delay_above_baseline: timedelta = timedelta(minutes=3)
    check_every: timedelta = timedelta(minutes=1)  # the worker's evaluation of the monitors
    amber_margin: float = 0.1


DEFAULT_LIMITS = HealthSpec().limits  # the playbooks' numbers, for a workspace without health:
