""" "The last 30 days" is the same period in the CLI, the API and on the dashboard: the 30
calendar days of the workspace's time zone ending today, from local midnight.

Late on a New York evening the UTC date is already the next day, so a window of rolling
UTC days, or of 30 × 24 hours back from now, would count other leads than the
dashboard's local days. Three leads sit on those edges; the period is checked by hand.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import time_machine
from click.testing import CliRunner

from baton.cli.main import cli
from tests.integration.test_sla_report import lead, ny, touch
from tests.web_support import client_for, make_users

NOW = ny(2026, 11, 20, 23, 30)  # 04:30 UTC on the 21st


def kpi(page: str, key: str) -> int:
    return int(re.search(rf'id="kpi-{key}".*?data-n="(\d+)"', page, re.S).group(1))


def test_the_last_30_days_are_the_same_local_days_in_the_cli_the_api_and_the_pages(
    api, live, clock, workspace_dir
):
    make_users(live)
    edges = {
        "day before": ny(2026, 10, 21, 23, 45),  # 03:45 UTC on the 22nd: a UTC-day window has it
        "first day": ny(2026, 10, 22, 0, 15),  # 30 × 24 h back from NOW would miss it
        "today": ny(2026, 11, 20, 23, 20),  # already the 21st in UTC
    }
    for at in edges.values():
        touch(
            api,
            clock,
            lead(api, clock, at, "vp-sales"),
            at + timedelta(minutes=5),
            "vp-sales",
        )
    clock.set(NOW)

    sla = api.get("/v1/reports/sla").json()
    speed = api.get("/v1/reports/speed-to-lead").json()
    assert (sla["since"], sla["until"], sla["timezone"]) == (
        "2026-10-22T04:00:00Z",  # midnight in New York
        "2026-11-21T04:30:00Z",  # now
        "America/New_York",
    )
    assert (sla["clocks"], sla["hit"], speed["leads"]) == (2, 2, 2)  # "first day" and "today"

    admin = client_for(live, "admin")  # the workspace's zone: no person of their own
    assert kpi(html.unescape(admin.get("/sla").text), "hit") == sla["hit"]
    assert kpi(html.unescape(admin.get("/speed").text), "leads") == speed["leads"]

    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    runner = CliRunner()
    with time_machine.travel(NOW, tick=False):
        as_json = runner.invoke(cli, ["-w", str(workspace_dir), "report", "sla", "--json"], env=env)
        table = runner.invoke(cli, ["-w", str(workspace_dir), "report", "sla"], env=env)
    assert json.loads(as_json.output) == sla
    assert "SLA 2026-10-22 00:00 → 2026-11-20 23:30 America/New_York: 2 charges" in table.output

    # the routing report counts the same days: the API and the CLI alike
    routing = api.get("/v1/reports/routing").json()
    assert routing["since"] == "2026-10-22T04:00:00Z" and routing["routed"] == 2
    with time_machine.travel(NOW, tick=False):
        cli_routing = runner.invoke(
            cli, ["-w", str(workspace_dir), "report", "routing", "--json"], env=env
        )
    assert json.loads(cli_routing.output) == routing
