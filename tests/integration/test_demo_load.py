"""Loading the demo through the real intake: a small company (300 leads), on each database.

The dashboard's mirror is refreshed after every batch the load commits, as a server
started while the history loads (``baton demo``) would copy it at start-up: when the
load is done, one more refresh must leave the mirror equal to the database.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from baton.demo.generator import write_demo_workspace
from baton.demo.load import demo_loaded, load_demo
from baton.reports.feedback import feedback_report
from baton.reports.funnel import funnel_report
from baton.reports.mirror import run
from baton.reports.scope import ReportScope
from baton.store.tables import leads, scenario_runs, sla_clocks
from tests.lifecycle_support import cohort, funnel_counts, reason_counts, rejections

LEADS = ("id", "status", "owner_id", "queue", "assigned_at", "first_touch_at")
CLOCKS = ("id", "lead_id", "state", "due_at", "stopped_at", "closed_at")


def _rows(conn, table, names):
    query = select(*(table.c[n] for n in names)).order_by(table.c.id)
    return [tuple(_naive(v) for v in row) for row in conn.execute(query)]


def _mirrored(duck, table, names):
    query = select(*(table.c[n] for n in names)).order_by(table.c.id)
    return [tuple(_naive(v) for v in row) for row in run(duck, query)]


def _naive(value):
    return value.replace(tzinfo=None) if hasattr(value, "tzinfo") and value.tzinfo else value


def test_a_mirror_copied_while_the_demo_loads_is_complete_when_it_is_done(baton, tmp_path):
    write_demo_workspace(tmp_path)
    copies = []

    def refresh(entity: str, done: int, total: int) -> None:
        baton.clock.advance(timedelta(seconds=1))  # a batch takes time
        with baton.db.read() as conn, baton.analytics().session(conn, baton.clock.now()) as duck:
            copies.append((entity, len(_mirrored(duck, sla_clocks, ("id", "state")))))

    counts = load_demo(baton, tmp_path, baton.clock.now(), refresh, lead_count=300)
    assert counts["lead"] == 300 and counts["activity"] > 300
    after_leads = dict(copies)["lead"]
    assert after_leads > 250  # the clocks were copied before any touch arrived
    with baton.db.read() as conn, baton.analytics().session(conn, baton.clock.now()) as duck:
        assert _mirrored(duck, leads, LEADS) == _rows(conn, leads, LEADS)
        assert _mirrored(duck, sla_clocks, CLOCKS) == _rows(conn, sla_clocks, CLOCKS)
        states = {state for (state,) in conn.execute(select(sla_clocks.c.state))}
        assert {"hit", "miss"} <= states


def test_the_load_records_its_scenario_run_and_says_when_it_is_done(baton, tmp_path):
    write_demo_workspace(tmp_path)
    assert not demo_loaded(baton, tmp_path)
    load_demo(baton, tmp_path, baton.clock.now(), lead_count=50)
    assert demo_loaded(baton, tmp_path)
    with baton.db.read() as conn:
        run_row = conn.execute(select(scenario_runs)).one()
    assert (run_row.file, run_row.passed, run_row.failed) == ("scenarios.csv", 19, 0)


def test_an_interrupted_load_is_named_instead_of_passing_for_a_whole_demo(baton, tmp_path):
    write_demo_workspace(tmp_path)
    (tmp_path / ".baton").mkdir(exist_ok=True)
    (tmp_path / ".baton" / "demo-history").write_text("loading 2026-11-02T15:00:00+00:00\n")
    try:
        demo_loaded(baton, tmp_path)
    except RuntimeError as exc:
        assert "only partly loaded" in str(exc) and str(tmp_path / ".baton") in str(exc)
    else:
        raise AssertionError("an interrupted load passed for a loaded demo")


def test_the_demo_funnel_and_feedback_equal_a_recount_of_its_status_changes(baton, tmp_path):
    """The Funnel and Feedback pages show real numbers on first start: every stage of the
    funnel is reached, rejections carry the workspace's reasons, and the report's figures
    equal a recount from the stored status changes and opportunities."""
    write_demo_workspace(tmp_path)
    now = baton.clock.now()
    load_demo(baton, tmp_path, now, lead_count=600)
    zone = ZoneInfo("America/New_York")  # the demo workspace's zone
    scope = ReportScope(now - timedelta(days=90), now, zone=zone)
    with baton.db.read() as conn:
        report = funnel_report(conn, scope)
        rows = cohort(conn, scope.since, scope.until, zone)
        counts = funnel_counts(rows)
        group = report.overall
        assert (group.mql, group.sal, group.sql, group.opportunity, group.won) == counts
        assert all(counts) and counts[0] > counts[1] > counts[2] > counts[3] > counts[4]
        feedback = feedback_report(conn, scope, now)
        recount = reason_counts(rejections(conn, scope.since, scope.until, zone))
        assert {r.reason: r.rejections for r in feedback.reasons} == dict(recount)
        assert len(recount) >= 5 and recount.most_common(1)[0][0] == "not a fit"
