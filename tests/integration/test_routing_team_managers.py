"""A lead routed to a team in the real store: its manager is left out of the round robin by
default, and takes leads too once ``routing.team_pools`` says ``managers: include``."""

from __future__ import annotations

from collections import Counter

from fastapi.testclient import TestClient

from baton.server import create_app
from baton.services.versions.versions import activate_version, apply_workspace
from baton.workspace.loader import load_workspace
from tests.integration.conftest import make_token

EMEA_LEAD = {"company": "Gross GmbH", "region": "EMEA", "employees": 5000}
INCLUDE_LUKAS = """  team_pools:
    - team: ae-emea
      managers: include
  territories:
"""


def go_live(baton, workspace_dir) -> None:
    applied = apply_workspace(baton, load_workspace(workspace_dir), "tester", baton.clock.now())
    activate_version(baton, applied.number, "tester", baton.clock.now())


def send_to_the_team(workspace_dir) -> None:
    """The template's EMEA enterprise row goes to Lukas himself; send it to his team."""
    table = workspace_dir / "territories.csv"
    table.write_text(
        table.read_text().replace(
            "EMEA enterprise,EMEA,,1000+,lukas-weber,,,", "EMEA enterprise,EMEA,,1000+,,ae-emea,,"
        )
    )


def post_leads(baton, n: int, start: int = 0) -> tuple[list[dict], list[str]]:
    client = TestClient(create_app(baton))
    client.headers["Authorization"] = f"Bearer {make_token(baton, 'admin')}"
    leads = [
        client.post("/v1/leads", json={**EMEA_LEAD, "email": f"p{i}@gross{i}.de"}).json()
        for i in range(start, start + n)
    ]
    trace = client.get(f"/v1/leads/{leads[0]['id']}/trace").json()
    return leads, trace["decisions"][0]["explanation"]


def test_a_lead_routed_to_a_team_skips_its_manager_by_default(baton, workspace_dir):
    send_to_the_team(workspace_dir)
    go_live(baton, workspace_dir)
    leads, explanation = post_leads(baton, 4)
    assert {lead["owner"]["id"] for lead in leads} == {"emma-schulz"}
    assert any(
        "round robin team ae-emea (reps only, not its manager Lukas): chose Emma" in line
        for line in explanation
    )


def test_a_lead_routed_to_a_team_reaches_its_manager_when_managers_are_included(
    baton, workspace_dir
):
    send_to_the_team(workspace_dir)
    go_live(baton, workspace_dir)
    post_leads(baton, 2)  # reps only: Emma twice
    yaml = workspace_dir / "baton.yaml"
    yaml.write_text(yaml.read_text().replace("  territories:\n", INCLUDE_LUKAS, 1))
    go_live(baton, workspace_dir)
    leads, explanation = post_leads(baton, 4, start=2)
    # Lukas joins at Emma's level (no catch-up burst for the two leads he missed)
    assert Counter(lead["owner"]["id"] for lead in leads) == {"lukas-weber": 2, "emma-schulz": 2}
    assert any("round robin team ae-emea (managers included: Lukas)" in x for x in explanation)
