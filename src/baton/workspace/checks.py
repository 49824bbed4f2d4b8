"""Checks that run on a schema-valid workspace, one per section that needs more than
the schema (references across sections, compiled rules). Each returns Issues with
locations; the loader turns them into FILE:LINE problems."""

from __future__ import annotations

from collections.abc import Callable

from baton.workspace.alerts_check import check_alerts
from baton.workspace.handoff_compile import compile_handoff
from baton.workspace.lifecycle_compile import compile_lifecycle
from baton.workspace.ownership_compile import compile_ownership
from baton.workspace.routing_compile import Issue, compile_routing
from baton.workspace.sla_compile import compile_sla, coverage_issues
from baton.workspace.spec import WorkspaceSpec


def _routing(ws: WorkspaceSpec) -> list[Issue]:
    return compile_routing(ws)[1]


def _sla(ws: WorkspaceSpec) -> list[Issue]:
    return compile_sla(ws)[1] + coverage_issues(ws)


def _lifecycle(ws: WorkspaceSpec) -> list[Issue]:
    return compile_lifecycle(ws)[1]


def _handoff(ws: WorkspaceSpec) -> list[Issue]:
    return compile_handoff(ws)[1]


def _ownership(ws: WorkspaceSpec) -> list[Issue]:
    return compile_ownership(ws)[1]


SECTION_CHECKS: list[Callable[[WorkspaceSpec], list[Issue]]] = [
    _routing,
    _sla,
    check_alerts,
    _lifecycle,
    _handoff,
    _ownership,
]
