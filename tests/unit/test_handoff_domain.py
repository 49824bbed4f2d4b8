"""The handoff policy (playbook 003), pure: tiers, the gate, escalation in business time,
completion — in the playbook's words first."""

from datetime import UTC, datetime, time, timedelta

import pytest

from baton.domain.calendar import BusinessCalendar
from baton.domain.handoff import (
    Deal,
    FieldType,
    HandoffField,
    HandoffState,
    LightVariation,
    Variation,
    changes,
    default_policy,
    escalation_due,
    first_touch_verdict,
    gate,
    progress,
    should_escalate,
    tier_of,
)

POLICY = default_policy()
FULL_SMB = {
    "customer_goals": "cut onboarding time by half",
    "stakeholders": ["Ana (champion)", "Raj (admin)"],
    "scope": "50 seats, onboarding package",
    "communication_preferences": "email, weekly",
}


def deal(**kw) -> Deal:
    return Deal(**{"stage": "Closed Won", **kw})


def test_a_deal_cannot_be_closed_won_without_customer_goals():
    verdict = gate(POLICY, deal(segment="SMB", handoff={**FULL_SMB, "customer_goals": ""}))
    assert not verdict.passed
    assert [m.field.name for m in verdict.missing] == ["customer_goals"]
    assert "want" in verdict.missing[0].field.help  # the help text tells the rep what to write


def test_a_smb_deal_with_its_fields_passes_the_low_touch_gate():
    verdict = gate(POLICY, deal(segment="SMB", amount=12_000, handoff=FULL_SMB))
    assert verdict.passed
    assert verdict.tier == "low-touch"
    assert verdict.why[-1] == "all 4 required fields present"


def test_an_enterprise_deal_is_high_touch_and_needs_risks_and_success_criteria():
    verdict = gate(POLICY, deal(segment="Enterprise", handoff=FULL_SMB))
    assert verdict.tier == "high-touch"
    assert [m.field.name for m in verdict.missing] == ["risks", "success_criteria"]
    assert "tier high-touch: segment Enterprise is high-touch" in verdict.why


def test_a_large_amount_makes_a_deal_high_touch_whatever_its_segment():
    tier, why = tier_of(POLICY, deal(segment="SMB", amount=80_000))
    assert tier.name == "high-touch" and tier.live_call
    assert why == "amount 80,000 ≥ 50,000"


def test_renewals_and_upsells_take_a_lighter_variation():
    verdict = gate(POLICY, deal(segment="SMB", extra={"type": "Renewal"}))
    assert verdict.variation is Variation.LIGHT
    assert [f.name for f in verdict.required] == ["customer_goals"]
    assert any("lighter variation" in w for w in verdict.why)


def test_a_renewal_stage_is_a_trigger_of_its_own():
    policy = POLICY.__class__(
        tiers=POLICY.tiers, light=LightVariation(stages=frozenset({"renewal won"}))
    )
    assert policy.triggers("Renewal Won") and policy.triggers("closed won")
    assert not policy.triggers("Negotiation")
    assert gate(policy, deal(stage="Renewal Won")).variation is Variation.LIGHT


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        (HandoffField("seats", FieldType.NUMBER), "fifty", "expected number, got 'fifty'"),
        (HandoffField("kickoff", FieldType.DATE), "next week", "expected date, got 'next week'"),
        (HandoffField("plan", FieldType.CHOICE, choices=("a", "b")), "c", "'c' is not one of a, b"),
        (HandoffField("stakeholders", FieldType.LIST), [], "missing"),
        (HandoffField("call_held", FieldType.BOOLEAN), False, None),  # answered: no
        (HandoffField("goals", FieldType.TEXT), "   ", "expected text, got '   '"),
    ],
)
def test_a_field_of_the_wrong_type_does_not_count_as_filled(field, value, problem):
    assert field.problem(value) == problem


def test_an_incomplete_handoff_escalates_after_business_hours_not_wall_clock():
    weekdays = BusinessCalendar("UTC", {d: [(time(9), time(17))] for d in range(5)})
    friday_4pm = datetime(2026, 12, 4, 16, tzinfo=UTC)
    due = escalation_due(weekdays, friday_4pm, timedelta(hours=8))
    assert due == datetime(2026, 12, 7, 16, tzinfo=UTC)  # Monday 4 pm, not Saturday
    assert should_escalate(HandoffState.OPEN, due, due - timedelta(minutes=1)) is None
    assert "still incomplete" in (should_escalate(HandoffState.OPEN, due, due) or "")
    assert should_escalate(HandoffState.COMPLETE, due, due) is None


def test_completion_is_fields_present_csm_assigned_and_summary_reviewed():
    reviewed = datetime(2026, 12, 3, tzinfo=UTC)
    assert progress((), "csm-1", reviewed, None).state is HandoffState.COMPLETE
    open_ = progress(("risks",), None, None, None)
    assert open_.state is HandoffState.OPEN
    assert open_.left == (
        "fields missing: risks",
        "no CSM assigned",
        "summary not reviewed by the CSM",
    )
    assert progress((), "csm-1", None, reviewed).state is HandoffState.ESCALATED


def test_a_reclose_says_what_changed():
    assert changes({"amount": 10, "scope": "x"}, {"amount": 12, "scope": "x", "risks": "y"}) == {
        "amount": [10, 12],
        "risks": [None, "y"],
    }


def test_the_first_touch_sla_runs_in_business_time_by_the_sla_engine():
    weekdays = BusinessCalendar("UTC", {d: [(time(9), time(17))] for d in range(5)})
    friday_4pm = datetime(2026, 12, 4, 16, tzinfo=UTC)
    monday_noon = datetime(2026, 12, 7, 12, tzinfo=UTC)
    running = first_touch_verdict(
        weekdays, timedelta(hours=8), friday_4pm, "carl", None, monday_noon
    )
    assert running is not None and running.state.value == "pending"
    assert running.due_at == datetime(2026, 12, 7, 16, tzinfo=UTC)
    late = first_touch_verdict(
        weekdays, timedelta(hours=8), friday_4pm, "carl", None, monday_noon + timedelta(hours=5)
    )
    assert late is not None and late.state.value == "miss"
    assert (
        first_touch_verdict(weekdays, timedelta(hours=8), friday_4pm, None, None, monday_noon)
        is None
    )
