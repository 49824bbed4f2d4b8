"""The whole of baton.yaml: one model whose fields are the sections."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from baton.workspace.alerts_schema import AlertsSpec
from baton.workspace.handoff_schema import HandoffSpec
from baton.workspace.health_schema import HealthSpec
from baton.workspace.lifecycle_schema import LifecycleSpec
from baton.workspace.ownership_schema import OwnershipSpec
from baton.workspace.routing_schema import RoutingSpec
from baton.workspace.schema import (
    CalendarSpec,
    Definition,
    PersonSpec,
    Section,
    TeamSpec,
    WorkspaceInfo,
)
from baton.workspace.sla_schema import SlaSpec


class WorkspaceSpec(Section):
    workspace: WorkspaceInfo
    definitions: list[Definition] = Field(default_factory=list)
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)
    people: list[PersonSpec] = Field(default_factory=list)
    teams: list[TeamSpec] = Field(default_factory=list)
    routing: RoutingSpec | None = None
    alerts: AlertsSpec | None = None
    sla: SlaSpec | None = None
    lifecycle: LifecycleSpec | None = None  # statuses and moves (the playbook's when absent)
    health: HealthSpec | None = None  # the red flags' thresholds (the playbooks' when absent)
    handoff: HandoffSpec | None = None  # Sales → CS on Closed Won (the playbook's when absent)
    ownership: OwnershipSpec | None = None  # rules of engagement (none enforced when absent)

    def document(self) -> dict[str, Any]:
        """The canonical, JSON-ready form that versions are hashed and diffed on."""
        return self.model_dump(mode="json", exclude_defaults=False)
