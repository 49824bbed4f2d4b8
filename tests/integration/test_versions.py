"""The change log: apply records drafts, activate makes one live, people follow."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from baton.services.versions.versions import (
    VersionError,
    activate_version,
    apply_workspace,
    diff_versions,
    list_versions,
)
from baton.store.tables import events, people, teams
from baton.workspace.loader import load_workspace


def test_apply_records_a_draft_and_identical_apply_records_nothing(baton, workspace_dir):
    ws = load_workspace(workspace_dir)
    first = apply_workspace(baton, ws, "ana", baton.clock.now())
    again = apply_workspace(baton, ws, "ana", baton.clock.now())
    assert first.created and first.number == 1
    assert not again.created and again.number == 1
    with baton.db.read() as conn:
        (row,) = list_versions(conn)
    assert (
        row["state"] == "draft"
        and row["author"] == "ana"
        and row["content_hash"] == ws.content_hash
    )


def test_activate_keeps_the_previous_version_and_syncs_people(baton, workspace_dir):
    v1 = apply_workspace(baton, load_workspace(workspace_dir), "ana", baton.clock.now()).number
    activate_version(baton, v1, "ana", baton.clock.now())
    csv = workspace_dir / "people.csv"
    csv.write_text(
        csv.read_text()
        .replace("sam-ortiz,Sam Ortiz", "sam-ortiz,Samuel Ortiz")
        .replace("priya-nair", "priya-n")
    )
    yaml = workspace_dir / "baton.yaml"
    yaml.write_text(
        yaml.read_text().replace("priya-nair", "priya-n")
    )  # she is in the round-robin pool too
    v2 = apply_workspace(baton, load_workspace(workspace_dir), "bo", baton.clock.now())
    assert '~ people[sam-ortiz].name: "Sam Ortiz" → "Samuel Ortiz"' in v2.diff
    changes = activate_version(baton, v2.number, "bo", baton.clock.now())
    assert "sam-ortiz.name: 'Sam Ortiz' → 'Samuel Ortiz'" in changes
    assert "priya-nair removed from the workspace: deactivated" in changes
    with baton.db.read() as conn:
        states = {r["number"]: r["state"] for r in list_versions(conn)}
        active = {r.id: r.active for r in conn.execute(select(people))}
        assert {r.id for r in conn.execute(select(teams))} == {"sdr-americas", "ae-emea"}
        assert diff_versions(conn, 1, 2) == v2.diff
        kinds = [r.kind for r in conn.execute(select(events.c.kind).order_by(events.c.id))]
    assert states == {1: "retired", 2: "active"}
    assert active["priya-nair"] is False and active["priya-n"] is True
    assert kinds.count("workspace.activated") == 2


def test_activating_an_unknown_version_says_how_to_list_them(baton):
    with pytest.raises(VersionError, match="baton versions"):
        activate_version(baton, 7, "ana", baton.clock.now())


def test_a_reverted_workspace_is_a_new_version(baton, workspace_dir):
    yaml = workspace_dir / "baton.yaml"
    original = yaml.read_text()
    apply_workspace(baton, load_workspace(workspace_dir), "ana", baton.clock.now())
    yaml.write_text(original.replace("Acme Corp", "Acme Inc"))
    apply_workspace(baton, load_workspace(workspace_dir), "ana", baton.clock.now())
    yaml.write_text(original)
    third = apply_workspace(baton, load_workspace(workspace_dir), "ana", baton.clock.now())
    assert third.created and third.number == 3
    assert third.diff == ['~ workspace.name: "Acme Inc" → "Acme Corp"']
