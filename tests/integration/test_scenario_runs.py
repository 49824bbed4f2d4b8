"""`baton test` in the real store: runs isolated from live traffic (the same file on the same
version gives the same result every time), and a file with errors runs nothing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from baton.cli.main import cli
from baton.services.records.intake import Submission, submit
from baton.services.records.kinds import LEAD
from baton.services.routing.scenario_file import ScenarioFileError
from baton.services.routing.scenarios import run_scenarios
from baton.store.tables import pool_members, scenario_runs

NY = ZoneInfo("America/New_York")
# no region: the template's flow sends these to round robin sdr-americas (sam-ortiz, priya-nair)
ROUND_ROBIN = (
    "scenario,email,company,expected_owner,expected_node\n"
    "first of the cycle,a@one-example.com,One,sam-ortiz,round robin sdr-americas\n"
    "second sees the first,b@two-example.com,Two,priya-nair,round robin sdr-americas\n"
    "third,c@three-example.com,Three,sam-ortiz,round robin sdr-americas\n"
)


def stored_runs(baton) -> int:
    with baton.db.read() as conn:
        return conn.execute(select(func.count()).select_from(scenario_runs)).scalar_one()


def test_the_same_file_gives_the_same_result_with_live_leads_routed_in_between(
    live, clock, tmp_path
):
    path = tmp_path / "scenarios.csv"
    path.write_text(ROUND_ROBIN)
    _, first = run_scenarios(live.db, path, None, NY, clock.now())
    # 31 live leads: the pool's pointer moves and both reps reach their 15 a day
    items = [{"email": f"live{i}@live{i}-example.com"} for i in range(31)]
    submit(live, Submission(LEAD, items, "test"))
    with live.db.read() as conn:
        credits = {r.person_id: r.credit for r in conn.execute(select(pool_members))}
    assert credits == {"sam-ortiz": 15, "priya-nair": 15}
    _, second = run_scenarios(live.db, path, None, NY, clock.now())
    assert [r.passed for r in first] == [True, True, True]
    assert [r.__dict__ for r in second] == [r.__dict__ for r in first]
    assert stored_runs(live) == 2


def test_a_run_moves_no_live_round_robin_state(live, clock, tmp_path):
    path = tmp_path / "scenarios.csv"
    path.write_text(ROUND_ROBIN)
    run_scenarios(live.db, path, None, NY, clock.now())
    lead = submit(live, Submission(LEAD, [{"email": "jo@initech.com"}], "test")).results[0]
    with live.db.read() as conn:
        credits = {r.person_id: r.credit for r in conn.execute(select(pool_members))}
    assert credits == {"sam-ortiz": 1, "priya-nair": 0} and lead.status == "created"


def test_a_file_with_errors_routes_and_stores_nothing(live, clock, tmp_path):
    path = tmp_path / "scenarios.csv"
    path.write_text(ROUND_ROBIN.replace("expected_owner", "expected_ownr"))
    with pytest.raises(ScenarioFileError, match="did you mean 'expected_owner'"):
        run_scenarios(live.db, path, None, NY, clock.now())
    assert stored_runs(live) == 0


def test_results_of_a_yaml_file_name_the_line_each_scenario_starts_on(live, clock, tmp_path):
    path = tmp_path / "scenarios.yaml"
    path.write_text(
        "# the checklist\n"
        "- scenario: sdr gets it\n"
        "  email: a@one-example.com\n"
        "  expected_pool: sdr-americas\n"
        "\n"
        "- scenario: everyone away\n"
        "  email: b@two-example.com\n"
        "  assume_out_of_office: [sam-ortiz, priya-nair]\n"
        "  expected_queue: inbound-triage\n"
        "  expected_node: fallback\n"
    )
    _, results = run_scenarios(live.db, path, None, NY, clock.now())
    assert [(r.line, r.name, r.passed) for r in results] == [
        (2, "sdr gets it", True),
        (6, "everyone away", True),
    ]


def test_baton_test_names_each_error_and_exits_2_without_running(live, workspace_dir, tmp_path):
    path = tmp_path / "scenarios.csv"
    # before: 'contry' went into extra and the row passed on its node alone
    path.write_text(
        "scenario,email,contry,expected_node\n"
        "US lead,a@one-example.com,US,round robin sdr-americas\n"
    )
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    result = CliRunner().invoke(cli, ["-w", str(workspace_dir), "test", str(path)], env=env)
    assert result.exit_code == 2, result.output
    assert "error: scenarios.csv:1: unknown column 'contry' (did you mean 'country'?)" in (
        result.stderr
    )
    assert result.stderr.endswith("1 error in scenarios.csv: nothing was run\n")
    assert "PASS" not in result.stdout and stored_runs(live) == 0
