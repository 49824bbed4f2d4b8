"""Each adapter against a real protocol on loopback: slack-sdk → an HTTP fake of the Web
API, smtplib → aiosmtpd, httpx → a receiver that checks the HMAC the documented way."""

from __future__ import annotations

import pytest

from baton.notify import DeliveryError
from baton.notify.email import EmailNotifier, message_id
from baton.notify.render import Renderer
from baton.notify.slack import SlackNotifier
from baton.notify.webhook import WebhookNotifier
from tests.alerts_support import SLACK_TOKEN, WEBHOOK_SECRET, start_fakes
from tests.unit.test_alerts_render import ALERT, SAM

MESSAGE = Renderer(public_url="https://baton.acme.example").render(ALERT, SAM)


@pytest.fixture
def fakes(monkeypatch):
    yield from start_fakes(monkeypatch)


def test_slack_posts_a_dm_with_blocks_and_the_alert_key_in_metadata(fakes):
    sent = SlackNotifier(SLACK_TOKEN, base_url=fakes.slack.base_url).send(MESSAGE, "U01SAMOR")
    (posted,) = fakes.slack.messages
    assert (
        posted["user_or_channel"] == "U01SAMOR"
        and sent.provider_message_id == f"{posted['channel']}:{posted['ts']}"
    )
    assert posted["blocks"][0]["type"] == "header" and "Dana Diaz" in posted["text"]
    assert posted["metadata"] == {
        "event_type": "baton_alert",
        "event_payload": {"key": ALERT["idempotency_key"]},
    }


def test_slack_to_a_shared_channel_names_the_person(fakes):
    SlackNotifier(SLACK_TOKEN, channel="C0SALES", base_url=fakes.slack.base_url).send(
        MESSAGE, "C0SALES"
    )
    (posted,) = fakes.slack.messages
    assert posted["channel"] == "C0SALES" and posted["text"].startswith("<@U01SAMOR> ")
    assert posted["blocks"][0]["text"]["text"] == "For <@U01SAMOR>"


def test_slack_rate_limit_reports_retry_after_and_a_500_is_an_error(fakes):
    notifier = SlackNotifier(SLACK_TOKEN, base_url=fakes.slack.base_url)
    fakes.slack.rate_limit(retry_after=7)
    with pytest.raises(DeliveryError) as limited:
        notifier.send(MESSAGE, "U01SAMOR")
    assert limited.value.retry_after == 7 and "429" in str(limited.value)
    fakes.slack.fail(500)
    with pytest.raises(DeliveryError) as failed:
        notifier.send(MESSAGE, "U01SAMOR")
    assert failed.value.retry_after is None and "500" in str(failed.value)
    assert fakes.slack.messages == []


def test_slack_recovery_finds_an_earlier_post_instead_of_posting_again(fakes):
    notifier = SlackNotifier(SLACK_TOKEN, base_url=fakes.slack.base_url)
    first = notifier.send(MESSAGE, "U01SAMOR")
    again = notifier.send(MESSAGE, "U01SAMOR", recovering=True)
    assert again.found and again.provider_message_id == first.provider_message_id
    assert len(fakes.slack.messages) == 1
    other = Renderer().render({**ALERT, "idempotency_key": "another"}, SAM)
    assert not notifier.send(other, "U01SAMOR", recovering=True).found  # not found: posted once
    assert fakes.slack.keys() == {ALERT["idempotency_key"]: 1, "another": 1}


def test_slack_bad_token_is_an_error_naming_it(fakes):
    with pytest.raises(DeliveryError, match="invalid_auth"):
        SlackNotifier("xoxb-wrong", base_url=fakes.slack.base_url).send(MESSAGE, "U01SAMOR")


def test_email_arrives_with_recipient_content_and_threading_headers(fakes):
    notifier = EmailNotifier(
        "127.0.0.1", fakes.smtp.port, sender="Baton <baton@acme.example>", security="none"
    )
    sent = notifier.send(MESSAGE, "sam@acme.example")
    later = Renderer().render(
        {**ALERT, "idempotency_key": "sla:1:escalation:2:sam", "kind": "sla.escalation"}, SAM
    )
    notifier.send(later, "sam@acme.example")
    first, second = (m["message"] for m in fakes.smtp.messages)
    assert (
        fakes.smtp.messages[0]["to"] == ["sam@acme.example"]
        and fakes.smtp.messages[0]["from"] == "baton@acme.example"
    )
    assert first["Subject"] == ALERT["subject"] and "Dana Diaz" in first.get_content()
    assert (
        first["Message-ID"]
        == sent.provider_message_id
        == message_id(ALERT["idempotency_key"], "acme.example")
    )
    assert first["Message-ID"] != second["Message-ID"]
    assert (
        first["References"] == second["References"] == first["In-Reply-To"]
    )  # one thread per lead and person


def test_email_refused_by_the_server_is_an_error_with_the_smtp_reply(fakes):
    fakes.smtp.reject = lambda rcpts: "550 mailbox unavailable"
    with pytest.raises(DeliveryError, match="550"):
        EmailNotifier(
            "127.0.0.1", fakes.smtp.port, sender="baton@acme.example", security="none"
        ).send(MESSAGE, "sam@acme.example")


def test_email_to_a_closed_port_is_an_error():
    from baton.notify.fakes import free_port

    with pytest.raises(DeliveryError, match="email"):
        EmailNotifier(
            "127.0.0.1", free_port(), sender="baton@acme.example", security="none", timeout=2
        ).send(MESSAGE, "a@b.example")


def test_webhook_is_signed_so_the_receiver_verifies_it(fakes):
    WebhookNotifier(fakes.hook.url, WEBHOOK_SECRET).send(MESSAGE, fakes.hook.url)
    (got,) = fakes.hook.received
    assert got["verified"] and got["key"] == ALERT["idempotency_key"]
    assert (
        got["payload"]["kind"] == "sla.miss"
        and got["payload"]["content"]["lead"]["name"] == "Dana Diaz"
    )
    assert got["payload"]["schema"] == "baton.alert/v1"


def test_webhook_with_the_wrong_secret_is_refused_by_the_receiver(fakes):
    with pytest.raises(DeliveryError, match="401"):
        WebhookNotifier(fakes.hook.url, "not-the-secret").send(MESSAGE, fakes.hook.url)
    assert fakes.hook.received[0]["verified"] is False


def test_webhook_503_with_retry_after_is_reported(fakes):
    fakes.hook.fail(503, retry_after=30)
    with pytest.raises(DeliveryError) as info:
        WebhookNotifier(fakes.hook.url, WEBHOOK_SECRET).send(MESSAGE, fakes.hook.url)
    assert info.value.retry_after == 30
