"""Silent mode as a versioned change: on/off edits baton.yaml, records a version and an
event, and the time spent silent (wall clock and business time) is read back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.services.alerts.silent import SilentModeError, set_silent, silent_status
from baton.services.events import EventFilter, list_events
from baton.services.versions.versions import list_versions
from baton.store.tables import workspace_versions
from tests.alerts_support import go_live, start_fakes, write_workspace

SILENT = "  test_recipient: maria-chen\n  calendar: americas\n"


@pytest.fixture
def fakes(monkeypatch):
    yield from start_fakes(monkeypatch)


def test_silent_on_then_off_is_two_recorded_versions_and_the_silent_time_is_tracked(
    baton, tmp_path, fakes
):
    ws = write_workspace(tmp_path / "ws", fakes.alerts_yaml(SILENT))
    go_live(baton, ws)
    version, _ = set_silent(baton, ws, True, "rita")  # Monday 10:00 New York
    assert "silent: true" in (ws / "baton.yaml").read_text()
    baton.clock.advance(timedelta(days=1, hours=2))  # Tuesday 12:00
    with baton.db.read() as conn:
        status = silent_status(conn, baton.clock.now())
    assert status.silent and status.since == baton.clock.now() - timedelta(days=1, hours=2)
    assert status.wall == timedelta(days=1, hours=2)
    assert status.business == timedelta(hours=6.5 + 3)  # Mon 10-12 and 13-17:30, Tue 9-12
    assert round(status.as_dict()["business_days"], 2) == round(
        9.5 / 7.5, 2
    )  # the americas day is 7.5 h
    with pytest.raises(SilentModeError, match="1.3 business days in silent mode so far"):
        set_silent(baton, ws, False, "rita")
    baton.clock.advance(timedelta(days=1))  # Wednesday 12:00: 17 h, 2.3 business days
    off, _ = set_silent(baton, ws, False, "rita")
    assert off == version + 1 and "silent: false" in (ws / "baton.yaml").read_text()
    with baton.db.read() as conn:
        versions = list_versions(conn)
        events = list_events(conn, EventFilter(kind="alerts.*"))
        after = silent_status(conn, baton.clock.now() + timedelta(days=5))
    assert [v["author"] for v in versions[-2:]] == ["rita", "rita"] and "silent" in versions[-1][
        "diff"
    ]
    assert [e["kind"] for e in events] == ["alerts.silent_on", "alerts.silent_off"]
    assert events[1]["payload"]["silent_seconds"] == timedelta(days=2, hours=2).total_seconds()
    assert not after.silent and after.wall == timedelta(
        days=2, hours=2
    )  # the clock stopped when it was turned off


def test_turning_silent_mode_off_early_needs_force_and_is_recorded_as_forced(
    baton, tmp_path, fakes
):
    ws = write_workspace(tmp_path / "ws", fakes.alerts_yaml(SILENT + "  silent: true\n"))
    go_live(baton, ws)
    set_silent(baton, ws, False, "rita", force=True)
    with baton.db.read() as conn:
        (event,) = list_events(conn, EventFilter(kind="alerts.silent_off"))
    assert event["payload"]["forced"] is True


def test_silent_mode_refuses_when_baton_yaml_has_other_changes_not_yet_live(baton, tmp_path, fakes):
    ws = write_workspace(tmp_path / "ws", fakes.alerts_yaml(SILENT))
    go_live(baton, ws)
    original = (ws / "baton.yaml").read_text().replace("name: Acme Corp", "name: Acme Inc")
    (ws / "baton.yaml").write_text(original)
    with pytest.raises(SilentModeError, match="other changes"):
        set_silent(baton, ws, True, "rita")
    assert (ws / "baton.yaml").read_text() == original  # left as it was
    with baton.db.read() as conn:
        assert conn.execute(select(workspace_versions.c.number)).all() == [(1,)]


def test_silent_mode_on_without_a_test_recipient_is_refused_by_the_check(baton, tmp_path, fakes):
    from baton.workspace.problems import WorkspaceError

    ws = write_workspace(tmp_path / "ws", fakes.alerts_yaml())
    go_live(baton, ws)
    with pytest.raises(WorkspaceError):
        set_silent(baton, ws, True, "rita")
    assert "silent" not in (ws / "baton.yaml").read_text().split("\nalerts:\n")[1]
