"""`baton lead status ID STATUS [--reason R] [--note N]` (issue 12, item 2): the same move
as the API and the lead page, with the refusal's message and exit 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from baton.cli.main import cli
from baton.store.tables import status_changes
from baton.workspace.scaffold import write_template
from tests.integration.test_web_lead_status import LIFECYCLE


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + LIFECYCLE)
    return tmp_path


@pytest.fixture
def run(live, workspace_dir):
    def invoke(*args: str) -> Result:
        env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
        return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)

    return invoke


@pytest.fixture
def mql(api) -> int:
    lead = api.post("/v1/leads", json={"email": "jo@initech.com", "score": 80}).json()
    assert lead["status"] == "mql"
    return lead["id"]


def test_lead_status_moves_the_lead_and_stamps_the_date(run, api, live, mql):
    moved = run("lead", "status", str(mql), "sal", "--note", "booked a call")
    assert moved.exit_code == 0, moved.output
    assert moved.output.startswith(f"lead {mql}: mql → sal, sal_at ")
    lead = api.get(f"/v1/leads/{mql}").json()
    assert lead["status"] == "sal" and lead["timestamps"]["sal_at"] is not None
    with live.db.read() as conn:
        row = conn.execute(select(status_changes).order_by(status_changes.c.id.desc())).first()
    assert (row.by, row.actor, row.note) == ("manual", "cli:tester", "booked a call")


def test_a_refused_move_exits_1_with_the_message(run, api, mql):
    skipped = run("lead", "status", str(mql), "sql")
    assert skipped.exit_code == 1
    assert "cannot move to sql; allowed from mql: sal (Accepted by Sales)" in skipped.output
    reasonless = run("lead", "status", str(mql), "disqualified")
    assert reasonless.exit_code == 1
    assert "a reason is required to move a lead to disqualified; choose one of: no budget" in (
        reasonless.output
    )
    unlisted = run("lead", "status", str(mql), "recycled", "--reason", "too small")
    assert unlisted.exit_code == 1 and "'too small' is not a listed reason" in unlisted.output
    assert run("lead", "status", "4242", "sal").output.strip() == "Error: no lead 4242"
    bad = run("lead", "status", str(mql), "won")
    assert bad.exit_code == 2 and "'won' is not one of 'new', 'mql'" in bad.output
    assert api.get(f"/v1/leads/{mql}").json()["status"] == "mql"
    rejected = run("lead", "status", str(mql), "recycled", "--reason", "not a fit")
    assert rejected.exit_code == 0 and "mql → recycled, recycled_at" in rejected.output
    assert api.get(f"/v1/leads/{mql}").json()["status_reason"] == "not a fit"
