"""What makes ``baton health`` fast keeps its figures the reports' (issue 15), on SQLite and
PostgreSQL: the SLA counts the monitors read by one GROUP BY (``sla_tally``) equal the
streaming SLA report's per team, per rule and overall, for the 30 days and for each of the
two weeks the trend compares; the rejections per reason equal the Feedback report's and the
leakage counts the leakage report's; evaluating the monitors compiles no routing flow (a
flow's ``expr`` condition builds rule-engine's parser: a second or more in a fresh
process); the worker evaluates them every ``health.check_every`` (5 minutes in this
module's workspace); a database already at the newest migration is opened without loading
Alembic.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from pydantic import ValidationError

from baton.reports.feedback import feedback_report, rejection_reasons
from baton.reports.leakage import leakage_report
from baton.reports.scope import ReportScope, report_zone, scope_of
from baton.reports.sla import sla_report
from baton.services.health.leakage_tally import leakage_tally
from baton.services.health.registry import evaluate
from baton.services.health.sla_tally import sla_tally
from baton.services.health.transitions import HealthJob
from baton.services.live import COMPILED
from baton.services.sla.timers import fire_due_timers
from baton.store.db import alembic_config, newest_revision
from baton.worker import heartbeat
from baton.workspace.health_schema import HealthSpec
from baton.workspace.scaffold import write_template
from tests.integration.test_sla_report import lead, ny, touch
from tests.lifecycle_support import NOW, make_history


@pytest.fixture
def history(api, live, clock):
    """60 leads through the funnel (their touches come late: misses), four hand-raisers
    touched within minutes (hits, with a response time) and a few clocks left pending."""
    make_history(api, live, clock, 60, seed=7)
    for i, owner in enumerate(("sam-ortiz", "priya-nair", "sam-ortiz", "emma-schulz")):
        at = ny(2026, 11, 18 + i % 2, 10 + i, 0)
        touch(api, clock, lead(api, clock, at, owner), at + timedelta(minutes=5 + 5 * i), owner)
    clock.set(NOW)
    fire_due_timers(live, NOW - timedelta(hours=3))  # some clocks pending past due: misses now


def test_the_sla_tally_equals_the_sla_report(live, history):
    with live.db.read() as conn:
        scope = scope_of(NOW, zone=report_zone(conn))
        periods = [
            (scope.since, scope.until),
            (NOW - timedelta(days=7), NOW),
            (NOW - timedelta(days=14), NOW - timedelta(days=7)),
        ]
        for n, (since, until) in enumerate(periods):
            report = sla_report(conn, ReportScope(since, until), NOW)
            tally = sla_tally(conn, since, until, NOW)
            if n == 0:  # the 30 days have misses and responses
                assert report.overall.miss and report.overall.hit and tally.by_rule
            assert (tally.overall.hit, tally.overall.miss) == (
                report.overall.hit,
                report.overall.miss,
            )
            assert {t: (v.hit, v.miss, v.compliance) for t, v in tally.by_team.items()} == {
                g.key: (g.hit, g.miss, g.compliance) for g in report.by_team
            }
            assert list(tally.by_team) == [g.key for g in report.by_team]
            responses = {
                g.key: (g.response_business["count"], g.response_business["mean_seconds"])
                for g in report.by_rule
                if g.response_business["count"]
            }
            assert {r: v.count for r, v in tally.by_rule.items()} == {
                r: n for r, (n, _) in responses.items()
            }
            for rule, (_, mean) in responses.items():
                assert tally.by_rule[rule].mean_seconds == pytest.approx(mean, abs=1e-3)


def test_the_rejections_per_reason_equal_the_feedback_reports(live, history):
    with live.db.read() as conn:
        scope = scope_of(NOW, zone=report_zone(conn))
        report = feedback_report(conn, scope, NOW)
        counts = rejection_reasons(conn, scope)
    assert counts and dict(counts) == {r.reason: r.rejections for r in report.reasons}


def test_the_leakage_tally_equals_the_leakage_report(live, history):
    with live.db.read() as conn:
        scope = scope_of(NOW, zone=report_zone(conn))
        report = leakage_report(conn, scope, NOW, limit=None)
        tally = leakage_tally(conn, scope, NOW)
    assert (tally.mqls, tally.leaked, tally.share) == (report.mqls, report.leaked, report.share)
    assert tally.leaked and [i for i, _ in tally.longest] == [x.lead_id for x in report.leads][:50]


def test_evaluating_the_monitors_compiles_no_routing_flow(live, history):
    COMPILED._items.clear()  # as a fresh process: nothing compiled yet
    with live.db.read() as conn:
        monitors = {m.name: m for m in evaluate(conn, NOW)}
        live_now = COMPILED._items[next(iter(COMPILED._items))]
    assert "routing" not in live_now.__dict__ and live_now.pools  # the pools alone
    assert monitors["pool_imbalance"].items  # judged with the pools' weights
    assert live_now.routing.flows and live_now.pools  # compiled when asked for


@pytest.fixture
def workspace_dir(tmp_path):
    """The init template, its monitors evaluated every five minutes by the worker."""
    write_template(tmp_path)
    with (tmp_path / "baton.yaml").open("a") as f:
        f.write("\nhealth: {check_every: 5m}\n")
    return tmp_path


def test_the_worker_evaluates_the_monitors_every_health_check_every(live):
    t0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    job = HealthJob()
    assert job(live, t0) > 0  # first check: every monitor recorded
    heartbeat(live, t0 + timedelta(minutes=1))
    assert job(live, t0 + timedelta(minutes=1)) == 0  # a minute: not yet
    heartbeat(live, t0 + timedelta(minutes=5))
    assert job(live, t0 + timedelta(minutes=4, seconds=59)) == 0
    assert job(live, t0 + timedelta(minutes=5)) == 1  # the worker monitor: red → green


def test_a_check_every_under_a_minute_is_refused():
    with pytest.raises(ValidationError, match="less than a minute"):
        HealthSpec(check_every="30s")
    assert HealthSpec().limits.check_every == timedelta(minutes=1)


def test_the_newest_migration_is_read_as_alembic_reads_it():
    script = ScriptDirectory.from_config(alembic_config())
    assert newest_revision() == script.get_current_head()


def test_a_database_at_the_newest_migration_opens_without_loading_alembic(live):
    opened = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from baton.store.db import Database; "
            f"Database({live.settings.database_url!r}).upgrade(); "
            "print('alembic' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert opened.stdout.strip() == "False"
