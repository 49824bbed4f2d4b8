"""A red flag needs a sample: a 3-lead pool is not "50 % imbalanced".

The story: three leads through the round robin on Monday (Sam 2, Priya 1: an imbalance of
50 %), one of them flagged as misrouted, and one hand-raiser Sam touched late (SDR
Americas: 0 % compliance on one verdict). With the playbook's samples (20 leads a pool,
20 routed leads, 20 verdicts a team) nothing is raised and every flag says what it lacks,
in the API, the CLI and on the Overview; with ``health: {min_pool_leads: 3, min_sample: 1}``
the same figures raise their flags (a sample exactly at the minimum is enough).
"""

from __future__ import annotations

import html

import pytest
import time_machine
from click.testing import CliRunner

from baton.cli.main import cli
from baton.workspace.scaffold import write_template
from tests.integration.test_health_thresholds import flag, monitor
from tests.integration.test_sla_report import lead, ny, touch
from tests.web_support import client_for, make_users

SMALL = "\nhealth: {min_pool_leads: 3, min_sample: 1}\n"


@pytest.fixture(params=["defaults", "small"])
def workspace_dir(request, tmp_path):
    write_template(tmp_path)
    if request.param == "small":
        with (tmp_path / "baton.yaml").open("a") as f:
            f.write(SMALL)
    return tmp_path


@pytest.fixture
def small(workspace_dir) -> bool:
    return (workspace_dir / "baton.yaml").read_text().endswith(SMALL)


@pytest.fixture
def story(api, live, clock) -> None:
    late = lead(api, clock, ny(2026, 11, 2, 9, 30), "sam-ortiz")
    touch(api, clock, late, ny(2026, 11, 2, 10, 15), "sam-ortiz")  # 45 of 30 minutes
    ids = []
    for i in range(3):
        clock.set(ny(2026, 11, 2, 11, 5 * i))
        ids.append(api.post("/v1/leads", json={"email": f"p{i}@p{i}.com", "region": "NA"}).json())
    assert [x["owner"]["id"] for x in ids].count("sam-ortiz") == 2
    api.post(f"/v1/leads/{ids[0]['id']}/misroute", json={"reason": "EMEA account"})
    clock.set(ny(2026, 11, 2, 13, 0))


def cli_output(live, workspace_dir, *args: str) -> str:
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    with time_machine.travel(ny(2026, 11, 2, 13, 0), tick=False):
        result = CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_routing_report_judges_a_flag_only_on_enough_leads(api, story, small):
    report = api.get("/v1/reports/routing", params={"since": "2026-11-01T00:00:00Z"}).json()
    (pool,) = report["pools"]
    assert (pool["imbalance"], pool["flagged"]) == (0.5, small)
    assert pool["sample"] == {"size": 3, "needed": 3 if small else 20, "enough": small}
    misroutes = report["misroutes"]
    assert (misroutes["rate"], misroutes["flagged"]) == (0.25, small)  # 1 of 4 routed leads
    assert misroutes["sample"] == {"size": 4, "needed": 1 if small else 20, "enough": small}
    assert report["fallback"]["sample"] == misroutes["sample"]


def test_the_cli_says_not_enough_leads_instead_of_raising(live, workspace_dir, story, small):
    routing = cli_output(live, workspace_dir, "report", "routing", "--since", "2026-11-01")
    pool = "pool sdr-americas: imbalance 50.0%"
    misroutes = "misroutes: 1 (25.0%)"
    if small:
        assert f"{pool}  ⚠ imbalance over 20%" in routing
        assert f"{misroutes}  ⚠ over 5%" in routing
    else:
        assert f"{pool}  (not enough leads (3 of 20): not judged)" in routing
        assert f"{misroutes}  (not enough leads (4 of 20): not judged)" in routing
    sla = cli_output(
        live, workspace_dir, "report", "sla", "--since", "2026-11-01", "--until", "2026-11-03",
        "--by", "team",
    )  # fmt: skip
    if small:
        assert "⚠ team sdr-americas: 0.0%, under the 80% target" in sla
    else:
        assert (
            "team sdr-americas: not enough verdicts (1 of 20) to judge against the 80% target"
            in sla
        )


def test_the_overview_raises_only_judged_flags_and_the_health_page_says_what_is_lacking(
    live, story, small
):
    make_users(live)
    admin = client_for(live, "admin")
    page = html.unescape(admin.get("/").text)
    health = html.unescape(admin.get("/health").text)
    names = ("pool_imbalance", "misroute_rate", "team_sla_compliance")
    if small:
        assert [flag(page, n)[0] for n in names] == ["raised"] * 3
        assert "SDR Americas: 0.0 % (1 missed of 1)" in flag(page, "team_sla_compliance")[1]
        assert [monitor(health, n)[0] for n in names] == ["red"] * 3
    else:
        assert not any(f'id="flag-{n}"' in page for n in names)  # not judged: not a flag
        assert [monitor(health, n)[0] for n in names] == ["not_judged"] * 3
        assert "not enough data: 3 of 3 leads in a pool" not in monitor(health, names[0])[1]
        assert "not enough data: 3 of 20 leads in a pool" in monitor(health, names[0])[1]
        assert "not enough data: 4 of 20 routed leads" in monitor(health, names[1])[1]
        assert "not enough data: 1 of 20 SLA verdicts" in monitor(health, names[2])[1]
    routing = html.unescape(client_for(live, "admin").get("/routing").text)
    assert ("not enough leads (3 of 20), not judged" in routing) == (not small)
