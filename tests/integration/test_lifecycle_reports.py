"""The funnel, the feedback loop and lead leakage (issue 12 items 6 and 7), on SQLite and
PostgreSQL: every figure equals a recount from the stored status changes, activities and
opportunities (``tests.lifecycle_support``: the moves as they happened, not the stamps the
reports read), the dashboard's mirror gives the streaming reports figure for figure —
also after the data change under it — and the flags follow the ``health:`` section."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from baton.reports.feedback import feedback_report
from baton.reports.feedback_mirror import feedback_report as mirror_feedback
from baton.reports.funnel import funnel_report
from baton.reports.funnel_mirror import funnel_report as mirror_funnel
from baton.reports.leakage import leakage_report
from baton.reports.leakage_mirror import leakage_counts
from baton.reports.mirror import Mirror
from baton.reports.scope import ReportScope
from baton.services.lifecycle.status import change_status
from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import leads, opportunities
from baton.workspace.loader import load_workspace
from tests.lifecycle_support import (
    NOW,
    STEP_NAMES,
    by,
    cohort,
    funnel_counts,
    leaked,
    make_history,
    median,
    reason_counts,
    rejections,
)

NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
DIMENSIONS = ("source", "campaign", "lead_type", "owner", "team", "week")


def scopes() -> list[tuple[ReportScope, dict[str, str]]]:
    """(scope, the same filters for the recount)."""
    q4 = select(leads.c.id).where(leads.c.campaign == "q4")
    return [
        (ReportScope(NOW - timedelta(days=days), NOW, zone=zone), {})
        for days in (7, 30, 61)
        for zone in (None, BERLIN)
    ] + [
        (ReportScope(NOW - timedelta(days=45), NOW, source="web"), {"source": "web"}),
        (
            ReportScope(NOW - timedelta(days=45), NOW, lead_type="content", zone=NEW_YORK),
            {"lead_type": "content"},
        ),
        (ReportScope(NOW - timedelta(days=61), NOW, owner="sam-ortiz"), {"owner": "sam-ortiz"}),
        (ReportScope(NOW - timedelta(days=61), NOW, team="ae-emea"), {"team": "ae-emea"}),
        (ReportScope(NOW - timedelta(days=61), NOW, lead_ids=q4), {"campaign": "q4"}),
        (ReportScope(NOW - timedelta(days=400), NOW - timedelta(days=100)), {}),  # empty
    ]


@pytest.fixture
def mirror():
    made = Mirror()
    yield made
    made.close()


@pytest.fixture
def history(api, live, clock):
    return make_history(api, live, clock, 300, seed=11)


def _counts(group) -> tuple[int, ...]:
    return (group.mql, group.sal, group.sql, group.opportunity, group.won)


def test_the_funnel_equals_a_recount_of_the_moves(live, history):
    with live.db.read() as conn:
        for scope, filters in scopes():
            report = funnel_report(conn, scope)
            zone = scope.zone or ZoneInfo("America/New_York")  # the template's zone
            assert report.timezone == zone.key
            rows = cohort(conn, scope.since, scope.until, zone, **filters)
            assert _counts(report.overall) == funnel_counts(rows), scope
            for dimension in DIMENSIONS:
                expected = {k: funnel_counts(v) for k, v in by(rows, dimension).items()}
                assert {g.key: _counts(g) for g in report.by(dimension)} == expected, dimension
            mql, sal, sql_, opportunity, won = funnel_counts(rows)
            rates = report.overall.rates
            if mql:
                assert rates["mql_to_sal"] == round(sal / mql, 4)
                assert rates["mql_to_won"] == round(won / mql, 4)
            if sql_:
                assert rates["sql_to_opportunity"] == round(opportunity / sql_, 4)
            for step in STEP_NAMES:
                walls = [r.walls[step] for r in rows if step in r.walls]
                wall = report.overall.times[step]["wall"]
                assert wall["count"] == len(walls)
                assert wall["median_seconds"] == pytest.approx(median(walls), abs=1e-6)
        assert funnel_counts(cohort(conn, NOW - timedelta(days=61), NOW, BERLIN))[4] > 5


def test_the_mirror_gives_the_streaming_reports_figure_for_figure(live, history, mirror):
    _assert_same(live, mirror)


def test_what_changes_after_the_first_copy_is_in_the_next_read(api, live, clock, history, mirror):
    _assert_same(live, mirror)
    later = NOW + timedelta(minutes=5)
    clock.set(later)
    make_history(api, live, clock, 40, seed=12, now=later)  # new leads, moves, touches, wins
    with live.db.read() as conn:
        stuck = conn.execute(
            select(leads.c.id, leads.c.owner_id).where(
                leads.c.status == "mql", leads.c.owner_id.is_not(None)
            )
        ).all()
        converted = conn.execute(
            select(leads.c.account_id).where(leads.c.account_id.is_not(None)).limit(1)
        ).scalar_one()
    (a, owner_a), (b, _), (c, _) = stuck[:3]
    touch = {"kind": "call", "person_id": owner_a, "occurred_at": later.isoformat(), "lead_id": a}
    assert api.post("/v1/activities", json=touch).status_code == 201  # leaks no more
    change_status(live, b, "recycled", "test", reason="not a fit")  # released: whose is it now?
    change_status(live, c, "sal", "test")
    assert api.patch(f"/v1/leads/{stuck[3][0]}", json={"source": "late-source"}).status_code == 200
    with live.db.write() as conn:  # a late win on an account (no lead row changes)
        conn.execute(
            insert(opportunities).values(
                name="Late deal",
                account_id=converted,
                stage="Closed Won",
                closed_at=later,
                handoff={},
                source_system="",
                extra={},
                created_at=later,
                updated_at=later,
            )
        )
        conn.commit()
    _assert_same(live, mirror, later)


def _assert_same(live, mirror: Mirror, now: datetime = NOW) -> None:
    with live.db.read() as conn, mirror.session(conn, now) as duck:
        for scope, _ in scopes():
            assert mirror_funnel(conn, duck, scope) == funnel_report(conn, scope), scope
            assert mirror_feedback(conn, duck, scope, now) == feedback_report(conn, scope, now)
            streaming = leakage_report(conn, scope, now)
            assert leakage_counts(conn, duck, scope, now) == replace(streaming, leads=()), scope


def test_the_feedback_loop_counts_each_rejection_by_reason_and_week(live, history):
    with live.db.read() as conn:
        for scope, filters in scopes():
            if "campaign" in filters or "lead_type" in filters:
                continue
            report = feedback_report(conn, scope, NOW)
            zone = scope.zone or ZoneInfo("America/New_York")
            rows = rejections(conn, scope.since, scope.until, zone, **filters)
            counts = reason_counts(rows)
            assert report.rejections == len(rows)
            assert {r.reason: r.rejections for r in report.reasons} == dict(counts)
            weeks = {}
            for reason, week, _ in rows:
                weeks.setdefault(week, {}).setdefault(reason, 0)
                weeks[week][reason] += 1
            assert {w.week: dict(w.reasons) for w in report.by_week} == weeks
            for r in report.reasons:  # the playbook's 40 %, judged from 20 rejections
                assert r.flagged == (len(rows) >= 20 and r.rejections / len(rows) > 0.4)
        month = feedback_report(conn, ReportScope(NOW - timedelta(days=61), NOW), NOW)
        assert [r.reason for r in month.flagged] == ["not a fit"]  # weighted so in the history
        mqls = cohort(conn, NOW - timedelta(days=61), NOW, NEW_YORK)
        for source, rows in by(mqls, "source").items():
            (row,) = [a for a in month.acceptance_by_source if a.key == source]
            mql, sal, sql_ = funnel_counts(rows)[:3]
            assert (row.mql, row.sal, row.sql) == (mql, sal, sql_)
            assert row.acceptance_rate == round(sal / mql, 4)
            assert row.sql_rate == round(sql_ / mql, 4)
        assert {a.key for a in month.acceptance_by_campaign} == {"q4", "spring", "(none)"}


def test_leakage_counts_mqls_nobody_touched_since_the_hand_off(live, history):
    with live.db.read() as conn:
        for scope, filters in scopes():
            if filters:
                continue
            report = leakage_report(conn, scope, NOW, limit=None)
            eligible, leaking = leaked(conn, scope.since, scope.until, NOW, timedelta(days=7))
            assert report.mqls == len(eligible)
            assert {lead.lead_id for lead in report.leads} == leaking
            assert report.leaked == len(leaking)
            assert report.flagged == (len(eligible) >= 20 and len(leaking) / len(eligible) > 0.1)
            waits = [lead.waiting_seconds for lead in report.leads]
            assert waits == sorted(waits, reverse=True)
            assert all(w >= 7 * 86400 for w in waits)
        assert leakage_report(conn, ReportScope(NOW - timedelta(days=61), NOW), NOW).flagged


def test_the_flags_take_their_thresholds_from_the_health_section(
    live, history, workspace_dir, clock
):
    path = workspace_dir / "baton.yaml"
    path.write_text(
        path.read_text()
        + "\nhealth:\n  leakage_share: 60%\n  rejection_reason_share: 90%\n  min_sample: 5\n"
        + "lifecycle:\n  leakage_after: 3d\n"
    )
    applied = apply_workspace(live, load_workspace(workspace_dir), "tester", clock.now())
    activate_version(live, applied.number, "tester", clock.now())
    scope = ReportScope(NOW - timedelta(days=61), NOW)
    with live.db.read() as conn:
        assert not leakage_report(conn, scope, NOW).flagged
        assert leakage_report(conn, scope, NOW).leakage_after_seconds == 3 * 86400
        eligible, _ = leaked(conn, scope.since, scope.until, NOW, timedelta(days=3))
        assert leakage_report(conn, scope, NOW).mqls == len(eligible)
        assert not feedback_report(conn, scope, NOW).flagged
        week = ReportScope(NOW - timedelta(days=2), NOW)
        small = feedback_report(conn, week, NOW)
        assert small.sample.enough == (small.rejections >= 5)


def test_too_few_rejections_or_mqls_are_not_judged(live, history):
    day = ReportScope(NOW - timedelta(days=1), NOW)
    with live.db.read() as conn:
        feedback = feedback_report(conn, day, NOW)
        assert feedback.rejections < 20 and not feedback.flagged
        assert feedback.sample.words == f"not enough rejections ({feedback.rejections} of 20)"
        leakage = leakage_report(conn, day, NOW)
        assert leakage.mqls < 20 and not leakage.flagged


def test_business_time_runs_in_the_owners_calendar_even_after_the_lead_went_back(api, live, clock):
    """Sam works 09:00-12:00 and 13:00-17:30 in New York: an MQL at 16:00 on a Friday
    accepted at 10:30 on Monday waited 3 business hours (66.5 wall-clock hours); recycled
    later, it has no owner and is still Sam's."""
    friday = datetime(2026, 11, 13, 16, 0, tzinfo=NEW_YORK)
    clock.set(friday - timedelta(hours=1))
    lead = api.post(
        "/v1/leads",
        json={
            "email": "fri@example.com",
            "owner_id": "sam-ortiz",
            "assigned_at": (friday - timedelta(hours=1)).isoformat(),
        },
    ).json()["id"]
    clock.set(friday)
    change_status(live, lead, "mql", "test")
    clock.set(datetime(2026, 11, 16, 10, 30, tzinfo=NEW_YORK))
    change_status(live, lead, "sal", "test")
    clock.set(datetime(2026, 11, 17, 10, 30, tzinfo=NEW_YORK))
    change_status(live, lead, "recycled", "test", reason="no budget")
    scope = ReportScope(NOW - timedelta(days=30), NOW)
    with live.db.read() as conn:
        assert conn.execute(select(leads.c.owner_id).where(leads.c.id == lead)).scalar() is None
        report = funnel_report(conn, scope)
        (sam,) = report.by_owner
        assert sam.key == "sam-ortiz" and (sam.mql, sam.sal) == (1, 1)
        step = report.overall.times["mql_to_sal"]
        assert step["wall"]["median_seconds"] == 66.5 * 3600
        assert step["business"]["median_seconds"] == 3 * 3600
        feedback = feedback_report(conn, replace(scope, owner="sam-ortiz"), NOW)
        assert [(r.reason, r.rejections) for r in feedback.reasons] == [("no budget", 1)]
