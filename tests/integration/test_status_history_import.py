"""`baton import status-history FILE.csv` (issue 12, item 9): a CRM's status history rebuilds
the stamps and the status changes of a baseline, in changed_at order per lead; every line
that cannot be replayed is in FILE.rejects.csv with its line number and why, and nothing
else is lost."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from baton.cli.main import cli
from baton.store.tables import events, status_changes
from baton.workspace.scaffold import write_template

WORKSPACE = """
lifecycle:
  names: {sal: Accepted by Sales}
  rejection_reasons: [no budget, not a fit, no response, duplicate, competitor]
"""
MQL_FLOW = """    - name: mql-handoff
      trigger: lead.mql
      nodes:
        - assign: {queue: inbound-triage}

"""


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    text = path.read_text()
    text = text.replace("# SLA: how fast", MQL_FLOW + "# SLA: how fast", 1)
    path.write_text(text + WORKSPACE)
    return tmp_path


@pytest.fixture
def crm_leads(api) -> dict[str, int]:
    """Leads imported from the CRM with their current status (intake: no history, no checks)."""
    ids = {}
    for xid, status in [("L1", "sql"), ("L2", "sal"), ("L3", "mql"), ("L4", "sal"), ("L5", "new")]:
        body = {"email": f"{xid.lower()}@initech.com", "external_id": xid, "source_system": "crm"}
        lead = api.post("/v1/leads", json=body | {"status": status}).json()
        ids[xid] = lead["id"]
    return ids


HISTORY = """Lead ID,Stage,Changed,Why
L1,New,10/01/2026 09:00,
L1,MQL,10/01/2026 09:30,
L1,Accepted by Sales,10/02/2026 11:00,
L1,sql,10/09/2026 16:00,
L2,sal,2026-10-05T10:00:00Z,
L2,mql,2026-10-04T10:00:00Z,
L3,mql,2026-10-03 08:00,
L3,recycled,2026-10-06 08:00,
L4,mql,2026-10-03 08:00,
L4,sql,2026-10-04 08:00,
L4,sal,2026-10-05 08:00,
L4,disqualified,2026-10-07 08:00,Went with a partner
NOPE,mql,2026-10-03 08:00,
L5,mql,someday,
L5,won,2026-10-03 08:00,
L5,mql,2027-01-01 08:00,
"""
MAP = ("--map", "Lead ID=external_id", "--map", "Stage=status", "--map", "Changed=changed_at")


def run(live, workspace_dir, *args: str):
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)


def import_history(live, workspace_dir, tmp_path, text: str = HISTORY, *extra: str):
    path = tmp_path / "history.csv"
    path.write_text(text)
    args = ("import", "status-history", str(path), *MAP, "--map", "Why=reason", *extra)
    return run(live, workspace_dir, *args), path


def changes(live, lead_id: int) -> list[tuple]:
    with live.db.read() as conn:
        rows = conn.execute(
            select(status_changes)
            .where(status_changes.c.lead_id == lead_id)
            .order_by(status_changes.c.id)
        ).all()
    return [(r.from_status, r.to_status, r.changed_at, r.reason, r.by) for r in rows]


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Naive dates in the file are read in the workspace zone (America/New_York, EDT here)."""
    return datetime(2026, month, day, hour + 4, minute, tzinfo=UTC)


def test_the_history_rebuilds_stamps_and_changes_in_changed_at_order(
    live, api, workspace_dir, tmp_path, crm_leads
):
    result, _ = import_history(live, workspace_dir, tmp_path)
    assert result.exit_code == 1  # some lines were refused (below)
    assert "16 rows: 9 status changes recorded, 1 already there, 6 rejected" in result.output
    l1 = api.get(f"/v1/leads/{crm_leads['L1']}").json()
    assert l1["status"] == "sql"
    assert {k: l1["timestamps"][k] for k in ("mql_at", "sal_at", "sql_at")} == {
        "mql_at": "2026-10-01T13:30:00Z",
        "sal_at": "2026-10-02T15:00:00Z",
        "sql_at": "2026-10-09T20:00:00Z",
    }
    assert changes(live, crm_leads["L1"]) == [
        ("new", "mql", ny(10, 1, 9, 30), None, "import"),
        ("mql", "sal", ny(10, 2, 11), None, "import"),
        ("sal", "sql", ny(10, 9, 16), None, "import"),
    ]
    assert [c[:2] for c in changes(live, crm_leads["L2"])] == [("new", "mql"), ("mql", "sal")]
    assert (
        "warning line 13: lead L4 was sal before its history was imported; its history ends "
        "disqualified"
    ) in result.output


def test_illegal_and_conflicting_lines_go_to_the_rejects_file_and_the_rest_is_kept(
    live, api, workspace_dir, tmp_path, crm_leads
):
    result, path = import_history(live, workspace_dir, tmp_path)
    with path.with_suffix(".rejects.csv").open() as fh:
        rejects = {int(r["line"]): r["reasons"] for r in csv.DictReader(fh)}
    assert sorted(rejects) == [9, 11, 14, 15, 16, 17]
    assert rejects[9].startswith("reason: as of 2026-10-06 12:00 UTC: a reason is required")
    assert rejects[11] == (
        "status: as of 2026-10-04 12:00 UTC: a lead in mql (MQL) cannot move to sql; "
        "allowed from mql: sal (Accepted by Sales), recycled (Recycled), "
        "disqualified (Disqualified)"
    )
    assert rejects[14] == "external_id: no lead with external_id 'NOPE'"
    assert rejects[15].startswith("changed_at: 'someday' is not a date Baton can read")
    assert rejects[16].startswith("status: 'won' is not a status; expected one of new, mql, sal")
    assert rejects[17] == "changed_at: 2027-01-01 13:00 UTC is in the future"
    assert "history.csv:9: reason: as of 2026-10-06" in result.output
    l3 = api.get(f"/v1/leads/{crm_leads['L3']}").json()  # the mql line is kept
    assert l3["status"] == "mql" and l3["timestamps"]["mql_at"] == "2026-10-03T12:00:00Z"
    l4 = api.get(f"/v1/leads/{crm_leads['L4']}").json()  # sql refused; sal, disqualified kept
    assert l4["status"] == "disqualified" and l4["status_reason"] == "Went with a partner"
    assert l4["timestamps"]["sql_at"] is None
    assert [c[1] for c in changes(live, crm_leads["L4"])] == ["mql", "sal", "disqualified"]
    l5 = api.get(f"/v1/leads/{crm_leads['L5']}").json()  # every line refused: untouched
    assert l5["status"] == "new" and changes(live, crm_leads["L5"]) == []


def test_a_line_before_the_leads_last_recorded_change_is_refused(
    live, api, workspace_dir, tmp_path, crm_leads
):
    lead = crm_leads["L5"]
    assert api.post(f"/v1/leads/{lead}/status", json={"status": "mql"}).status_code == 200
    result, _ = import_history(
        live, workspace_dir, tmp_path, "external_id,status,changed_at\nL5,sal,2026-10-03 08:00\n"
    )
    assert result.exit_code == 1
    assert (
        "history.csv:2: changed_at: 2026-10-03 12:00 UTC is before the lead's previous change "
        "(mql at 2026-11-02 15:00 UTC)"
    ) in result.output
    assert api.get(f"/v1/leads/{lead}").json()["status"] == "mql"


def test_importing_the_same_history_twice_records_nothing_twice(
    live, workspace_dir, tmp_path, crm_leads
):
    import_history(live, workspace_dir, tmp_path)
    before = changes(live, crm_leads["L1"])
    again, _ = import_history(live, workspace_dir, tmp_path)
    assert "16 rows: 0 status changes recorded, 10 already there, 6 rejected" in again.output
    assert changes(live, crm_leads["L1"]) == before


def test_an_imported_mql_is_history_and_is_not_routed_again(
    live, api, workspace_dir, tmp_path, crm_leads
):
    live_move = api.post(f"/v1/leads/{crm_leads['L5']}/status", json={"status": "mql"}).json()
    assert live_move["to_status"] == "mql"
    assert api.get(f"/v1/leads/{crm_leads['L5']}").json()["queue"] == "inbound-triage"
    owner_before = api.get(f"/v1/leads/{crm_leads['L1']}").json()["owner"]
    import_history(live, workspace_dir, tmp_path)
    assert api.get(f"/v1/leads/{crm_leads['L1']}").json()["owner"] == owner_before
    with live.db.read() as conn:
        routed = conn.execute(
            select(events.c.entity_id).where(events.c.kind == "lead.routed")
        ).all()
    assert str(crm_leads["L1"]) in {r.entity_id for r in routed}  # routed once, on arrival
    assert len([r for r in routed if r.entity_id == str(crm_leads["L1"])]) == 1


def test_a_missing_column_is_named_with_the_columns_found(live, workspace_dir, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("Lead ID,Stage\nL1,mql\n")
    result = run(live, workspace_dir, "import", "status-history", str(path))
    assert result.exit_code == 1
    assert (
        "h.csv:1: no column for external_id, status, changed_at (the columns are Lead ID, "
        "Stage) — expected external_id, status, changed_at, source_system, reason, note; "
        "map yours with e.g. --map 'Lead ID=external_id'"
    ) in result.output
