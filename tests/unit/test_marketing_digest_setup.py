"""The Marketing Ops weekly digest's setting (an ``alerts.digests`` entry with ``report:
lifecycle``), its schedule in business time and its rendering, without a database: `baton
check` names each bad value at its line with a fix; a slot on a holiday or after closing
moves to the next opening and is never skipped; the report reads the same in text, HTML
and Slack, with the silent notice where the recipient is not the intended one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from baton.domain.alerts import due_slots
from baton.domain.calendar import BusinessCalendar, HolidaySet
from baton.notify.render import Renderer
from baton.reports.lifecycle_week import week_before
from baton.workspace.loader import load_workspace
from baton.workspace.scaffold import write_template
from tests.unit.test_alerts_workspace import line_of, problems

DIGEST = """
alerts:
  channels:
    email: {type: email, host: smtp.acme.example, port: 25, security: none,
      sender: "Baton <baton@acme.example>"}
  digests:
    - name: mops-weekly
      report: lifecycle
      to: [vp-sales]
      weekday: mon
      at: "09:00"
      calendar: americas
      channels: [email]
"""


@pytest.fixture
def workspace(tmp_path):
    write_template(tmp_path)

    def write(text: str):
        base = (tmp_path / "baton.yaml").read_text().split("\nalerts:\n")[0]
        (tmp_path / "baton.yaml").write_text(base + text)
        return tmp_path

    return write


def test_a_digest_with_the_lifecycle_report_needs_no_alert_kinds(workspace):
    ws = load_workspace(workspace(DIGEST))
    (digest,) = ws.spec.alerts.digests
    assert (digest.report, digest.kinds, ws.warnings) == ("lifecycle", [], [])


def test_the_weekday_may_be_written_in_full(workspace):
    ws = load_workspace(workspace(DIGEST.replace("weekday: mon", "weekday: Monday")))
    assert ws.spec.alerts.digests[0].weekday == "mon"


def test_a_misspelt_weekday_is_named_at_its_line_with_did_you_mean(workspace):
    root = workspace(DIGEST.replace("weekday: mon", "weekday: mondy"))
    (msg,) = problems(root)
    assert msg.startswith(f"baton.yaml:{line_of(root, 'mondy')}: alerts.digests[0].weekday")
    assert "'mondy' is not a day of the week (did you mean 'monday'?)" in msg
    assert "mon, tue, wed, thu, fri, sat or sun" in msg


def test_a_time_that_is_not_hh_mm_is_named_at_its_line(workspace):
    root = workspace(DIGEST.replace('at: "09:00"', 'at: "9:75"'))
    (msg,) = problems(root)
    assert msg.startswith(f"baton.yaml:{line_of(root, '9:75')}: alerts.digests[0].at")
    assert "'9:75' is not a time of day HH:MM" in msg and "e.g. 09:00" in msg


def test_an_unknown_calendar_person_or_role_is_named_with_did_you_mean(workspace):
    root = workspace(
        DIGEST.replace("calendar: americas", "calendar: amercas").replace(
            "to: [vp-sales]", 'to: [vp-sale, "role:marketng"]'
        )
    )
    msgs = problems(root)
    assert f"baton.yaml:{line_of(root, 'amercas')}: alerts.digests[0].calendar" in msgs[-1]
    assert any("unknown calendar 'amercas' (did you mean 'americas'?)" in m for m in msgs)
    assert any("to[0]: unknown person 'vp-sale' (did you mean 'vp-sales'?)" in m for m in msgs)
    assert any("to[1]: unknown role 'marketng' (did you mean 'marketing'?)" in m for m in msgs)


def test_an_unknown_report_is_refused_naming_the_one_there_is(workspace):
    (msg,) = problems(workspace(DIGEST.replace("report: lifecycle", "report: funnel")))
    assert "alerts.digests[0].report" in msg and "lifecycle" in msg


def test_a_digest_with_neither_kinds_nor_a_report_is_refused(workspace):
    (msg,) = problems(workspace(DIGEST.replace("      report: lifecycle\n", "")))
    assert "alerts.digests[0].kinds" in msg and "report: lifecycle" in msg


def test_a_role_nobody_holds_is_a_warning_not_a_silent_empty_digest(workspace):
    ws = load_workspace(workspace(DIGEST.replace("to: [vp-sales]", 'to: ["role:marketing"]')))
    (warning,) = [str(w) for w in ws.warnings]
    assert "no active person is in role:marketing" in warning and "to[0]" in warning


# ---- the schedule in business time -------------------------------------------------------

NEW_YORK = "America/New_York"
WEEKDAYS_9_TO_5 = {d: [(time(9), time(17))] for d in range(5)}


def calendar(*holidays: date) -> BusinessCalendar:
    return BusinessCalendar(NEW_YORK, WEEKDAYS_9_TO_5, HolidaySet(dates=frozenset(holidays)))


def test_the_slot_is_due_at_its_exact_instant_not_a_microsecond_before():
    slot = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 09:00 EST
    before = due_slots(slot - timedelta(microseconds=1), "mon", "09:00", NEW_YORK, calendar())
    assert before == []
    assert due_slots(slot, "mon", "09:00", NEW_YORK, calendar()) == [("2026-W48", slot)]


def test_a_monday_holiday_moves_the_digest_to_tuesday_at_opening():
    cal = calendar(date(2026, 11, 30))
    monday_noon = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert due_slots(monday_noon, "mon", "09:00", NEW_YORK, cal) == []
    tuesday = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert due_slots(tuesday, "mon", "09:00", NEW_YORK, cal) == [("2026-W49", tuesday)]


def test_a_friday_evening_slot_moved_to_monday_is_sent_monday_not_skipped():
    monday_open = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    weekend = monday_open - timedelta(seconds=1)
    assert due_slots(weekend, "fri", "18:00", NEW_YORK, calendar()) == []
    assert due_slots(monday_open, "fri", "18:00", NEW_YORK, calendar()) == [
        ("2026-W48", monday_open)
    ]


def test_the_slot_keeps_its_local_time_in_the_week_clocks_fall_back():
    cal = calendar()
    last_week = due_slots(datetime(2026, 10, 26, 20, tzinfo=UTC), "mon", "09:00", NEW_YORK, cal)
    this_week = due_slots(datetime(2026, 11, 2, 20, tzinfo=UTC), "mon", "09:00", NEW_YORK, cal)
    assert [s.hour for _, s in last_week + this_week] == [13, 14]  # 09:00 EDT, then EST


def test_a_digest_of_a_week_reports_the_iso_week_before_it():
    assert week_before("2026-W49") == ("2026-W48", date(2026, 11, 23))
    assert week_before("2027-W01") == ("2026-W53", date(2026, 12, 28))


# ---- rendering ---------------------------------------------------------------------------

REPORT = {
    "kind": "lifecycle",
    "week": "2026-W47",
    "since": "2026-11-16T05:00:00Z",
    "until": "2026-11-23T05:00:00Z",
    "timezone": NEW_YORK,
    "first_day": "2026-11-16",
    "last_day": "2026-11-22",
    "as_of": "2026-11-23T14:00:00Z",
    "names": {"mql": "MQL", "sal": "Accepted", "sql": "SQL", "opportunity": "Opportunity"}
    | {"won": "Won"},
    "mqls": 40,
    "acceptance": {"key": "all", "mql": 40, "sal": 26, "sql": 9}
    | {"acceptance_rate": 0.65, "sql_rate": 0.225},
    "funnel": [
        {"stage": "mql", "name": "MQL", "leads": 40, "rate": None},
        {"stage": "sal", "name": "Accepted", "leads": 26, "rate": 0.65},
        {"stage": "sql", "name": "SQL", "leads": 9, "rate": 0.3462},
        {"stage": "opportunity", "name": "Opportunity", "leads": 4, "rate": 0.4444},
        {"stage": "won", "name": "Won", "leads": 1, "rate": 0.25},
    ],
    "mql_to_won": 0.025,
    "rejections": 20,
    "reasons": [
        {"reason": "not a fit <ICP>", "rejections": 11, "share": 0.55, "flagged": True},
        {"reason": "no response", "rejections": 9, "share": 0.45, "flagged": False},
    ],
    "flagged_reasons": ["not a fit <ICP>"],
    "reason_limit": 0.4,
    "reason_sample": {"size": 20, "needed": 20, "enough": True},
    "recycled": 12,
    "recycled_automatically": 9,
    "leakage": {"since": "2026-10-26T04:00:00Z", "until": "2026-11-23T05:00:00Z"}
    | {"first_day": "2026-10-26", "after_seconds": 604800.0, "mqls": 150, "leaked": 18}
    | {"share": 0.12, "flagged": True, "limit": 0.1}
    | {"sample": {"size": 150, "needed": 20, "enough": True}},
}
DIGEST_ALERT = {
    "id": 5,
    "kind": "digest.weekly",
    "idempotency_key": "digest.weekly:mops-weekly:2026-W48:mops",
    "role": "cc",
    "entity": "digest",
    "entity_id": "mops-weekly",
    "recipient_id": "mops",
    "subject": "Lifecycle 2026-W47: MQL 40, Accepted 65%, SQL 22% — mops-weekly, week 2026-W48",
    "content": {"title": "mops-weekly, week 2026-W48", "items": [], "count": 0, "report": REPORT},
}
MORGAN = {"id": "mops", "name": "Morgan Lee", "email": "morgan@acme.example"}
MARIA = {"id": "maria", "name": "Maria Chen", "email": "maria@acme.example"}


def test_the_report_reads_the_same_in_text_html_and_slack_in_the_workspaces_words():
    message = Renderer().render(DIGEST_ALERT, MORGAN)
    assert "  Accepted         26   65% of MQL" in message.text
    assert "  not a fit <ICP>             11   55%  FLAG: over 40% of rejections" in message.text
    assert "Recycled to Marketing: 12 (9 by Baton for no response)" in message.text
    assert "Leakage: 18 of 150 MQLs (12%) handed to Sales and still untouched — FLAG" in (
        message.text
    )
    assert "more than 7 days ago" in message.text and "0 alerts" not in message.text
    assert "<td>not a fit &lt;ICP&gt;</td>" in message.html  # escaped
    assert "Flag: over 40% of rejections" in message.html and "<h1" in message.html
    assert "Accepted *26* (65%)" in message.slack_text
    assert "not a fit &lt;ICP&gt; 11 (55%) :warning:" in message.slack_text


def test_in_silent_mode_the_html_says_who_the_digest_was_meant_for():
    message = Renderer().render(DIGEST_ALERT, MARIA, {**MORGAN, "role": "cc"})
    notice = "[Silent mode] This alert was meant for Morgan Lee (cc); it came to you instead."
    assert message.html.startswith(f'<p class="silent"><strong>{notice}</strong></p>')
    assert message.text.startswith(notice) and message.subject.startswith("[silent] ")


def test_a_digest_without_a_report_stays_plain_text_and_lists_its_alerts():
    plain = {**DIGEST_ALERT, "content": {"title": "t", "count": 1, "items": [{"subject": "x"}]}}
    message = Renderer().render(plain, MORGAN)
    assert message.html == "" and message.text.startswith("1 alerts — t:")


def test_a_workspace_override_of_the_email_text_wins_over_the_package_html():
    message = Renderer({"digest.weekly": {"email": "Week {{ report.week }}"}}).render(
        DIGEST_ALERT, MORGAN
    )
    assert (message.text, message.html) == ("Week 2026-W47\n", "")
