"""Health monitors (issue 15) against recounts from the stored records, on SQLite and
PostgreSQL: each monitor's value is the figure recounted here from the rows (the status
changes, activities, routing decisions, clocks), not read from the reports; a ratio on
too few records is not judged; the workspace's ``health:`` moves the verdict; the exact
threshold is never red; ``baton health`` exits 0 / 1 / 2 and ``GET /v1/health/flags``
answers the same verdicts.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML
from sqlalchemy import func, insert, select

from baton.cli.main import cli
from baton.notify.render import Renderer
from baton.reports.scope import report_zone, scope_of
from baton.services.health.registry import evaluate
from baton.services.health.transitions import HealthJob, check_health
from baton.services.sla.timers import fire_due_timers
from baton.store.tables import (
    activities,
    alerts,
    health_states,
    leads,
    misroutes,
    ownership_decisions,
    people,
    routing_decisions,
    sla_clocks,
)
from baton.worker import heartbeat
from baton.workspace.scaffold import write_template
from tests.integration.test_sla_report import lead, ny, touch
from tests.lifecycle_support import NOW, leaked, make_history, reason_counts, rejections


def _by_name(monitors):
    return {m.name: m for m in monitors}


@pytest.fixture
def history(api, live, clock):
    """120 leads over 70 days through the funnel (tests.lifecycle_support), one of an
    unknown lead type, the worker's timers fired up to NOW and its heartbeat a minute ago."""
    made = make_history(api, live, clock, 120, seed=15)
    clock.set(NOW - timedelta(days=2))
    response = api.post(
        "/v1/leads",
        json={"email": "x@partner.io", "lead_type": "partner-referral", "region": "NA"},
    )
    assert response.status_code == 201, response.text
    clock.set(NOW)
    fire_due_timers(live, NOW)
    heartbeat(live, NOW - timedelta(minutes=1))
    return made


def test_each_monitor_equals_a_recount_from_the_stored_records(live, history, workspace_dir):
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, NOW))
        zone = report_zone(conn)
        scope = scope_of(NOW, zone=zone)
        since, until = scope.since, scope.until
        # rejections: the moves to Recycled/Disqualified of the period
        reasons = reason_counts(rejections(conn, since, until, zone))
        top, n = reasons.most_common(1)[0]
        assert found["rejection_reason"].value == pytest.approx(n / sum(reasons.values()), 1e-3)
        assert f"{n} of {sum(reasons.values())} rejections" in found["rejection_reason"].detail
        # leakage: the period's MQLs handed over 7+ days ago nobody worked since
        eligible, leaking = leaked(conn, since, until, NOW, timedelta(days=7))
        assert found["leakage"].value == pytest.approx(len(leaking) / len(eligible), 1e-3)
        assert {i.records for i in found["leakage"].items} == {f"/leads/{i}" for i in leaking}
        # routing: decisions of the period
        decided = conn.execute(
            select(routing_decisions).where(
                routing_decisions.c.decided_at >= since,
                routing_decisions.c.decided_at < until,
                routing_decisions.c.lead_id.is_not(None),
            )
        ).all()
        fallback = sum(1 for d in decided if d.via_fallback)
        assert found["fallback_share"].sample.size == len(decided)
        assert found["fallback_share"].value == pytest.approx(
            fallback / len(decided) if decided else 0.0, abs=1e-4
        )
        flagged = conn.execute(select(misroutes).where(misroutes.c.created_at >= since)).all()
        assert found["misroute_rate"].value == pytest.approx(
            len(flagged) / len(decided) if decided else 0.0, abs=1e-4
        )
        # leads that nothing caught
        stray = conn.execute(
            select(leads.c.id).where(
                leads.c.received_at >= since,
                leads.c.received_at < until,
                leads.c.owner_id.is_(None),
                leads.c.queue.is_(None),
                leads.c.assigned_at.is_(None),
            )
        ).all()
        assert found["unassigned_leads"].value == len(stray)
        # team compliance from the clocks, the worker having judged every due one
        team_of = dict(conn.execute(select(people.c.id, people.c.team_id)).all())
        tally: dict[str, Counter] = {}
        for c in conn.execute(
            select(sla_clocks).where(
                sla_clocks.c.started_at >= since, sla_clocks.c.started_at < until
            )
        ):
            if c.state in ("hit", "miss") and team_of.get(c.owner_id):
                tally.setdefault(team_of[c.owner_id], Counter())[c.state] += 1
        judged = {
            t: c["hit"] / (c["hit"] + c["miss"])
            for t, c in tally.items()
            if c["hit"] + c["miss"] >= 20
        }
        compliance = found["team_sla_compliance"]
        if judged:
            assert compliance.value == pytest.approx(min(judged.values()), abs=1e-4)
        else:
            assert compliance.value is None
    # lead types received in the period that no rule in baton.yaml names
    rules = YAML(typ="safe").load((workspace_dir / "baton.yaml").read_text())["sla"]["rules"]
    named = {t for r in rules for t in r.get("lead_types", [])}
    with live.db.read() as conn:
        types = {
            r.lead_type
            for r in conn.execute(
                select(leads.c.lead_type).where(
                    leads.c.received_at >= since, leads.c.lead_type.is_not(None)
                )
            )
        }
    uncovered = found["uncovered_lead_types"]
    assert uncovered.value == len(types - named) == 1
    assert uncovered.status.value == "red"
    assert uncovered.records == "/leads?range=30d&lead_type=partner-referral"
    assert found["worker_heartbeat"].value == 60
    assert found["worker_heartbeat"].status.value == "green"


def _routed(api, clock, count: int, start: datetime) -> list[int]:
    ids = []
    for i in range(count):
        clock.set(start + timedelta(minutes=i))
        r = api.post("/v1/leads", json={"email": f"r{i}@na{i}.com", "region": "NA"})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    clock.set(start + timedelta(minutes=count))  # the period ends now, exclusive
    return ids


START = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def test_a_misroute_rate_on_fewer_routed_leads_than_min_sample_is_not_judged(api, live, clock):
    ids = _routed(api, clock, 4, START)
    flagged = api.post(f"/v1/leads/{ids[0]}/misroute", json={"reason": "wrong region"})
    assert flagged.status_code == 201, flagged.text
    clock.set(clock.now() + timedelta(minutes=1))
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, clock.now()))["misroute_rate"]
    assert found.value == 0.25
    assert found.status.value == "not_judged"
    assert found.as_dict()["detail"] == "not enough data: 4 of 20 routed leads"


@pytest.fixture
def workspace_dir(request, tmp_path):
    """The init template; with a param, that health: section appended."""
    write_template(tmp_path)
    if getattr(request, "param", None):
        with (tmp_path / "baton.yaml").open("a") as f:
            f.write(request.param)
    return tmp_path


STRICT = "\nhealth:\n  min_sample: 4\n"
LENIENT = STRICT + "  misroute_rate: 40%\n"


@pytest.mark.parametrize("workspace_dir", [STRICT, LENIENT], indirect=True, ids=["5%", "40%"])
def test_the_workspace_health_section_moves_the_verdict(api, live, clock, workspace_dir):
    """One misroute in 4 routed leads (25 %): red against the playbook's 5 %, green against
    a workspace's 40 % (amber would start over 36 %)."""
    ids = _routed(api, clock, 4, START)
    flagged = api.post(f"/v1/leads/{ids[0]}/misroute", json={"reason": "wrong region"})
    assert flagged.status_code == 201, flagged.text
    clock.set(clock.now() + timedelta(minutes=1))
    lenient = "40%" in (workspace_dir / "baton.yaml").read_text()
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, clock.now()))["misroute_rate"]
    assert found.threshold == (0.4 if lenient else 0.05)
    assert found.status.value == ("green" if lenient else "red")


@pytest.mark.parametrize(
    ("silent", "status"),
    [(0, "green"), (107, "green"), (108.5, "amber"), (120, "amber"), (120.5, "red")],
)
def test_a_worker_not_heard_from_for_over_2_minutes_is_red_and_exactly_2_is_not(
    live, silent, status
):
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    heartbeat(live, now - timedelta(seconds=silent))
    with live.db.read() as conn:
        assert _by_name(evaluate(conn, now))["worker_heartbeat"].status.value == status


def test_no_worker_ever_heard_from_is_red(live):
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, datetime(2026, 11, 20, tzinfo=UTC)))["worker_heartbeat"]
    assert found.status.value == "red"
    assert found.detail == "no worker has ever reported"


def _health(live, workspace_dir, *args):
    env = {"BATON_DATABASE_URL": live.settings.database_url}
    return CliRunner().invoke(cli, ["-w", str(workspace_dir), "health", *args], env=env)


def test_baton_health_exits_0_green_1_amber_2_red(live, workspace_dir):
    """The CLI reads the wall clock: the heartbeat is set relative to it."""
    assert _health(live, workspace_dir).exit_code == 2  # no worker ever
    heartbeat(live, datetime.now(UTC))
    result = _health(live, workspace_dir, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["status"] == "green"
    assert {m["name"] for m in body["monitors"]} >= {"pool_imbalance", "leakage"}
    heartbeat(live, datetime.now(UTC) - timedelta(seconds=113))  # amber: 108–120 s
    result = _health(live, workspace_dir)
    assert result.exit_code == 1, result.output
    assert "AMBER" in result.output and "Start or restart the worker" in result.output


def test_get_health_flags_answers_the_monitors_with_a_read_token(api, live, clock):
    heartbeat(live, clock.now())
    response = api.as_("read").get("/v1/health/flags")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "green"
    with live.db.read() as conn:
        expected = [m.as_dict() for m in evaluate(conn, clock.now())]
    assert [(m["name"], m["status"]) for m in body["monitors"]] == [
        (m["name"], m["status"]) for m in expected
    ]
    assert api.as_("ingest").get("/v1/health/flags").status_code == 403
    schema = api.get("/openapi.json").json()
    assert "HealthFlags" in schema["components"]["schemas"]


def test_round_robin_imbalance_and_inactive_users_still_receiving_leads_from_the_decisions(
    api, live, clock
):
    """Priya is away for the first 6 of 20 round-robin leads: Sam gets 13, Priya 7 —
    (13 − 7) / 13 = 46 % > 20 %. Sam then leaves: 13 leads went to an inactive person."""
    back = START + timedelta(minutes=5, seconds=30)
    away = {"starts_at": START.isoformat(), "ends_at": back.isoformat()}
    assert api.patch("/v1/people/priya-nair", json={"out_of_office": [away]}).status_code == 200
    _routed(api, clock, 20, START)
    assert api.patch("/v1/people/sam-ortiz", json={"active": False}).status_code == 200
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, clock.now()))
        per = Counter(
            r.owner_id
            for r in conn.execute(
                select(routing_decisions.c.owner_id).where(
                    routing_decisions.c.pool_id == "sdr-americas"
                )
            )
        )
        inactive = {
            r.id for r in conn.execute(select(people.c.id).where(people.c.active.is_(False)))
        }
    assert sum(per.values()) == 20 and per["sam-ortiz"] > per["priya-nair"]
    high, low = max(per.values()), min(per.values())
    imbalance = found["pool_imbalance"]
    assert imbalance.value == pytest.approx((high - low) / high, abs=1e-4)
    assert imbalance.status.value == "red"
    assert imbalance.records == "/leads?range=30d&pool=sdr-americas"
    owners = found["inactive_owners"]
    assert owners.value == len(inactive & set(per)) == 1
    assert owners.status.value == "red"
    assert owners.items[0].what == f"Sam Ortiz: {per['sam-ortiz']} lead(s)"
    assert owners.items[0].records == "/leads?range=30d&owner=sam-ortiz"


def test_fewer_than_20_leads_through_a_pool_leave_its_imbalance_unjudged(api, live, clock):
    _routed(api, clock, 5, START)
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, clock.now()))["pool_imbalance"]
    assert found.status.value == "not_judged"
    assert found.as_dict()["detail"] == "not enough data: 5 of 20 leads in a pool"


def test_alert_deliveries_that_gave_up_are_red_and_failing_ones_amber(live, clock):
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    heartbeat(live, now)

    def alert(i: int, state: str) -> dict:
        return {
            "idempotency_key": f"k{i}",
            "kind": "sla.miss",
            "entity": "lead",
            "entity_id": "1",
            "recipient_id": "sam-ortiz",
            "role": "owner",
            "subject": "missed",
            "content": {},
            "state": state,
            "due_at": now - timedelta(days=1),
            "created_at": now - timedelta(days=1),
            "attempts": 3,
        }

    def verdict() -> tuple:
        with live.db.read() as conn:
            m = _by_name(evaluate(conn, now))["alert_delivery"]
            dead = conn.execute(
                select(func.count()).select_from(alerts).where(alerts.c.state == "dead")
            ).scalar()
        assert m.value == dead
        return m.status.value, m.value

    with live.db.write() as conn:
        conn.execute(insert(alerts), [alert(1, "sent"), alert(2, "failed")])
        conn.commit()
    assert verdict() == ("amber", 0)
    with live.db.write() as conn:
        conn.execute(insert(alerts), [alert(3, "dead")])
        conn.commit()
    assert verdict() == ("red", 1)


SMALL = "\nhealth:\n  min_sample: 2\n"


def _answered(api, clock, day: datetime, minutes: list[int]) -> None:
    """Hand-raisers (30 min SLA) assigned to Sam on ``day`` at 9, 10, 14 and 15 h New York,
    each touched ``minutes`` later: inside business hours and clear of lunch, so the
    business response is the wall-clock one."""
    for hour, m in zip((9, 10, 14, 15), minutes, strict=False):
        at = day.replace(hour=hour)
        touch(api, clock, lead(api, clock, at, "sam-ortiz"), at + timedelta(minutes=m), "sam-ortiz")


@pytest.mark.parametrize("workspace_dir", [SMALL], indirect=True)
@pytest.mark.parametrize(
    ("minutes", "status"),
    [([61, 65], "red"), ([60, 60], "amber"), ([50, 50], "green")],
    ids=["2.1x", "exactly-2x", "1.67x"],
)
def test_average_response_over_twice_the_sla_target_is_red(
    api, live, clock, workspace_dir, minutes, status
):
    _answered(api, clock, ny(2026, 11, 2, 0), minutes)
    now = ny(2026, 11, 3, 14, 0)
    clock.set(now)
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, now))["slow_response"]
        stored = conn.execute(
            select(activities.c.occurred_at, leads.c.assigned_at).join(
                leads, leads.c.id == activities.c.lead_id
            )
        ).all()
    mean = sum((a.occurred_at - a.assigned_at).total_seconds() for a in stored) / len(stored)
    assert found.value == pytest.approx(mean / 1800, abs=1e-4)
    assert found.status.value == status


@pytest.mark.parametrize("workspace_dir", [SMALL], indirect=True)
def test_sla_miss_rate_up_over_20_percent_week_over_week_is_red(api, live, clock, workspace_dir):
    """25 % missed the week before (1 of 4), 50 % this week (2 of 4): up 100 %."""
    _answered(api, clock, ny(2026, 11, 2, 0), [10, 10, 10, 45])
    _answered(api, clock, ny(2026, 11, 9, 0), [10, 45, 10, 45])
    now = ny(2026, 11, 12, 12, 0)
    clock.set(now)
    fire_due_timers(live, now)
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, now))["miss_rate_trend"]
        week = timedelta(days=7)

        def rate(since, until):
            states = Counter(
                r.state
                for r in conn.execute(
                    select(sla_clocks.c.state).where(
                        sla_clocks.c.started_at >= since, sla_clocks.c.started_at < until
                    )
                )
            )
            return states["miss"] / (states["hit"] + states["miss"])

        was, is_ = rate(now - 2 * week, now - week), rate(now - week, now)
    assert (was, is_) == (0.25, 0.5)
    assert found.value == pytest.approx((is_ - was) / was)
    assert found.status.value == "red"


def test_a_monitor_turning_red_alerts_the_executives_once_per_transition(live):
    """No worker heard from: red, one alert to each executive; still red a minute later: no
    second alert; a heartbeat: green; silent again past 2 minutes: red, alerted again."""
    t0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def red_alerts() -> list:
        with live.db.read() as conn:
            return conn.execute(
                select(alerts.c.recipient_id, alerts.c.entity_id, alerts.c.content)
                .where(alerts.c.kind == "health.red")
                .order_by(alerts.c.id)
            ).all()

    with live.db.read() as conn:
        executives = [
            r.id for r in conn.execute(select(people.c.id).where(people.c.role == "executive"))
        ]
    assert executives
    check_health(live, t0)
    first = [a for a in red_alerts() if a.entity_id == "worker_heartbeat"]
    assert [a.recipient_id for a in first] == executives
    assert first[0].content["monitor"]["status"] == "red"
    assert "Start or restart the worker" in first[0].content["monitor"]["response"]
    check_health(live, t0 + timedelta(minutes=1))
    assert [a for a in red_alerts() if a.entity_id == "worker_heartbeat"] == first
    heartbeat(live, t0 + timedelta(minutes=2))
    check_health(live, t0 + timedelta(minutes=2))
    with live.db.read() as conn:
        state = conn.execute(
            select(health_states).where(health_states.c.monitor == "worker_heartbeat")
        ).one()
    assert (state.status, state.since) == ("green", t0 + timedelta(minutes=2))
    check_health(live, t0 + timedelta(minutes=5))
    again = [a for a in red_alerts() if a.entity_id == "worker_heartbeat"]
    assert len(again) == 2 * len(executives)


def test_the_worker_job_checks_health_at_most_once_a_minute(live):
    t0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    job = HealthJob()
    assert job(live, t0) > 0  # first check: every monitor recorded
    heartbeat(live, t0)
    assert job(live, t0 + timedelta(seconds=30)) == 0  # not checked yet
    assert job(live, t0 + timedelta(minutes=1)) == 1  # the worker monitor: red → green


@pytest.mark.parametrize(("age_hours", "status"), [(48, "green"), (48.01, "red")])
def test_any_violation_unresolved_for_more_than_48_hours_is_red(live, age_hours, status):
    """The rules-of-engagement monitors come from the ownership report (GET
    /v1/ownership/health), registered beside the others: at exactly 48 h not yet red."""
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with live.db.write() as conn:
        conn.execute(
            insert(ownership_decisions),
            {
                "at": now - timedelta(hours=age_hours),
                "actor": "test",
                "kind": "violation",
                "entity": "lead",
                "record_id": 1,
                "message": "outreach to a protected account",
                "steps": [],
            },
        )
        conn.commit()
    with live.db.read() as conn:
        found = _by_name(evaluate(conn, now))
        unresolved = conn.execute(
            select(func.count())
            .select_from(ownership_decisions)
            .where(
                ownership_decisions.c.kind == "violation",
                ownership_decisions.c.resolved_at.is_(None),
                ownership_decisions.c.at < now - timedelta(hours=48),
            )
        ).scalar()
    assert found["unresolved_violations"].value == unresolved == (1 if status == "red" else 0)
    assert found["unresolved_violations"].status.value == status
    assert {"ownership_timeouts", "disputes"} <= set(found)


def test_the_red_alert_says_what_turned_red_and_what_the_playbook_says_to_do(live):
    check_health(live, datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    with live.db.read() as conn:
        alert = conn.execute(
            select(alerts).where(
                alerts.c.kind == "health.red", alerts.c.entity_id == "worker_heartbeat"
            )
        ).first()
    message = Renderer(public_url="http://baton.test").render(
        dict(alert._mapping), {"id": alert.recipient_id, "name": "Jordan Blake"}
    )
    assert "Worker heard from turned red" in message.text
    assert "What to do: Start or restart the worker" in message.text
    assert "http://baton.test/healthz" in message.text
    assert "*Worker heard from* turned red" in message.slack_text
