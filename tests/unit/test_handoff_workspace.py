"""The handoff: section of baton.yaml: the playbook's defaults, and every mistake reported by
``baton check`` at its line with the fix."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from baton.domain.handoff import FieldType
from baton.workspace.handoff_compile import compile_handoff
from baton.workspace.loader import load_workspace
from baton.workspace.problems import WorkspaceError

HEAD = """\
workspace:
  name: Acme
  timezone: America/New_York
people:
  - {id: nina, name: Nina Cs, role: manager, email: nina@acme.com}
  - {id: carl, name: Carl Csm, role: csm, manager: nina, email: carl@acme.com}
"""


def load(tmp_path: Path, yaml: str):
    (tmp_path / "baton.yaml").write_text(HEAD + textwrap.dedent(yaml))
    return load_workspace(tmp_path)


def problems(tmp_path: Path, yaml: str) -> list[str]:
    with pytest.raises(WorkspaceError) as info:
        load(tmp_path, yaml)
    return [str(p) for p in info.value.problems]


def test_no_handoff_section_means_the_playbooks_defaults(tmp_path):
    ws = load(tmp_path, "")
    config, issues = compile_handoff(ws.spec)
    assert issues == []
    policy = config.policy
    assert policy.triggers("Closed Won")
    assert [t.name for t in policy.tiers] == ["high-touch", "low-touch"]
    assert policy.escalate_after == timedelta(hours=8)
    assert policy.first_touch_within == timedelta(hours=48)
    assert policy.notify_within == timedelta(minutes=5)
    assert {f.name for f in policy.tiers[0].fields} == {
        "customer_goals",
        "stakeholders",
        "scope",
        "risks",
        "communication_preferences",
        "success_criteria",
    }


def test_a_workspace_adds_its_own_fields_with_type_and_help(tmp_path):
    ws = load(
        tmp_path,
        """\
        handoff:
          stages: [Closed Won, Renewal Won]
          fields:
            kickoff_date: {type: date, help: When the kickoff call is booked}
          tiers:
            - name: standard
              fields: [customer_goals, kickoff_date]
          escalation: {after: 16h, cs_lead: nina}
        """,
    )
    config, _ = compile_handoff(ws.spec)
    (tier,) = config.policy.tiers
    assert [(f.name, f.type) for f in tier.fields] == [
        ("customer_goals", FieldType.TEXT),
        ("kickoff_date", FieldType.DATE),
    ]
    assert tier.fields[1].help == "When the kickoff call is booked"
    assert config.policy.triggers("renewal won")
    assert config.cs_lead == "nina"
    assert config.policy.escalate_after == timedelta(hours=16)


def test_an_unknown_tier_field_is_named_at_its_line_with_a_suggestion(tmp_path):
    msgs = problems(
        tmp_path,
        """\
        handoff:
          tiers:
            - name: low-touch
              fields:
                - customer_goals
                - stakeholder
        """,
    )
    assert len(msgs) == 1
    assert msgs[0].startswith(
        "baton.yaml:12: handoff.tiers[0].fields[1]: no field 'stakeholder' under handoff.fields "
        "(did you mean 'stakeholders'?)"
    )


def test_bad_handoff_settings_are_each_reported_with_their_line(tmp_path):
    msgs = problems(
        tmp_path,
        """\
        handoff:
          fields:
            plan: {type: choice}
          tiers:
            - {name: big, segments: [Enterprise], fields: [scope]}
          assignment: {flow: csm}
          escalation: {after: 1d, cs_lead: nino}
          templates: {summary: "{{ deal.name "}
        """,
    )
    text = "\n".join(msgs)
    assert "baton.yaml:13: handoff.escalation.after: " in text and "in hours" in text
    (tmp_path / "baton.yaml").write_text(
        HEAD
        + textwrap.dedent(
            """\
            handoff:
              fields:
                plan: {type: choice}
              tiers:
                - {name: big, segments: [Enterprise], fields: [scope]}
              assignment: {flow: csm}
              escalation: {cs_lead: nino}
              templates: {summary: "{{ deal.name "}
            """
        )
    )
    with pytest.raises(WorkspaceError) as info:
        load_workspace(tmp_path)
    msgs = [str(p) for p in info.value.problems]
    assert any(m.startswith("baton.yaml:9: handoff.fields.plan") and "choices" in m for m in msgs)
    assert any(
        m.startswith("baton.yaml:10: handoff.tiers:") and "no default tier" in m for m in msgs
    )
    assert any(
        m.startswith("baton.yaml:12: handoff.assignment.flow: no routing flow 'csm'") for m in msgs
    )
    assert any(
        m.startswith(
            "baton.yaml:13: handoff.escalation.cs_lead: no person 'nino' (did you mean 'nina'?)"
        )
        for m in msgs
    )
    assert any(
        m.startswith("baton.yaml:14: handoff.templates.summary: template line") for m in msgs
    )


def test_an_unknown_first_touch_calendar_is_named_with_a_suggestion(tmp_path):
    (msg,) = [
        m
        for m in problems(tmp_path, "handoff:\n  first_touch_calendar: ownr\n")
        if not m.startswith("warning")
    ]
    assert msg.startswith(
        "baton.yaml:8: handoff.first_touch_calendar: no calendar 'ownr' (did you mean 'owner'?)"
    )


def test_an_unknown_handoff_key_suggests_the_close_one(tmp_path):
    (msg,) = problems(tmp_path, "handoff:\n  stagse: [Closed Won]\n")
    assert "baton.yaml:8: handoff.stagse: unknown key 'stagse' (did you mean 'stages'?)" in msg


def test_a_csm_flow_is_a_routing_flow_with_the_handoff_trigger(tmp_path):
    ws = load(
        tmp_path,
        """\
        routing:
          flows:
            - name: csm-handoff
              trigger: handoff.csm
              nodes:
                - assign: {owner: carl}
        handoff:
          assignment: {flow: csm-handoff}
        """,
    )
    config, issues = compile_handoff(ws.spec)
    assert issues == [] and config.flow == "csm-handoff"


def test_an_unknown_filter_in_a_template_is_caught_by_baton_check(tmp_path):
    msgs = problems(tmp_path, "handoff:\n  templates: {task: '{{ deal.name | shout }}'}\n")
    (msg,) = [m for m in msgs if not m.startswith("warning")]
    assert msg.startswith("baton.yaml:8: handoff.templates.task: template line 1: ")
    assert "shout" in msg


def test_a_tier_cannot_require_an_intake_field_which_cs_fills_after_the_close(tmp_path):
    found = problems(
        tmp_path,
        """\
        handoff:
          fields:
            kickoff_date: {type: date, side: cs, help: The kickoff call's date}
          tiers:
            - {name: only, fields: [customer_goals, kickoff_date]}
        """,
    )
    assert len(found) == 1
    assert "handoff.tiers[0].fields[1]" in found[0] and "intake field (side: cs)" in found[0]
    assert found[0].startswith("baton.yaml:11: ")


def test_an_intake_field_is_known_to_the_compiled_config(tmp_path):
    ws = load(tmp_path, "handoff:\n  fields:\n    kickoff_date: {type: date, side: cs}\n")
    config, issues = compile_handoff(ws.spec)
    assert issues == [] and config.intake == frozenset({"kickoff_date"})
