"""`baton roe replay disputes.csv` against the live rules (issue 13 item 8), on SQLite and
PostgreSQL: per dispute how today's rules would settle it and whether that differs from
history; a bad file is refused with each error at its line (exit 2); nothing is written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from baton.cli.main import cli
from baton.store.tables import events, ownership_decisions, ownership_disputes
from baton.workspace.scaffold import write_template

OWNERSHIP = "\nownership:\n  named_accounts: {accounts: [40]}\n"
CSV = """dispute,entity,account_id,opportunity_id,raised_at,owner,claimant,named,outcome,note
D-1,account,40,,2026-08-03,emma-schulz,sam-ortiz,,transfer,listed account went to Sam
D-2,account,41,,2026-08-04,emma-schulz,sam-ortiz,,split,nobody protected it
D-3,account,12,,2026-08-05,emma-schulz,sam-ortiz,true,keep,a named account kept
"""


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


def counts(live) -> tuple[int, ...]:
    with live.db.read() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (events, ownership_decisions, ownership_disputes)
        )


def run(live, workspace_dir, *args: str):
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    return CliRunner().invoke(cli, ["-w", str(workspace_dir), "roe", "replay", *args], env=env)


def test_each_past_dispute_is_judged_by_the_live_rules_and_nothing_is_written(
    live, workspace_dir, tmp_path
):
    path = tmp_path / "disputes.csv"
    path.write_text(CSV)
    before = counts(live)
    out = run(live, workspace_dir, str(path))
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("DIFFERS  D-1 (line 2): history transfer, now keep — ")
    assert "account 40 is on the named-accounts list" in lines[0]
    assert lines[1].startswith("arbiter  D-2 (line 3): history split, now arbiter — no rule")
    assert lines[2].startswith("same     D-3 (line 4): history keep, now keep — ")
    assert lines[3] == (
        "3 disputes under version 1's rules: 1 as history, 1 differ, 1 left to the final "
        "arbiter; nothing was written"
    )
    as_json = json.loads(run(live, workspace_dir, str(path), "--json").output)
    assert [(d["dispute"], d["now"], d["rule"], d["differs"]) for d in as_json] == [
        ("D-1", "keep", "named_account", True),
        ("D-2", "arbiter", None, None),
        ("D-3", "keep", "named_account", False),
    ]
    assert counts(live) == before


def test_a_bad_file_names_each_error_at_its_line_and_nothing_is_replayed(
    live, workspace_dir, tmp_path
):
    path = tmp_path / "disputes.csv"
    path.write_text(CSV + "D-4,account,40,,soon,emma-schulz,sam-ortiz,,kept,\n")
    out = run(live, workspace_dir, str(path))
    assert out.exit_code == 2
    assert "error: disputes.csv:5: outcome: 'kept' is not keep, transfer or split" in out.output
    assert "error: disputes.csv:5: raised_at: 'soon' is not an ISO date" in out.output
    assert "2 errors in disputes.csv: nothing was replayed" in out.output
    assert "D-1" not in out.output


def test_the_draft_rules_of_baton_yaml_can_be_replayed_before_they_go_live(
    live, workspace_dir, tmp_path
):
    path = tmp_path / "disputes.csv"
    path.write_text(CSV)
    yaml = workspace_dir / "baton.yaml"
    yaml.write_text(yaml.read_text().replace("accounts: [40]", "accounts: [40, 41]"))
    out = run(live, workspace_dir, str(path), "--draft")
    assert out.exit_code == 0, out.output
    assert "DIFFERS  D-2 (line 3): history split, now keep" in out.output
    assert "3 disputes under baton.yaml's draft rules: 1 as history, 2 differ" in out.output
