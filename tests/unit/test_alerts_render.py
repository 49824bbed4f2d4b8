"""Message content: key facts first, links to Baton, silent notice, escaping, digests."""

from __future__ import annotations

from baton.notify.render import Renderer, duration

ALERT = {
    "id": 9,
    "kind": "sla.miss",
    "idempotency_key": "sla:1:miss:sam",
    "role": "owner",
    "lead_id": 42,
    "entity": "lead",
    "entity_id": "42",
    "recipient_id": "sam",
    "subject": "SLA missed (demo, 30 min) — Dana Diaz (Globex)",
    "content": {
        "lead": {
            "id": 42,
            "name": "Dana Diaz",
            "company": "Globex",
            "lead_type": "demo_request",
            "email": "dana@globex.example",
        },
        "owner": {"id": "sam", "name": "Sam Ortiz"},
        "rule": "demo",
        "threshold": "30 min",
        "elapsed_business": "41 min",
        "links": {"baton": "/leads/42", "crm": "https://crm.example/lead/00Q1"},
    },
}
SAM = {"id": "sam", "name": "Sam Ortiz", "email": "sam@acme.example", "slack_id": "U01SAMOR"}
REV = {"id": "rev", "name": "Rita Revops", "email": "rita@acme.example", "slack_id": "U01RITA"}


def test_slack_blocks_put_the_key_facts_before_the_text_and_link_to_baton_and_the_crm():
    message = Renderer(public_url="https://baton.acme.example").render(ALERT, SAM)
    kinds = [b["type"] for b in message.blocks]
    assert kinds[:3] == ["header", "section", "section"] and kinds[-1] == "context"
    facts = " ".join(f["text"] for f in message.blocks[1]["fields"])
    for fact in ("Dana Diaz", "Globex", "demo_request", "Sam Ortiz", "demo", "41 min"):
        assert fact in facts
    assert "https://baton.acme.example/leads/42" in message.blocks[-1]["elements"][0]["text"]
    assert "https://crm.example/lead/00Q1" in message.blocks[-1]["elements"][0]["text"]


def test_email_body_names_lead_type_company_owner_rule_elapsed_and_link():
    message = Renderer(public_url="https://baton.acme.example").render(ALERT, SAM)
    for fact in (
        "Dana Diaz",
        "Globex",
        "demo_request",
        "Sam Ortiz",
        '"demo"',
        "41 min",
        "https://baton.acme.example/leads/42",
    ):
        assert fact in message.text
    assert message.subject == ALERT["subject"]


def test_silent_mode_shows_the_intended_recipient_even_with_a_custom_template():
    renderer = Renderer({"sla.miss": {"slack": "short", "email": "short", "subject": "x"}})
    message = renderer.render(ALERT, REV, {**SAM, "role": "owner"})
    assert message.subject.startswith("[silent]")
    assert (
        "meant for Sam Ortiz (owner)" in message.text
        and "meant for Sam Ortiz" in message.slack_text
    )
    assert "meant for Sam Ortiz" in message.blocks[0]["elements"][0]["text"]
    assert (
        message.payload["intended_recipient"]["id"] == "sam"
        and message.payload["recipient"]["id"] == "rev"
    )


def test_slack_text_escapes_control_characters_from_lead_data():
    alert = {
        **ALERT,
        "content": {
            **ALERT["content"],
            "lead": {**ALERT["content"]["lead"], "name": "<!channel> & co"},
        },
    }
    message = Renderer().render(alert, SAM)
    assert (
        "<!channel>" not in message.slack_text and "&lt;!channel&gt; &amp; co" in message.slack_text
    )


def test_a_burst_digest_lists_its_alerts():
    digest = {
        **ALERT,
        "kind": "digest.burst",
        "subject": "12 alerts",
        "content": {
            "title": "12 × sla.miss",
            "items": [
                {"id": i, "subject": f"lead {i}", "link": f"http://b/leads/{i}"} for i in range(12)
            ],
        },
    }
    message = Renderer().render(digest, SAM)
    assert message.text.count("- lead ") == 12 and "12 alerts" in message.slack_text


def test_durations_read_as_people_write_them():
    assert [duration(v) for v in (45, 600, 3900, 90000, "2 h")] == [
        "45 s",
        "10 min",
        "1 h 05 min",
        "1 d 1 h",
        "2 h",
    ]


def test_an_alert_with_little_content_still_renders_for_every_default_template():
    for kind in (
        "sla.notice",
        "sla.miss",
        "sla.escalation",
        "digest.burst",
        "digest.weekly",
        "handoff.ready",
    ):
        message = Renderer().render(
            {"id": 1, "kind": kind, "idempotency_key": "k", "recipient_id": "sam", "content": {}},
            SAM,
        )
        assert message.subject == kind and message.text.strip()


def test_a_missing_fact_renders_empty_never_none_in_every_default_template():
    content = {
        "lead": {"id": 1, "name": "Dana Diaz", "company": None, "lead_type": None, "email": None},
        "owner": {"id": "sam", "name": None},
        "rule": "demo",
        "threshold": "30 min",
        "elapsed_business": None,
        "deadline_at": None,
        "timezone": None,
        "timer_at": None,
        "tier": None,
        "links": {"baton": "/leads/1", "crm": None},
    }
    for kind in ("sla.notice", "sla.miss", "sla.escalation", "handoff.ready"):
        alert = {"id": 1, "kind": kind, "idempotency_key": "k", "subject": None, "content": content}
        message = Renderer().render(alert, SAM)
        for text in (message.subject, message.text, message.slack_text):
            assert "None" not in text, (kind, text)
        assert "Company:" not in message.text and "due" not in message.text


def test_an_sla_alert_says_the_deadline_not_its_own_firing_time():
    content = {
        **ALERT["content"],
        "deadline_at": "2026-11-02T12:48:00+00:00",  # 07:48 in New York
        "timer_at": "2026-11-02T12:40:00+00:00",  # the 50 % reminder's own time, 07:40
        "timezone": "America/New_York",
    }
    message = Renderer().render({**ALERT, "kind": "sla.notice", "content": content}, SAM)
    for text in (message.text, message.slack_text):
        assert "the SLA is due Mon 2 Nov 07:48 EST" in text and "07:40" not in text
    facts = " ".join(f["text"] for f in message.blocks[1]["fields"])
    assert "*SLA due*\nMon 2 Nov 07:48 EST" in facts
