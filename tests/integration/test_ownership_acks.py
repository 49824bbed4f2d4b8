"""Acknowledgments (playbook 000, 3d: "all reps have signed acknowledgment"; issue 13 item
7), on SQLite and PostgreSQL: each active rep acknowledges the current ROE version; a change
of the ownership: rules asks for a new acknowledgment, a change elsewhere does not; the list
of who has not is one command away."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from baton.cli.main import cli
from baton.services.versions.versions import activate_version, apply_workspace
from baton.workspace.loader import load_workspace
from baton.workspace.scaffold import write_template

OWNERSHIP = "\nownership:\n  timeout: {after: 60d}\n"


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


def new_version(live, workspace_dir, old: str, new: str) -> int:
    path = workspace_dir / "baton.yaml"
    path.write_text(path.read_text().replace(old, new))
    applied = apply_workspace(live, load_workspace(workspace_dir), "tester", live.clock.now())
    activate_version(live, applied.number, "tester", live.clock.now())
    return applied.number


def missing(api) -> list[str]:
    return [r["person_id"] for r in api.get("/v1/ownership/acknowledgments").json()["missing"]]


def test_every_active_rep_acknowledges_the_current_version(api, live, workspace_dir):
    assert missing(api) == ["emma-schulz", "priya-nair", "sam-ortiz"]
    acked = api.post("/v1/ownership/acknowledgments", json={"person_id": "sam-ortiz"}).json()
    assert (acked["version"], acked["already"]) == (1, False)
    again = api.post("/v1/ownership/acknowledgments", json={"person_id": "sam-ortiz"}).json()
    assert again["already"] is True
    assert missing(api) == ["emma-schulz", "priya-nair"]
    # a version that changes only a definition keeps the rules' version and the acknowledgment
    n = new_version(live, workspace_dir, "raised a hand in the last 30 days", "raised a hand")
    assert n == 2
    status = api.get("/v1/ownership/acknowledgments").json()
    assert status["version"] == 1 and missing(api) == ["emma-schulz", "priya-nair"]
    # a change of the rules is material: everyone acknowledges again
    new_version(live, workspace_dir, "after: 60d", "after: 90d")
    assert api.get("/v1/ownership/acknowledgments").json()["version"] == 3
    assert missing(api) == ["emma-schulz", "priya-nair", "sam-ortiz"]


def test_baton_roe_acks_lists_who_has_not(api, live, workspace_dir):
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}

    def run(*args: str):
        return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)

    assert run("roe", "ack", "emma-schulz").output == "emma-schulz: ROE version 1\n"
    listed = run("roe", "acks")
    assert "priya-nair" in listed.output and "emma-schulz" not in listed.output.splitlines()[0]
    assert listed.output.endswith("2 of 3 active reps have not acknowledged ROE version 1\n")
    as_json = json.loads(run("roe", "acks", "--json").output)
    assert [r["person_id"] for r in as_json["missing"]] == missing(api)
    bad = api.post("/v1/ownership/acknowledgments", json={"person_id": "nobody"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "person_id"
    assert run("roe", "ack", "nobody").exit_code == 1


def test_a_change_told_not_material_keeps_the_acknowledgments(api, live, workspace_dir):
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}

    def run(*args: str, given: str | None = None):
        return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env, input=given)

    api.post("/v1/ownership/acknowledgments", json={"person_id": "sam-ortiz"})
    path = workspace_dir / "baton.yaml"
    path.write_text(path.read_text().replace("after: 60d", "after: 61d"))
    applied = run("apply", "--not-material")
    assert "rules of engagement changed: not material" in applied.output, applied.output
    assert run("activate", "2").exit_code == 0
    status = api.get("/v1/ownership/acknowledgments").json()
    assert status["version"] == 1 and "sam-ortiz" not in missing(api)
    # asked when neither flag is given; with no one to ask (no terminal) it is material
    path.write_text(path.read_text().replace("after: 61d", "after: 90d"))
    applied = run("apply")
    assert "rules of engagement changed: material" in applied.output, applied.output
    run("activate", "3")
    assert api.get("/v1/ownership/acknowledgments").json()["version"] == 3
    assert "sam-ortiz" in missing(api)
    # a version that leaves the rules alone asks nothing
    path.write_text(path.read_text().replace("raised a hand in the last 30 days", "raised a hand"))
    assert "rules of engagement" not in run("apply").output
