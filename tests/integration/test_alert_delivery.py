"""The outbox drained for real (SQLite and PostgreSQL) to loopback Slack, SMTP and webhook
servers."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from baton.notify.fakes import insert_alert
from baton.services.alerts.delivery import Delivery
from baton.services.alerts.outbox import alert_detail, requeue
from baton.store.tables import alert_deliveries, alerts
from tests.alerts_support import go_live, start_fakes, write_workspace


@pytest.fixture
def fakes(monkeypatch):
    yield from start_fakes(monkeypatch)


def add(
    baton, n: int, recipient: str = "sam-ortiz", kind: str = "sla.miss", prefix: str = "k"
) -> list[int]:
    with baton.db.write() as conn:
        ids = [
            insert_alert(
                conn,
                baton.clock.now(),
                recipient,
                key=f"{prefix}{i}",
                kind=kind,
                lead_name=f"Lead {i}",
            )
            for i in range(n)
        ]
        conn.commit()
    return ids


def rows(baton) -> dict[int, dict]:
    with baton.db.read() as conn:
        return {r.id: dict(r._mapping) for r in conn.execute(select(alerts).order_by(alerts.c.id))}


def setup(baton, tmp_path, fakes, body: str = "", routes: str | None = None) -> Delivery:
    go_live(baton, write_workspace(tmp_path / "ws", fakes.alerts_yaml(body, routes)))
    return Delivery(rng=random.Random(1))


def test_each_alert_is_delivered_once_and_recorded_as_sent(baton, tmp_path, fakes):
    job = setup(baton, tmp_path, fakes)
    ids = add(baton, 5)
    assert job(baton, baton.clock.now()) == 5
    assert job(baton, baton.clock.now()) == 0
    assert fakes.slack.keys() == {f"k{i}": 1 for i in range(5)} and fakes.smtp.messages == []
    for r in rows(baton).values():
        assert (r["state"], r["channel"], r["attempts"], r["claimed_by"]) == (
            "sent",
            "slack",
            1,
            None,
        )
        assert (
            r["provider_message_id"].startswith("D01SAMOR:") and r["sent_at"] == baton.clock.now()
        )
    assert [d["outcome"] for d in alert_detail_of(baton, ids[0])["deliveries"]] == ["sent"]


def alert_detail_of(baton, alert_id):
    with baton.db.read() as conn:
        return alert_detail(conn, alert_id)


def test_slack_failing_falls_back_to_email_in_the_same_attempt(baton, tmp_path, fakes):
    job = setup(baton, tmp_path, fakes)
    (alert_id,) = add(baton, 1)
    fakes.slack.fail(500)
    job(baton, baton.clock.now())
    row = rows(baton)[alert_id]
    assert (row["state"], row["channel"]) == ("sent", "email")
    assert [m["to"] for m in fakes.smtp.messages] == [
        ["sam@acme.example"]
    ] and fakes.slack.messages == []
    outcomes = [
        (d["channel"], d["outcome"]) for d in alert_detail_of(baton, alert_id)["deliveries"]
    ]
    assert outcomes == [("slack", "failed"), ("email", "sent")]


def test_mode_all_sends_to_every_channel_and_a_retry_skips_those_that_delivered(
    baton, tmp_path, fakes
):
    job = setup(
        baton,
        tmp_path,
        fakes,
        routes=(
            "  routes:\n    - kinds: ['*']\n      channels: [slack, email, hook]\n      mode: all\n"
        ),
    )
    (alert_id,) = add(baton, 1)
    fakes.hook.fail(500)
    job(baton, baton.clock.now())
    assert rows(baton)[alert_id]["state"] == "failed"
    baton.clock.advance(timedelta(minutes=1))
    job(baton, baton.clock.now())
    assert rows(baton)[alert_id]["state"] == "sent"
    assert (fakes.slack.keys(), fakes.smtp.keys(), fakes.hook.keys()) == (
        {"k0": 1},
        {"k0": 1},
        {"k0": 1},
    )


def test_slack_rate_limit_waits_the_retry_after_then_delivers_once(baton, tmp_path, fakes):
    job = setup(
        baton,
        tmp_path,
        fakes,
        body="  delivery: {concurrency: 1}\n",
        routes="  routes:\n    - kinds: ['*']\n      channels: [slack]\n",
    )
    add(baton, 3)
    fakes.slack.rate_limit(retry_after=45)
    job(baton, baton.clock.now())
    states = rows(baton).values()
    assert {r["state"] for r in states} == {
        "failed"
    }  # the first got 429; the others waited without calling Slack
    assert all(r["next_attempt_at"] >= baton.clock.now() + timedelta(seconds=44) for r in states)
    assert len([c for c in fakes.slack.calls if c["method"] == "chat.postMessage"]) == 1
    baton.clock.advance(timedelta(seconds=30))
    assert job(baton, baton.clock.now()) == 0  # not yet
    baton.clock.advance(timedelta(minutes=5))
    job.paused.clear()  # the fake clock moved; the process-local pause uses the real one
    job(baton, baton.clock.now())
    assert fakes.slack.keys() == {"k0": 1, "k1": 1, "k2": 1}


def test_retries_back_off_then_dead_letter_with_the_last_error_and_retry_requeues(
    baton, tmp_path, fakes
):
    job = setup(
        baton,
        tmp_path,
        fakes,
        body="  retry: {first_delay: 10s, max_delay: 1m, give_up_after: 5m}\n",
        routes="  routes:\n    - kinds: ['*']\n      channels: [hook]\n",
    )
    (alert_id,) = add(baton, 1)
    fakes.hook.fail(500, times=100)
    gaps = []
    while rows(baton)[alert_id]["state"] != "dead":
        job(baton, baton.clock.now())
        row = rows(baton)[alert_id]
        if row["next_attempt_at"]:
            gaps.append((row["next_attempt_at"] - baton.clock.now()).total_seconds())
            baton.clock.set(row["next_attempt_at"])
    row = rows(baton)[alert_id]
    assert (
        row["state"] == "dead"
        and "HTTP 500" in row["last_error"]
        and row["attempts"] == len(gaps) + 1
    )
    assert 5 <= gaps[0] <= 10 and gaps[1] > gaps[0] and max(gaps) <= 60
    fakes.hook.script.queue.clear()
    requeue(baton, alert_id, "tester")
    job(baton, baton.clock.now())
    assert rows(baton)[alert_id]["state"] == "sent" and fakes.hook.keys() == {"k0": 1}


def test_requeue_refuses_an_alert_that_is_not_dead_or_failed(baton, tmp_path, fakes):
    setup(baton, tmp_path, fakes)
    (alert_id,) = add(baton, 1)
    with pytest.raises(ValueError, match="pending"):
        requeue(baton, alert_id, "tester")


def test_silent_mode_sends_everything_to_the_test_recipient_naming_the_intended_one(
    baton, tmp_path, fakes
):
    job = setup(baton, tmp_path, fakes, body="  silent: true\n  test_recipient: maria-chen\n")
    add(baton, 2, recipient="sam-ortiz") + add(baton, 1, recipient="lukas-weber", prefix="l")
    job(baton, baton.clock.now())
    assert {m["user_or_channel"] for m in fakes.slack.messages} == {"U01MARIA"}
    texts = sorted(m["text"].splitlines()[0] for m in fakes.slack.messages)
    assert (
        texts
        == ["[Silent mode] This alert was meant for Lukas Weber (owner); it came to you instead."]
        + ["[Silent mode] This alert was meant for Sam Ortiz (owner); it came to you instead."] * 2
    )
    with baton.db.read() as conn:
        assert all(d.silent for d in conn.execute(select(alert_deliveries)))


def test_webhook_in_silent_mode_without_a_silent_url_is_suppressed_not_posted(
    baton, tmp_path, fakes
):
    job = setup(
        baton,
        tmp_path,
        fakes,
        body="  silent: true\n  test_recipient: maria-chen\n",
        routes="  routes:\n    - kinds: ['*']\n      channels: [hook]\n",
    )
    (alert_id,) = add(baton, 1)
    job(baton, baton.clock.now())
    row = rows(baton)[alert_id]
    assert (row["state"], fakes.hook.received) == ("suppressed", [])
    assert "silent" in row["suppressed_reason"]


def test_a_recipient_no_channel_can_reach_is_dead_lettered_at_once(baton, tmp_path, fakes):
    job = setup(
        baton, tmp_path, fakes, routes="  routes:\n    - kinds: ['*']\n      channels: [slack]\n"
    )
    (alert_id,) = add(baton, 1, recipient="vp-sales")  # has an email, no Slack id
    job(baton, baton.clock.now())
    row = rows(baton)[alert_id]
    assert row["state"] == "dead" and "no address for 'vp-sales'" in row["last_error"]


def test_a_missing_secret_at_run_time_fails_and_retries_rather_than_crashing(
    baton, tmp_path, fakes, monkeypatch
):
    job = setup(
        baton, tmp_path, fakes, routes="  routes:\n    - kinds: ['*']\n      channels: [slack]\n"
    )
    monkeypatch.delenv("TEST_SLACK_TOKEN")
    (alert_id,) = add(baton, 1)
    job(baton, baton.clock.now())
    row = rows(baton)[alert_id]
    assert row["state"] == "failed" and "TEST_SLACK_TOKEN is not set" in row["last_error"]


def test_a_burst_becomes_one_digest_listing_every_alert(baton, tmp_path, fakes):
    job = setup(baton, tmp_path, fakes, body="  bursts: {max: 10, window: 5m}\n")
    ids = add(baton, 15)
    add(baton, 2, recipient="priya-nair", prefix="p")
    job(baton, baton.clock.now())
    by_id = rows(baton)
    assert {by_id[i]["state"] for i in ids} == {"digested"}
    (digest,) = [r for r in by_id.values() if r["kind"] == "digest.burst"]
    assert (
        digest["state"] == "sent"
        and digest["recipient_id"] == "sam-ortiz"
        and len(digest["content"]["items"]) == 15
    )
    sam = [m for m in fakes.slack.messages if m["user_or_channel"] == "U01SAMOR"]
    assert len(sam) == 1 and "15 alerts" in sam[0]["text"]
    assert (
        len([m for m in fakes.slack.messages if m["user_or_channel"] == "U01PRIYA"]) == 2
    )  # under the limit: one by one
    assert sorted(alert_detail_of(baton, digest["id"])["digest_of"]) == ids


def test_after_a_burst_digest_further_alerts_wait_for_the_next_window(baton, tmp_path, fakes):
    job = setup(baton, tmp_path, fakes, body="  bursts: {max: 3, window: 5m}\n")
    add(baton, 5)
    job(baton, baton.clock.now())
    baton.clock.advance(timedelta(minutes=1))
    add(baton, 2, prefix="late")
    job(baton, baton.clock.now())
    assert len(fakes.slack.messages) == 1  # the late ones wait: one digest per window
    baton.clock.advance(timedelta(minutes=5))
    job(baton, baton.clock.now())
    assert (
        len(fakes.slack.messages) == 3
    )  # the window is over: two alerts are under the limit, each goes out


WEEKLY = """  digests:
    - name: mops-weekly
      kinds: ["feedback.*"]
      to: [vp-sales, "team:ae-emea"]
      weekday: mon
      at: "09:00"
      calendar: americas
      channels: [email]
"""


def test_a_weekly_digest_holds_its_kinds_and_sends_one_message_per_person_at_the_slot(
    baton, tmp_path, fakes
):
    job = setup(baton, tmp_path, fakes, body=WEEKLY)
    baton.clock.set(baton.clock.now() - timedelta(days=3))  # Friday before
    add(baton, 3, recipient="vp-sales", kind="feedback.recycled")
    add(baton, 2, recipient="digest:mops-weekly", kind="feedback.sal_rate", prefix="g")
    job(baton, baton.clock.now())
    assert {r["state"] for r in rows(baton).values()} == {"held"} and fakes.smtp.messages == []
    baton.clock.advance(timedelta(days=3))  # Monday 15:00 UTC, after 09:00 New York
    job(baton, baton.clock.now())
    job(baton, baton.clock.now())
    got = {m["to"][0]: m["message"] for m in fakes.smtp.messages}
    assert set(got) == {"jordan@acme.example", "lukas@acme.example", "emma@acme.example"}
    assert (
        got["jordan@acme.example"].get_content().count("\n- ") == 5
        and got["emma@acme.example"].get_content().count("\n- ") == 2
    )
    assert fakes.slack.messages == []  # the digest's own channels
    assert {r["state"] for r in rows(baton).values() if r["kind"].startswith("feedback.")} == {
        "digested"
    }
    job(baton, baton.clock.now() + timedelta(hours=1))
    assert len(fakes.smtp.messages) == 3  # once per week


def test_a_weekly_slot_on_a_holiday_waits_for_the_next_business_morning(baton, tmp_path, fakes):
    job = setup(baton, tmp_path, fakes, body=WEEKLY.replace("weekday: mon", "weekday: thu"))
    baton.clock.set(baton.clock.now() + timedelta(days=16))  # Wed 18 Nov
    add(baton, 1, recipient="vp-sales", kind="feedback.recycled")
    baton.clock.set(baton.clock.now() + timedelta(days=8))  # Thu 26 Nov 15:00 UTC: Thanksgiving
    job(baton, baton.clock.now())
    assert fakes.smtp.messages == []
    baton.clock.advance(timedelta(days=1))  # Fri 27 Nov, 10:00 in New York
    job(baton, baton.clock.now())
    job(baton, baton.clock.now())
    assert [m["to"] for m in fakes.smtp.messages] == [["jordan@acme.example"]]


def test_a_crashed_claim_is_recovered_without_a_second_slack_post(baton, tmp_path, fakes):
    job = setup(
        baton,
        tmp_path,
        fakes,
        body="  delivery: {lease: 30s}\n",
        routes="  routes:\n    - kinds: ['*']\n      channels: [slack]\n",
    )
    (alert_id,) = add(baton, 1)
    job(baton, baton.clock.now())
    # A worker that posted and died before recording it: sent message, row still claimed.
    with baton.db.write() as conn:
        conn.execute(
            update(alerts)
            .where(alerts.c.id == alert_id)
            .values(
                state="pending",
                sent_at=None,
                claimed_by="dead-worker",
                claimed_until=baton.clock.now() + timedelta(seconds=30),
            )
        )
        conn.execute(delete(alert_deliveries).where(alert_deliveries.c.alert_id == alert_id))
        conn.commit()
    assert job(baton, baton.clock.now()) == 0  # still leased to the dead worker
    baton.clock.advance(timedelta(seconds=31))
    job(baton, baton.clock.now())
    assert fakes.slack.keys() == {"k0": 1}
    assert rows(baton)[alert_id]["state"] == "sent"
    assert [d["outcome"] for d in alert_detail_of(baton, alert_id)["deliveries"]][-1] == "found"


def test_two_workers_draining_together_deliver_each_alert_once(baton, tmp_path, fakes):
    setup(
        baton,
        tmp_path,
        fakes,
        body="  delivery: {batch: 10, concurrency: 4}\n  bursts: null\n",
        routes="  routes:\n    - kinds: ['*']\n      channels: [slack]\n",
    )
    add(baton, 120)
    workers = [Delivery(name=f"w{i}") for i in range(3)]

    def drain(job):
        while job(baton, baton.clock.now()):
            pass

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    counts = fakes.slack.keys()
    assert len(counts) == 120 and set(counts.values()) == {1}
    assert {r["state"] for r in rows(baton).values()} == {"sent"}


def test_an_alert_of_a_digest_kind_for_someone_outside_the_digest_is_sent_at_once(
    baton, tmp_path, fakes
):
    job = setup(baton, tmp_path, fakes, body=WEEKLY)
    (alert_id,) = add(baton, 1, recipient="sam-ortiz", kind="feedback.recycled")
    job(baton, baton.clock.now())
    assert rows(baton)[alert_id]["state"] == "sent"


def test_a_fake_notifier_can_stand_in_for_a_channel(baton, tmp_path, fakes):
    from baton.notify import DeliveryError
    from baton.notify.fakes import FakeNotifier

    stand_in = FakeNotifier("slack_id", failures=[DeliveryError("boom")])
    job = Delivery(notifiers={"slack": stand_in})
    go_live(baton, write_workspace(tmp_path / "ws", fakes.alerts_yaml()))
    (alert_id,) = add(baton, 1)
    job(baton, baton.clock.now())
    assert rows(baton)[alert_id]["channel"] == "email"  # the stand-in failed first: fallback
    add(baton, 1, prefix="again")
    job(baton, baton.clock.now())
    assert [(m.key, address) for m, address in stand_in.sent] == [
        ("again0", "U01SAMOR")
    ] and fakes.slack.messages == []


def test_alerts_not_started_before_the_lease_runs_out_are_handed_back_unsent(
    baton, tmp_path, fakes
):
    import time as wall

    from baton.notify.fakes import FakeNotifier

    class Slow(FakeNotifier):
        def send(self, message, address, *, recovering=False):
            wall.sleep(0.6)
            return super().send(message, address, recovering=recovering)

    slow = Slow("slack_id")
    go_live(
        baton,
        write_workspace(
            tmp_path / "ws",
            fakes.alerts_yaml("  delivery: {concurrency: 1, lease: 1s}\n  bursts: null\n"),
        ),
    )
    ids = add(baton, 3)
    assert Delivery(notifiers={"slack": slow})(baton, baton.clock.now()) == 3
    by_id = rows(baton)
    assert [by_id[i]["state"] for i in ids] == ["sent", "sent", "pending"] and len(slow.sent) == 2
    assert (by_id[ids[2]]["claimed_by"], by_id[ids[2]]["claimed_until"]) == (
        None,
        None,
    )  # claimable again at once
