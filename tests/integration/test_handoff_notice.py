"""2d checklist: "email notification sent to CSM within 5 minutes of close" — a close through
the API, then one round of the worker as `baton serve` runs it, the mail delivered at a real
(loopback) SMTP server and the Slack message at a local server speaking Slack's Web API;
the time from the close to the message is measured."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from baton.worker import Worker
from tests.alerts_support import start_fakes
from tests.integration.test_handoff import FULL, account, close, deal, write_handoff_workspace

ROUTES = "  routes:\n    - kinds: ['handoff.*']\n      channels: [email, slack]\n      mode: all\n"


@pytest.fixture
def fakes(monkeypatch):
    yield from start_fakes(monkeypatch)


@pytest.fixture
def workspace_dir(tmp_path, fakes):
    root = write_handoff_workspace(tmp_path)
    path = root / "baton.yaml"
    text = path.read_text().replace(
        "email: carl@acme.example,", "email: carl@acme.example, slack_id: U0CARL,"
    )
    path.write_text(text + fakes.alerts_yaml(routes=ROUTES))
    return root


def test_the_csm_is_emailed_within_5_minutes_of_the_close(api, live, fakes, clock):
    opp = deal(api, account(api), handoff=FULL)
    started = time.monotonic()
    assert close(api, opp).status_code == 200
    Worker(live).run_once()  # heartbeat, SLA timers, escalations, alert delivery
    elapsed = time.monotonic() - started
    (mail,) = fakes.smtp.messages
    assert mail["to"] == ["carl@acme.example"]
    message = mail["message"]
    assert message["Subject"] == "New handoff: Initech — 50 seats (Initech) — low-touch"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "You are the CSM of Initech — 50 seats (Initech): a low-touch handoff from Emma" in body
    assert "Halve the time new reps take to ramp" in body  # the summary travels with it
    assert elapsed < timedelta(minutes=5).total_seconds()
    (h,) = api.get("/v1/handoffs").json()["items"]
    alert = api.get("/v1/alerts", params={"kind": "handoff.assigned"}).json()["items"][0]
    assert alert["state"] == "sent" and alert["sent_at"] == h["closed_at"]


def test_the_csm_hears_on_slack_too_within_5_minutes(api, live, fakes, clock):
    opp = deal(api, account(api), handoff=FULL)
    started = time.monotonic()
    assert close(api, opp).status_code == 200
    Worker(live).run_once()
    elapsed = time.monotonic() - started
    (message,) = fakes.slack.messages
    assert message["user_or_channel"] == "U0CARL"
    assert "Initech — 50 seats" in message["text"] and "low-touch" in message["text"]
    assert elapsed < timedelta(minutes=5).total_seconds()


def test_a_reclose_sends_no_second_email(api, live, fakes, clock):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    Worker(live).run_once()
    api.patch(f"/v1/opportunities/{opp}", json={"stage": "Negotiation"})
    clock.advance(timedelta(minutes=30))
    close(api, opp)
    Worker(live).run_once()
    assert len(fakes.smtp.messages) == 1 and len(fakes.slack.messages) == 1
