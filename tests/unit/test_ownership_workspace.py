"""The ownership: section of baton.yaml: the defaults, and every mistake reported by
``baton check`` at its line with the fix (an unknown pool in a rule, a misspelt arbiter)."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from baton.domain.ownership import TargetKind
from baton.services.live import compile_workspace
from baton.workspace.loader import load_workspace
from baton.workspace.ownership_compile import compile_ownership
from baton.workspace.problems import WorkspaceError

HEAD = """\
workspace:
  name: Acme
  timezone: America/New_York
people:
  - {id: vp-sales, name: Val Vp, role: executive, email: val@acme.com}
  - {id: maria, name: Maria Mgr, role: manager, email: maria@acme.com}
  - {id: ana, name: Ana Ae, role: ae, manager: maria, email: ana@acme.com}
routing:
  queues:
    - {id: triage}
  pools:
    - {id: ae-pool, members: [ana]}
"""


def load(tmp_path: Path, yaml: str):
    (tmp_path / "baton.yaml").write_text(HEAD + textwrap.dedent(yaml))
    return load_workspace(tmp_path)


def problems(tmp_path: Path, yaml: str) -> list[str]:
    with pytest.raises(WorkspaceError) as info:
        load(tmp_path, yaml)
    return [str(p) for p in info.value.problems]


def test_an_empty_section_turns_the_rules_on_with_the_defaults(tmp_path):
    ws = load(tmp_path, "ownership: {}\n")
    config, issues = compile_ownership(ws.spec)
    assert issues == []
    rules = config.rules
    assert rules.timeout.after == timedelta(days=60)
    assert rules.timeout.target_kind is TargetKind.MANAGER
    assert rules.named.flag and rules.named.covers_opportunities
    assert rules.segment_handoff.order == ("smb", "mm", "ent")
    assert config.lost_stages == {"closed lost"}


def test_the_live_workspace_has_no_rules_without_the_section(tmp_path):
    ws = load(tmp_path, "")
    assert compile_workspace(1, "h", ws.spec.document()).ownership is None
    ws = load(tmp_path, "ownership: {timeout: {after: 90d, reassign_to: 'pool:ae-pool'}}\n")
    live = compile_workspace(2, "h", ws.spec.document())
    assert live.ownership is not None
    assert live.ownership.rules.timeout.after == timedelta(days=90)
    assert live.ownership.rules.timeout.target == "ae-pool"


def test_an_unknown_pool_in_a_rule_is_named_at_its_line_with_did_you_mean(tmp_path):
    msgs = problems(
        tmp_path,
        """\
        ownership:
          timeout:
            after: 60d
            reassign_to: pool:ae-pol
        """,
    )
    assert len(msgs) == 1
    assert msgs[0].startswith("baton.yaml:16: ownership.timeout.reassign_to: ")
    assert "no pool 'ae-pol' under routing.pools (did you mean 'ae-pool'?)" in msgs[0]


def test_a_bad_target_an_unknown_arbiter_and_role_are_refused(tmp_path):
    msgs = problems(
        tmp_path,
        """\
        ownership:
          timeout:
            reassign_to: team:x
          escalation:
            path: [managr]
            arbiter: vp-sale
        """,
    )
    assert len(msgs) == 3
    assert "baton.yaml:15" in msgs[0] and "not manager, pool:ID or queue:ID" in msgs[0]
    assert "baton.yaml:17" in msgs[1] and "(did you mean 'manager'?)" in msgs[1]
    assert "baton.yaml:18" in msgs[2] and "(did you mean 'vp-sales'?)" in msgs[2]


def test_a_duration_that_is_not_one_is_refused_at_its_line(tmp_path):
    msgs = problems(tmp_path, "ownership:\n  cooling_off:\n    after_closed_lost: soon\n")
    assert len(msgs) == 1 and "baton.yaml:15" in msgs[0] and "not a duration" in msgs[0]
