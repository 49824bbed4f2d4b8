"""`baton explain-rules` renders the ROE document and the one-page card from exactly the
workspace's rules (Markdown and HTML; the folder's baton.yaml or a stored version), and
`baton roe decisions|transfer` equal the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from baton.cli.main import cli
from baton.workspace.scaffold import write_template

OWNERSHIP = """
ownership:
  timeout: {after: 45d, reassign_to: 'queue:inbound-triage'}
  named_accounts: {segments: [Enterprise]}
  escalation: {path: [manager], arbiter: vp-sales}
"""


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


@pytest.fixture
def invoke(live, workspace_dir):
    def invoke(*args: str) -> Result:
        env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
        return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)

    return invoke


def test_the_roe_document_is_rendered_from_exactly_these_rules(invoke):
    result = invoke("explain-rules")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("# Acme Corp — Rules of Engagement")
    assert "draft (not applied)" in text
    assert (
        "IF an open opportunity has no activity for 45 days, THEN it is reassigned to the "
        "queue inbound-triage"
    ) in text
    assert "is in segment enterprise" in text
    assert "The final arbiter — Jordan Blake — decides within 5 days" in text
    assert "Automated: detected on every activity; both managers are told." in text
    for title in (
        "Named Account",
        "Deal Registration",
        "Cooling-Off Period",
        "Segment Handoff",
        "Parent/Child Accounts",
        "Escalation and Final Arbiter",
        "Duplicate Outreach",
    ):
        assert f". {title}\n" in text or f" {title}\n" in text


def test_the_quick_reference_card_and_the_html_of_a_stored_version(invoke, tmp_path):
    card = invoke("explain-rules", "--card", "--version", "live")
    assert card.exit_code == 0, card.output
    assert "quick reference" in card.output and "*version 1 ·" in card.output
    assert "timeout 45 days" in card.output
    out = tmp_path / "roe.html"
    page = invoke("explain-rules", "--html", "--version", "1", "-o", str(out))
    assert page.exit_code == 0, page.output
    html = out.read_text()
    assert html.startswith("<!doctype html>") and "<table>" in html
    assert "<h1>Acme Corp — Rules of Engagement</h1>" in html
    assert invoke("explain-rules", "--version", "9").exit_code == 1
    assert invoke("explain-rules", "--version", "x").exit_code == 2


def test_roe_transfer_and_decisions_equal_the_api(invoke, api, live):
    acc = api.post(
        "/v1/accounts", json={"name": "Globex", "segment": "Enterprise", "owner_id": "sam-ortiz"}
    ).json()["id"]
    assert api.patch(f"/v1/accounts/{acc}", json={"owner_id": "priya-nair"}).status_code == 409
    refused = invoke(
        "roe",
        "transfer",
        "account",
        str(acc),
        "priya-nair",
        "--exception",
        "manager_override",
        "--approved-by",
        "emma-schulz",
        "--reason",
        "x",
    )
    assert refused.exit_code == 1 and "Named Account rules" in refused.output
    done = invoke(
        "roe",
        "transfer",
        "account",
        str(acc),
        "priya-nair",
        "--exception",
        "manager_override",
        "--approved-by",
        "maria-chen",
        "--reason",
        "territory",
    )
    assert done.exit_code == 0, done.output
    assert "manager_override" in done.output
    listed = invoke("roe", "decisions", "--json")
    assert listed.exit_code == 0, listed.output
    from_api = api.get("/v1/ownership/decisions").json()["items"]
    assert json.loads(listed.output) == from_api
    assert [d["kind"] for d in from_api] == ["block", "block", "exception"]
    table = invoke("roe", "decisions", "--kind", "exception")
    assert "manager_override by maria-chen: territory" in table.output
