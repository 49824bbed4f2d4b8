"""The report commands: `baton report speed-to-lead|sla`, `baton sla status`,
`baton outage add|list`.

They run in-process against the test's database; `--json` must be exactly what the
API answers for the same scope, and naive dates are read in the workspace time zone.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from click.testing import CliRunner, Result

from baton.cli.main import cli
from baton.services.sla.timers import fire_due_timers
from tests.integration.test_sla_report import NOW, lead, ny, touch


@pytest.fixture
def run(live, workspace_dir):
    def invoke(*args: str) -> Result:
        env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
        return CliRunner().invoke(
            cli, ["-w", str(workspace_dir), *args], env=env, catch_exceptions=False
        )

    return invoke


@pytest.fixture
def charges(api, live, clock) -> dict[str, int]:
    ids = {"hit": lead(api, clock, ny(2026, 11, 3, 9, 0), "sam-ortiz")}
    touch(api, clock, ids["hit"], ny(2026, 11, 3, 9, 10), "sam-ortiz")
    ids["missed"] = lead(api, clock, ny(2026, 11, 3, 10, 0), "priya-nair")
    ids["pending"] = lead(api, clock, ny(2026, 11, 3, 13, 0), "sam-ortiz", "content")
    clock.set(NOW)
    fire_due_timers(live, NOW)
    return ids


def test_outage_add_reads_local_times_and_list_shows_them(run, api):
    added = run(
        "outage",
        "add",
        "--from",
        "2026-11-04 14:00",
        "--to",
        "2026-11-04 15:30",
        "--reason",
        "form down",
    )
    assert (
        added.exit_code == 0
        and "2026-11-04 14:00 → 2026-11-04 15:30 America/New_York (form down)" in added.output
    )
    stored = api.get("/v1/outages").json()
    assert [(o["starts_at"], o["ends_at"], o["created_by"]) for o in stored] == [
        ("2026-11-04T19:00:00Z", "2026-11-04T20:30:00Z", "cli:tester")
    ]
    listed = run("outage", "list")
    assert "form down" in listed.output and "2026-11-04 14:00" in listed.output
    assert json.loads(run("outage", "list", "--json").output) == stored


def test_outage_add_refuses_a_window_that_ends_before_it_starts(run, api):
    result = run(
        "outage", "add", "--from", "2026-11-04 14:00", "--to", "2026-11-04 13:00", "--reason", "x"
    )
    assert result.exit_code == 2 and "must end after it starts" in result.output
    assert api.get("/v1/outages").json() == []
    assert (
        run(
            "outage", "add", "--from", "yesterday", "--to", "2026-11-04 13:00", "--reason", "x"
        ).exit_code
        == 2
    )


def test_speed_to_lead_json_is_the_api_answer_and_the_table_has_every_owner(run, api, charges):
    params = {"since": "2026-11-01T00:00:00-04:00", "until": "2026-11-08T00:00:00-05:00"}
    cli_json = json.loads(
        run(
            "report", "speed-to-lead", "--since", "2026-11-01", "--until", "2026-11-08", "--json"
        ).output
    )
    assert cli_json == api.get("/v1/reports/speed-to-lead", params=params).json()
    table = run(
        "report",
        "speed-to-lead",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-08",
        "--by",
        "owner",
        "--business",
    ).output
    assert "business time" in table and "sam-ortiz" in table and "priya-nair" in table
    assert "3 leads, 0 left out of averages" in table


def test_sla_json_is_the_api_answer_and_the_table_shows_compliance(run, api, charges):
    params = {
        "since": "2026-11-01T00:00:00-04:00",
        "until": "2026-11-08T00:00:00-05:00",
        "owner": "priya-nair",
    }
    with time_machine.travel(NOW, tick=False):
        cli_json = json.loads(
            run(
                "report",
                "sla",
                "--since",
                "2026-11-01",
                "--until",
                "2026-11-08",
                "--owner",
                "priya-nair",
                "--json",
            ).output
        )
        table = run(
            "report", "sla", "--since", "2026-11-01", "--until", "2026-11-08", "--by", "owner"
        ).output
    assert cli_json == api.get("/v1/reports/sla", params=params).json()
    assert cli_json["miss"] == 1 and cli_json["overdue"] == 1
    assert "compliance 50.0% (1 hit, 1 miss)" in table
    assert run("report", "sla", "--since", "2026-11-08", "--until", "2026-11-01").exit_code == 2


def test_sla_status_lists_overdue_first_with_business_time_left(run, charges):
    with time_machine.travel(NOW, tick=False):
        lines = run("sla", "status").output.splitlines()
        as_json = json.loads(run("sla", "status", "--json").output)
    assert (
        "OVERDUE" in lines[1] and str(charges["missed"]) in lines[1] and "-2h 30m" in lines[1]
    )  # 10:30–12:00 and 13:00–14:00: lunch does not count
    assert "pending" in lines[2] and "3h 00m" in lines[2] and "Tue 2026-11-03 17:00" in lines[2]
    assert [c["lead_id"] for c in as_json["clocks"]] == [charges["missed"], charges["pending"]]
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        assert run("sla", "status", "--owner", "vp-sales").output.strip() == "no open SLA clocks"


def test_report_periods_default_to_the_last_30_days(run, api, clock):
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=NOW.tzinfo), tick=False):
        data = json.loads(run("report", "speed-to-lead", "--json").output)
    assert (data["since"], data["until"]) == (
        "2026-10-22T04:00:00Z",  # midnight in New York: 30 calendar days, today included
        "2026-11-20T17:00:00Z",
    )
