"""The ``lifecycle:`` section of baton.yaml: the statuses' names, the allowed moves, the
rejection reasons, MQL qualification and recycling (playbook 002).

Every key is optional; an absent section means the playbook's defaults (New → MQL →
SAL → SQL, rejection to Recycled or Disqualified from any open stage) — but a workspace
that lets reps reject leads must list its reasons.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictInt

from baton.workspace.durations import parse_span
from baton.workspace.schema import Section

STATUSES = ("new", "mql", "sal", "sql", "recycled", "disqualified", "converted")
DEFAULT_REASONS = [
    "no budget",
    "not a fit",
    "no response",
    "duplicate",
    "bad contact data",
    "competitor",
    "wrong territory",
]


class QualifySpec(Section):
    """When a lead becomes an MQL by itself: a score threshold, conditions, or either."""

    score_field: str = Field(
        "score", description="the lead field holding the score", examples=["score"]
    )
    score_at_least: float | None = Field(
        None, description="a score from which a lead qualifies", examples=[60]
    )
    when: dict[str, Any] | None = Field(
        None,
        description="conditions (fit AND behaviour) in the routing condition language",
        examples=[
            {
                "all": [
                    {"field": "employees", "gte": 50},
                    {"field": "lead_type", "eq": "demo-request"},
                ]
            }
        ],
    )


class RecycleSpec(Section):
    after_attempts: StrictInt | None = Field(
        3,
        ge=1,
        description="outbound contact attempts without an inbound reply after which the lead "
        "returns to Marketing as Recycled (null: never by itself)",
        examples=[3],
    )
    release_owner: bool = Field(
        True, description="a recycled lead goes back to Marketing without an owner"
    )


def _span(text: str) -> str:
    parse_span(text)
    return text


class LifecycleSpec(Section):
    names: dict[str, str] = Field(
        default_factory=dict,
        description="display names by status (new, mql, sal, sql, recycled, disqualified, "
        "converted); the meaning of each stays fixed",
        examples=[{"sal": "Accepted by Sales"}],
    )
    transitions: dict[str, list[str]] | None = Field(
        None,
        description="the allowed moves from each status (default: the playbook's)",
        examples=[{"new": ["mql", "disqualified"]}],
    )
    rejection_reasons: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REASONS),
        description="the short list a rep picks from to recycle or disqualify (5-7 advised)",
        examples=[["no budget", "not a fit", "no response"]],
    )
    qualify: QualifySpec | None = None
    recycle: RecycleSpec = Field(default_factory=RecycleSpec)
    leakage_after: Annotated[str, AfterValidator(_span)] = Field(
        "7d",
        description="an MQL assigned this long with no activity has leaked",
        examples=["7d"],
    )
