"""Rules of engagement, pure (playbook 000, 2d): protected accounts block unauthorised
changes; legitimate changes (override, segment handoff, arbiter) pass and say who and why;
deal registration and cooling-off protect for their windows, to the exact instant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from baton.domain.ownership import (
    AccountFacts,
    ExceptionKind,
    NamedAccounts,
    OpportunityFacts,
    OwnerChange,
    OwnershipRules,
    Rule,
    check_owner_change,
    cooling_off_breach,
    duplicate_outreach,
    timed_out,
)
from baton.domain.ownership.rules import Escalation

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
RULES = OwnershipRules(escalation=Escalation(path=("manager",), arbiter="vp-sales"))
NAMED = AccountFacts(id=7, owner_id="ana", named=True, segment="SMB")


def change(**kw: object) -> OwnerChange:
    base = OwnerChange("account", 7, "ana", "bob", account=NAMED)
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_protected_accounts_owner_cannot_be_changed_by_a_rep() -> None:
    verdict = check_owner_change(RULES, change(), NOW)
    assert not verdict.allowed
    assert verdict.rule is Rule.NAMED_ACCOUNT


def test_the_block_says_which_rule_and_what_to_do() -> None:
    verdict = check_owner_change(RULES, change(), NOW)
    assert verdict.message == (
        "This account is protected under Named Account rules. Contact your manager to request "
        "ownership transfer."
    )
    assert [s.outcome for s in verdict.steps] == ["protects", "blocks"]
    assert "flagged named" in verdict.steps[0].why


def test_a_manager_may_override_recorded_with_who_and_why() -> None:
    c = change(
        exception=ExceptionKind.MANAGER_OVERRIDE,
        approved_by="maria",
        approver_role="manager",
        reason="Ana moved to partnerships",
    )
    verdict = check_owner_change(RULES, c, NOW)
    assert verdict.allowed and verdict.recorded
    assert verdict.exception is ExceptionKind.MANAGER_OVERRIDE
    assert "maria" in verdict.message and "Ana moved to partnerships" in verdict.message
    assert verdict.steps[-1].values["by"] == "maria"


def test_an_override_by_a_rep_or_without_a_reason_is_still_blocked() -> None:
    by_rep = change(
        exception=ExceptionKind.MANAGER_OVERRIDE,
        approved_by="carl",
        approver_role="ae",
        reason="I want it",
    )
    no_reason = change(
        exception=ExceptionKind.MANAGER_OVERRIDE,
        approved_by="maria",
        approver_role="manager",
        reason=" ",
    )
    for c in (by_rep, no_reason):
        verdict = check_owner_change(RULES, c, NOW)
        assert not verdict.allowed and verdict.rule is Rule.NAMED_ACCOUNT
        assert verdict.message.startswith("This account is protected under Named Account rules")


def test_the_final_arbiters_decision_passes_and_nobody_elses() -> None:
    ok = change(exception=ExceptionKind.ARBITER_DECISION, approved_by="vp-sales", reason="x")
    other = replace(ok, approved_by="maria")
    assert check_owner_change(RULES, ok, NOW).allowed
    assert not check_owner_change(RULES, other, NOW).allowed


def test_a_segment_handoff_up_the_order_passes_and_sideways_does_not() -> None:
    up = change(
        exception=ExceptionKind.SEGMENT_HANDOFF,
        new_segment="MM",
        approved_by="sys",
        reason="grew to 300 employees",
    )
    verdict = check_owner_change(RULES, up, NOW)
    assert verdict.allowed and verdict.exception is ExceptionKind.SEGMENT_HANDOFF
    down = replace(up, account=replace(NAMED, segment="ENT"), new_segment="MM")
    assert not check_owner_change(RULES, down, NOW).allowed


def test_an_unprotected_account_changes_hands_and_nothing_is_recorded() -> None:
    verdict = check_owner_change(RULES, change(account=replace(NAMED, named=False)), NOW)
    assert verdict.allowed and not verdict.recorded


def test_named_by_list_by_condition_and_through_the_parent() -> None:
    plain = replace(NAMED, named=False)
    listed = OwnershipRules(named=NamedAccounts(accounts=frozenset({7})))
    assert not check_owner_change(listed, change(account=plain), NOW).allowed
    by_segment = OwnershipRules(named=NamedAccounts(segments=frozenset({"smb"})))
    assert not check_owner_change(by_segment, change(account=plain), NOW).allowed
    child = AccountFacts(id=8, owner_id="ana", parent=NAMED)
    verdict = check_owner_change(RULES, change(record_id=8, account=child), NOW)
    assert not verdict.allowed and "its parent is protected" in verdict.steps[0].why


def test_an_open_opportunity_on_a_named_account_is_protected_too() -> None:
    c = change(entity="opportunity", record_id=3, opportunity=OpportunityFacts(3))
    verdict = check_owner_change(RULES, c, NOW)
    assert verdict.message.startswith("This opportunity's account is protected")


def test_a_partner_registered_deal_is_protected_for_its_window() -> None:
    registered = NOW - timedelta(days=30)
    opp = OpportunityFacts(3, partner="Acme Partners", registered_at=registered)
    c = OwnerChange("opportunity", 3, "ana", "bob", opportunity=opp)
    verdict = check_owner_change(RULES, c, NOW)
    assert not verdict.allowed and verdict.rule is Rule.DEAL_REGISTRATION
    assert "Acme Partners" in verdict.message and "Contact your manager" in verdict.message


def test_deal_registration_ends_at_the_exact_end_of_its_window() -> None:
    registered = NOW - timedelta(days=90)  # the default window
    opp = OpportunityFacts(3, partner="Acme", registered_at=registered)
    c = OwnerChange("opportunity", 3, "ana", "bob", opportunity=opp)
    assert check_owner_change(RULES, c, NOW).allowed
    assert not check_owner_change(RULES, c, NOW - timedelta(microseconds=1)).allowed


def test_cooling_off_after_closed_lost_keeps_other_reps_out_until_its_end() -> None:
    lost = NOW - timedelta(days=10)
    acc = AccountFacts(id=9, owner_id="ana", lost_at=lost, lost_owner_id="ana")
    c = OwnerChange("account", 9, "ana", "bob", account=acc)
    verdict = check_owner_change(RULES, c, NOW)
    assert not verdict.allowed and verdict.rule is Rule.COOLING_OFF
    assert "Cooling-Off Period" in verdict.message
    end = lost + timedelta(days=90)
    assert check_owner_change(RULES, c, end).allowed
    assert not check_owner_change(RULES, c, end - timedelta(seconds=1)).allowed
    back_to_owner = replace(c, old_owner="carl", new_owner="ana")
    assert check_owner_change(RULES, back_to_owner, NOW).allowed


def test_a_timeout_fires_after_x_idle_days_at_the_exact_instant() -> None:
    last = NOW - timedelta(days=60)
    assert timed_out(RULES, last, NOW).hit
    assert not timed_out(RULES, last, NOW - timedelta(seconds=1)).hit


def test_cooling_off_engagement_and_duplicate_outreach_windows() -> None:
    lost = NOW - timedelta(days=5)
    assert cooling_off_breach(RULES, lost, "ana", "bob", NOW).hit
    assert not cooling_off_breach(RULES, lost, "ana", "ana", NOW).hit
    assert duplicate_outreach(RULES, ("ana", NOW - timedelta(days=13)), ("bob", NOW)).hit
    assert not duplicate_outreach(RULES, ("ana", NOW - timedelta(days=14)), ("bob", NOW)).hit
    assert not duplicate_outreach(RULES, ("ana", NOW - timedelta(days=1)), ("ana", NOW)).hit


def test_every_rule_reads_as_an_if_then_sentence() -> None:
    sentences = RULES.sentences()
    assert {r for r, _, _ in sentences} == set(Rule)
    for _, _, sentence in sentences:
        assert sentence.startswith("IF ") and ", THEN " in sentence
    assert "60 days" in dict((r, s) for r, _, s in sentences)[Rule.OWNERSHIP_TIMEOUT]


def test_a_dispute_climbs_the_path_to_the_final_arbiter_and_is_due_on_time() -> None:
    from baton.domain.ownership.disputes import handler_at, overdue, resolution_due

    esc = Escalation(path=("manager", "maria"), arbiter="vp-sales")
    assert [handler_at(esc, i).who for i in range(3)] == ["manager", "maria", "vp-sales"]
    assert handler_at(esc, 2).arbiter and not handler_at(esc, 1).arbiter
    due = resolution_due(esc, NOW)
    assert due == NOW + timedelta(days=5)
    assert not overdue(esc, NOW, due) and overdue(esc, NOW, due + timedelta(seconds=1))


def test_an_outcome_names_a_claimant_and_a_split_adds_up_to_100() -> None:
    from baton.domain.ownership.disputes import Outcome, check_outcome

    claimants = ("ana", "bob")
    assert check_outcome(Outcome.KEEP, claimants, None, None) == []
    assert check_outcome(Outcome.TRANSFER, claimants, "bob", None) == []
    assert check_outcome(Outcome.TRANSFER, claimants, "carl", None)
    assert check_outcome(Outcome.SPLIT, claimants, None, {"ana": 70, "bob": 30}) == []
    problems = check_outcome(Outcome.SPLIT, claimants, None, {"ana": 70, "bob": 0})
    assert "every share is more than 0 %" in problems
    assert "the shares add up to 70 %, not 100 %" in problems
