"""kill -9 `baton serve` in the middle of a 1,000-alert drain, start it again, and count what
arrived at the loopback Slack, SMTP and webhook servers: every alert delivered; Slack never
twice (the restarted worker finds the earlier post by its key); email and webhooks at most
once more for the alerts that were in flight when the worker died (the documented window)."""

from __future__ import annotations

import os
import signal
import socket
import time

import pytest
from sqlalchemy import func, select

from baton.bootstrap import open_baton
from baton.notify.fakes import FakeSlack, FakeWebhook, SmtpSink, insert_alert
from baton.settings import Settings
from baton.store.tables import alerts
from tests.alerts_support import ENV, SLACK_TOKEN, WEBHOOK_SECRET, Fakes, go_live, write_workspace

TOTAL = 1000
CONCURRENCY = 8
PEOPLE = ["sam-ortiz", "priya-nair", "maria-chen", "lukas-weber", "emma-schulz"]
KINDS = {"sla.miss": "slack", "sla.notice": "email", "sla.escalation": "hook"}
ROUTES = "  routes:\n" + "".join(
    f"    - kinds: ['{k}']\n      channels: [{c}]\n" for k, c in KINDS.items()
)
BODY = f"  bursts: null\n  delivery: {{concurrency: {CONCURRENCY}, batch: 32, lease: 3s}}\n"


def delivered(fakes: Fakes) -> int:
    return (
        sum(fakes.slack.keys().values())
        + len(fakes.smtp.messages)
        + sum(fakes.hook.keys().values())
    )


def states(baton) -> dict[str, int]:
    with baton.db.read() as conn:
        return dict(
            conn.execute(select(alerts.c.state, func.count()).group_by(alerts.c.state)).all()
        )


@pytest.mark.slow
def test_a_kill_9_mid_drain_loses_nothing_and_duplicates_only_the_in_flight_window(
    tmp_path, server_factory, monkeypatch
):
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with (
        FakeSlack(SLACK_TOKEN, delay=0.004) as slack,
        SmtpSink() as smtp,
        FakeWebhook(WEBHOOK_SECRET, delay=0.004) as hook,
    ):
        fakes = Fakes(slack, smtp, hook)
        ws = write_workspace(tmp_path / "ws", fakes.alerts_yaml(BODY, ROUTES))
        baton = open_baton(Settings.from_env(ws, environ={}))
        go_live(baton, ws)
        kinds = list(KINDS)
        with baton.db.write() as conn:
            for i in range(TOTAL):
                insert_alert(
                    conn,
                    baton.clock.now(),
                    PEOPLE[i % len(PEOPLE)],
                    key=f"crash-{i}",
                    kind=kinds[i % 3],
                )
            conn.commit()

        first = server_factory(ws, ENV)
        deadline = time.monotonic() + 60
        while delivered(fakes) < TOTAL * 0.3 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait()
        killed = f"{socket.gethostname()}:{first.proc.pid}:"
        with baton.db.read() as conn:
            in_flight = {
                r.idempotency_key: r.kind
                for r in conn.execute(
                    select(alerts.c.idempotency_key, alerts.c.kind).where(
                        alerts.c.state == "pending", alerts.c.claimed_by.startswith(killed)
                    )
                )
            }
        at_kill = delivered(fakes)
        assert 0 < at_kill < TOTAL, "the kill must land mid-drain"

        server_factory(ws, ENV)
        deadline = time.monotonic() + 60
        while states(baton).get("sent", 0) < TOTAL and time.monotonic() < deadline:
            time.sleep(0.1)
        assert states(baton) == {"sent": TOTAL}

        counts = slack.keys() + smtp.keys() + hook.keys()
        assert set(counts) == {f"crash-{i}" for i in range(TOTAL)}  # every alert arrived
        twice = {key for key, n in counts.items() if n > 1}
        assert max(counts.values()) <= 2
        assert not twice & set(slack.keys())  # Slack: found by its key, never posted again
        assert (
            twice <= set(in_flight) and len(twice) <= CONCURRENCY
        )  # email/webhook: only what was in flight
        assert all(in_flight[k] != "sla.miss" for k in twice)
        print(
            f"\nat kill: {at_kill} delivered, {len(in_flight)} claimed by the dead worker, "
            f"{len(twice)} twice, found on Slack: "
            f"{len([k for k in in_flight if in_flight[k] == 'sla.miss'])}"
        )
        refused = [
            r for r in hook.received if not r["verified"]
        ]  # a request cut short by the kill fails the HMAC check
        assert len(refused) <= CONCURRENCY and {r["key"] for r in refused} <= set(in_flight), (
            refused
        )
        baton.close()
