"""Who made a change reads the same everywhere: ``api:TOKEN-NAME`` for a request,
``cli:USER`` for a command, ``web:USER`` for the dashboard (docs/api.md, the event log;
the dashboard's is in test_web_pages.py)."""

from __future__ import annotations

from click.testing import CliRunner

from baton.cli.main import cli

LEAD = {"email": "a@initech.com", "region": "NA"}


def events(api, **params) -> list[dict]:
    return api.get("/v1/events", params={"limit": 1000, **params}).json()["items"]


def test_a_request_is_recorded_as_api_and_its_token_name(api):
    lead = api.post("/v1/leads", json=LEAD).json()
    api.post(
        f"/v1/leads/{lead['id']}/misroute",
        json={"reason": "account is in EMEA", "reported_by": "maria-chen"},
    )
    created = events(api, kind="lead.created")[0]
    flagged = events(api, kind="lead.misroute_flagged")[0]
    assert created["actor"] == flagged["actor"] == "api:t-admin"
    assert flagged["payload"]["reported_by"] == "maria-chen"  # who says so, apart


def test_a_command_is_recorded_as_cli_and_the_user(api, live, workspace_dir):
    with (workspace_dir / "baton.yaml").open("a") as f:
        f.write("\nhealth: {min_sample: 5}\n")
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "rita"}
    for args in (["apply"], ["activate", "2"]):
        result = CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)
        assert result.exit_code == 0, result.output
    by_cli = [e for e in events(api, kind="workspace.*") if e["entity_id"] == "2"]
    assert [(e["kind"], e["actor"]) for e in by_cli] == [
        ("workspace.applied", "cli:rita"),
        ("workspace.activated", "cli:rita"),
    ]
    versions = api.get("/v1/versions").json()
    assert versions[-1]["author"] == "cli:rita"
