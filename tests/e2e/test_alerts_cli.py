"""The alerts commands as a user runs them: check catches bad configuration, silent mode
on/off leaves versions behind, the list shows what was sent, retry re-queues a dead letter."""

from __future__ import annotations

from sqlalchemy import update

from baton.bootstrap import open_baton
from baton.notify.fakes import FakeSlack, insert_alert
from baton.settings import Settings
from baton.store.tables import alerts
from tests.alerts_support import ENV, SLACK_TOKEN, write_workspace
from tests.e2e.conftest import copy_template, run_baton

ALERTS = """
alerts:
  test_recipient: maria-chen
  channels:
    slack: {{type: slack, token_env: TEST_SLACK_TOKEN, base_url: "{url}"}}
  routes:
    - kinds: ["sla.*"]
      channels: [slack]
"""


def test_check_reports_a_missing_secret_and_an_unknown_channel_with_lines(tmp_path):
    ws = write_workspace(
        copy_template(tmp_path / "ws"),
        ALERTS.format(url="http://127.0.0.1:9/api/").replace(
            "channels: [slack]", "channels: [slack, sms]"
        ),
    )
    result = run_baton("-w", str(ws), "check", cwd=tmp_path, env={"TEST_SLACK_TOKEN": ""})
    assert result.code == 1
    assert (
        "environment variable TEST_SLACK_TOKEN is not set" in result.err
        and "unknown channel 'sms'" in result.err
    )
    assert all(line.startswith("baton.yaml:") for line in result.err.splitlines()[:2])


def test_deliver_list_silent_on_off_and_retry_from_the_command_line(tmp_path):
    with FakeSlack(SLACK_TOKEN) as slack:
        ws = write_workspace(copy_template(tmp_path / "ws"), ALERTS.format(url=slack.base_url))
        for args in (["apply"], ["activate", "1"]):
            assert run_baton("-w", str(ws), *args, cwd=tmp_path, env=ENV).code == 0
        on = run_baton("-w", str(ws), "alerts", "silent", "on", cwd=tmp_path, env=ENV)
        assert on.code == 0 and "silent mode on: version 2 is active" in on.out
        baton = open_baton(Settings.from_env(ws, environ={}))
        with baton.db.write() as conn:
            first = insert_alert(conn, baton.clock.now(), "sam-ortiz", key="cli-1")
            dead = insert_alert(conn, baton.clock.now(), "sam-ortiz", key="cli-2")
            conn.execute(
                update(alerts)
                .where(alerts.c.id == dead)
                .values(state="dead", last_error="slack: HTTP 500")
            )
            conn.commit()
        assert (
            "handled 1 alerts"
            in run_baton("-w", str(ws), "alerts", "deliver", cwd=tmp_path, env=ENV).out
        )
        assert [m["user_or_channel"] for m in slack.messages] == [
            "U01MARIA"
        ]  # silent: to the test recipient
        listing = run_baton("-w", str(ws), "alerts", cwd=tmp_path, env=ENV).out
        assert (
            "sent" in listing and "slack" in listing and "dead" in listing and "HTTP 500" in listing
        )
        dead_only = run_baton("-w", str(ws), "alerts", "--state", "dead", cwd=tmp_path, env=ENV)
        assert dead_only.code == 0 and "dead" in dead_only.out  # lower case, as documented
        early = run_baton("-w", str(ws), "alerts", "silent", "off", cwd=tmp_path, env=ENV)
        assert early.code == 1 and "--force" in early.err
        off = run_baton("-w", str(ws), "alerts", "silent", "off", "--force", cwd=tmp_path, env=ENV)
        assert off.code == 0 and "version 3 is active" in off.out
        assert (
            "silent mode: off"
            in run_baton("-w", str(ws), "alerts", "silent", cwd=tmp_path, env=ENV).out
        )
        retried = run_baton("-w", str(ws), "alerts", "retry", str(dead), cwd=tmp_path, env=ENV)
        assert retried.code == 0 and "re-queued" in retried.out
        run_baton("-w", str(ws), "alerts", "deliver", cwd=tmp_path, env=ENV)
        assert [m["user_or_channel"] for m in slack.messages] == [
            "U01MARIA",
            "U01SAMOR",
        ]  # silent mode is off now
        shown = run_baton("-w", str(ws), "alerts", "show", str(first), cwd=tmp_path, env=ENV).out
        assert '"silent": true' in shown and '"outcome": "sent"' in shown
        baton.close()
