"""The ``routing:`` section of baton.yaml: queues, pools, territory tables, flows.

Flow nodes are checked and compiled by ``routing_compile.py`` (each node is a
one-key mapping such as ``round_robin: sdr-americas``), so that their errors
can name the node and its line.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt, model_validator

from baton.workspace.schema import Ident, Section

TRIGGERS = {
    "lead.created": "a new lead arrives (API, batch, CSV import)",
    "lead.reroute": "a lead is routed again (its owner left, or an SLA miss asks for it)",
    "lead.mql": "a lead becomes an MQL (by qualification or by hand)",
    "handoff.csm": "a deal enters a handoff stage (Closed Won): who its CSM is",
}


class QueueSpec(Section):
    id: Ident
    name: str = Field("", description="display name", examples=["Inbound triage"])
    manager: str | None = Field(
        None, description="the id of the person who watches this queue", examples=["maria-chen"]
    )


class PoolSpec(Section):
    id: Ident
    members: list[str] = Field(
        default_factory=list,
        description="person ids in rotation order",
        examples=[["sam-ortiz", "priya-nair"]],
    )
    team: str | None = Field(
        None,
        description=(
            "take the members from this team (its active people; its managers only "
            "with managers: include under routing.team_pools)"
        ),
        examples=["sdr-americas"],
    )
    weights: dict[str, StrictInt] = Field(
        default_factory=dict,
        description="person id -> weight (default 1)",
        examples=[{"sam-ortiz": 2}],
    )
    skip_outside_hours: StrictBool = Field(
        False, description="skip members whose calendar is closed right now"
    )
    respect_capacity: StrictBool = Field(
        True, description="skip members at their max_open / max_per_day"
    )

    @model_validator(mode="after")
    def _members_or_team(self) -> PoolSpec:
        if bool(self.members) == bool(self.team):
            raise ValueError("give either members: [ids] or team: ID")
        if any(w < 1 for w in self.weights.values()):
            raise ValueError("weights are whole numbers of at least 1")
        return self


class TeamPoolSpec(Section):
    team: str = Field(description="the id of a team under teams:", examples=["ae-emea"])
    managers: Literal["include", "exclude"] = Field(
        description=(
            "include: the team's managers take leads from its round robin too; "
            "exclude: reps only (what a team not listed here gets)"
        ),
        examples=["include"],
    )


class TerritoryRowSpec(Section):
    line: int | None = Field(None, description="source line (filled in for CSV rows)")
    name: str = ""
    segment: str | None = None
    country: str | None = None
    region: str | None = None
    state: str | None = None
    industry: str | None = None
    product: str | None = None
    employees: str | None = Field(
        None, description="a size range: 1000+, 200-999, <200", examples=["1000+"]
    )
    owner: str | None = None
    team: str | None = None
    pool: str | None = None
    queue: str | None = None


class TerritorySpec(Section):
    id: Ident
    rows: list[TerritoryRowSpec] = Field(
        default_factory=list, description="territory rows (or file: territories.csv)"
    )


class FlowSpec(Section):
    name: Ident
    trigger: str = Field(
        "lead.created", description="one of " + ", ".join(TRIGGERS), examples=["lead.created"]
    )
    when: dict[str, Any] | None = Field(
        None,
        description="a condition for this flow to apply",
        examples=[{"field": "is_test", "eq": False}],
    )
    uses: list[str] = Field(
        default_factory=list, description="definition terms this flow relies on", examples=[["MQL"]]
    )
    nodes: list[Any] = Field(
        min_length=1,
        description="the nodes, top to bottom",
        examples=[["override", {"fallback": {"queue": "inbound-triage"}}]],
    )


class RoutingSpec(Section):
    queues: list[QueueSpec] = Field(default_factory=list)
    pools: list[PoolSpec] = Field(default_factory=list)
    team_pools: list[TeamPoolSpec] = Field(
        default_factory=list,
        description="whether a team's round robin takes its managers (default: reps only)",
        examples=[[{"team": "ae-emea", "managers": "include"}]],
    )
    territories: list[TerritorySpec] = Field(default_factory=list)
    flows: list[FlowSpec] = Field(default_factory=list)
