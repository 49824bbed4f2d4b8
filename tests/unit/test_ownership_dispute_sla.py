"""The disputes' resolution SLA, pure (issue 13 item 6): a reminder from ``remind_before`` the
due instant, the due instant included; overdue the moment after; each notice once per level;
an overdue dispute escalates to the final arbiter or is flagged, as configured; and the
``ownership.disputes`` settings checked by ``baton check`` at their line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from baton.domain.ownership import DisputeSla, Escalation, OverdueAction
from baton.domain.ownership.disputes import Notice, sla_action
from baton.workspace.ownership_compile import compile_ownership
from tests.unit.test_ownership_workspace import load, problems

ESC = Escalation(path=("manager", "maria"), arbiter="vp-sales", resolve_within=timedelta(days=5))
SLA = DisputeSla(remind_before=timedelta(days=1))
DUE = datetime(2026, 11, 6, 17, 0, tzinfo=UTC)  # a Friday
TICK = timedelta(microseconds=1)


def test_no_notice_a_moment_before_the_reminder_is_due():
    assert sla_action(ESC, SLA, DUE, 0, set(), DUE - timedelta(days=1) - TICK) is None


def test_the_holder_is_reminded_at_the_exact_reminder_instant():
    action = sla_action(ESC, SLA, DUE, 0, set(), DUE - timedelta(days=1))
    assert action is not None
    assert (action.notice, action.level, action.escalates) == (Notice.REMINDER, 0, False)
    assert action.why == f"due {DUE.isoformat()}: 24 h left to resolve it"


def test_a_reminder_is_given_once_per_level():
    sent = {(0, Notice.REMINDER)}
    assert sla_action(ESC, SLA, DUE, 0, sent, DUE - timedelta(hours=2)) is None
    after_escalation = sla_action(ESC, SLA, DUE, 1, sent, DUE - timedelta(hours=2))
    assert after_escalation is not None and after_escalation.level == 1


def test_the_due_instant_is_due_not_yet_overdue():
    action = sla_action(ESC, SLA, DUE, 0, {(0, Notice.REMINDER)}, DUE)
    assert action is None
    action = sla_action(ESC, SLA, DUE, 0, set(), DUE)
    assert action is not None and action.notice is Notice.REMINDER


def test_a_moment_after_due_it_escalates_to_the_final_arbiter():
    action = sla_action(ESC, SLA, DUE, 0, {(0, Notice.REMINDER)}, DUE + TICK)
    assert action is not None
    assert (action.notice, action.level, action.escalates) == (Notice.OVERDUE, 2, True)
    assert "escalated to the final arbiter" in action.why
    assert sla_action(ESC, SLA, DUE, 2, {(2, Notice.OVERDUE)}, DUE + timedelta(days=3)) is None


def test_with_the_arbiter_already_or_flag_configured_an_overdue_dispute_is_flagged():
    at_top = sla_action(ESC, SLA, DUE, 2, set(), DUE + timedelta(days=3))
    assert at_top is not None and not at_top.escalates and at_top.level == 2
    assert at_top.why.endswith("(3 days late): flagged overdue")
    flag = DisputeSla(timedelta(days=1), OverdueAction.FLAG)
    flagged = sla_action(ESC, flag, DUE, 0, set(), DUE + timedelta(hours=1))
    assert flagged is not None and (flagged.level, flagged.escalates) == (0, False)
    assert sla_action(ESC, flag, DUE, 0, {(0, Notice.OVERDUE)}, DUE + timedelta(days=9)) is None


def test_an_overdue_dispute_is_not_reminded_after_it_was_flagged():
    sent = {(0, Notice.OVERDUE)}
    assert sla_action(ESC, SLA, DUE, 0, sent, DUE + timedelta(hours=5)) is None


def test_no_reminder_when_remind_before_is_zero():
    none = DisputeSla(timedelta(0))
    assert sla_action(ESC, none, DUE, 0, set(), DUE) is None
    assert sla_action(ESC, none, DUE, 0, set(), DUE + TICK) is not None


def test_the_disputes_settings_have_defaults_and_are_checked_at_their_line(tmp_path):
    ws = load(tmp_path, "ownership: {}\n")
    rules = compile_ownership(ws.spec)[0].rules
    assert rules.disputes == DisputeSla(timedelta(days=1), OverdueAction.ESCALATE)
    msgs = problems(
        tmp_path,
        """\
        ownership:
          escalation: {resolve_within: 2d}
          disputes:
            remind_before: 2d
            when_overdue: shout
        """,
    )
    assert len(msgs) == 1 and "baton.yaml:17" in msgs[0] and "'escalate' or 'flag'" in msgs[0]
    msgs = problems(
        tmp_path,
        "ownership:\n  escalation: {resolve_within: 2d}\n  disputes:\n    remind_before: 2d\n",
    )
    assert len(msgs) == 1 and msgs[0].startswith("baton.yaml:16: ownership.disputes.remind_before")
    assert "e.g. 1d, or 0d for no reminder" in msgs[0]
