"""Routing's words as enums: fallback detection by node kind, nodes and targets built
from YAML words, and traces that serialize as they always did."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from baton.domain.routing.flow import Assign, Decision, MatchAccount, Target
from baton.domain.routing.territory import TARGETS, TerritoryRow
from baton.domain.routing.vocabulary import MatchBy, NodeKind, StepOutcome, TargetKind
from baton.services.routing.assign import lead_facts
from baton.testing import InMemoryRoutingPorts
from baton.workspace.routing_compile import compile_routing
from baton.workspace.spec import WorkspaceSpec

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York


def ports_for(*nodes: object, **data: object) -> tuple[object, InMemoryRoutingPorts]:
    spec = WorkspaceSpec.model_validate(
        {
            "workspace": {"name": "Acme", "timezone": "America/New_York"},
            "people": [
                {"id": "sam", "name": "Sam Ortiz", "role": "sdr"},
                {"id": "lee", "name": "Lee Chen", "role": "sdr"},
            ],
            "routing": {
                "queues": [{"id": "inbound-triage"}],
                "pools": [{"id": "sdr", "members": ["sam", "lee"]}],
                "flows": [{"name": "inbound", "nodes": list(nodes)}],
            },
        }
    )
    config, issues = compile_routing(spec)
    assert issues == []
    return config.flows[0], InMemoryRoutingPorts.for_workspace(spec, config, **data)


def test_a_lead_nobody_in_the_pool_could_take_is_decided_by_the_fallback():
    away = {pid: [(NOW - timedelta(days=1), NOW + timedelta(days=1))] for pid in ("sam", "lee")}
    flow, ports = ports_for(
        {"round_robin": "sdr"}, {"fallback": {"queue": "inbound-triage"}}, out_of_office=away
    )
    d = ports.route(flow, lead_facts({}), NOW)
    assert (d.queue, d.node_kind, d.via_fallback) == ("inbound-triage", NodeKind.FALLBACK, True)


def test_a_lead_the_round_robin_assigned_is_not_a_fallback():
    flow, ports = ports_for({"round_robin": "sdr"}, {"fallback": {"queue": "inbound-triage"}})
    d = ports.route(flow, lead_facts({}), NOW)
    assert (d.owner_id, d.node_kind, d.via_fallback) == ("sam", NodeKind.ROUND_ROBIN, False)


def test_an_assign_to_the_triage_queue_is_not_a_fallback():
    flow, ports = ports_for({"assign": {"queue": "inbound-triage"}})
    d = ports.route(flow, lead_facts({}), NOW)
    assert (d.queue, d.node_kind, d.via_fallback) == ("inbound-triage", NodeKind.ASSIGN, False)


def test_a_decision_whose_node_kind_was_read_back_as_text_is_still_a_fallback():
    assert Decision("inbound", queue="triage", node_kind="fallback").via_fallback
    assert not Decision("inbound", queue="triage", node_kind="assign").via_fallback
    assert not Decision("inbound").via_fallback


def test_nodes_targets_and_territory_rows_built_from_yaml_words_hold_members():
    node = Assign("round robin sdr", "round_robin", Target("pool", "sdr"))
    assert node.kind is NodeKind.ROUND_ROBIN and node.target.kind is TargetKind.POOL
    match = MatchAccount("match_account", "match_account", ("website", "company_name"))
    assert match.by == (MatchBy.WEBSITE, MatchBy.COMPANY_NAME)
    assert MatchAccount("m", "match_account").by == tuple(MatchBy)
    assert TerritoryRow(1, {}, None, "team", "ent-west").target_kind is TargetKind.TEAM


def test_an_unknown_node_or_target_kind_is_refused():
    with pytest.raises(ValueError):
        Assign("x", "roundrobin", Target("pool", "sdr"))
    with pytest.raises(ValueError):
        Target("person", "sam")


def test_territory_targets_are_listed_in_the_order_the_errors_name_them():
    assert TARGETS == ("owner", "team", "pool", "queue")


def test_a_trace_serializes_to_the_words_stored_before_the_enums():
    flow, ports = ports_for({"round_robin": "sdr"}, {"fallback": {"queue": "inbound-triage"}})
    step = ports.route(flow, lead_facts({}), NOW).steps[0]
    assert step.outcome is StepOutcome.ASSIGNED
    stored = json.loads(json.dumps(step.__dict__))
    assert (stored["kind"], stored["outcome"]) == ("round_robin", "assigned")
