"""`baton roe replay` (issue 13 item 8; playbook 000 1c: "stress-test against past
disputes"): a past dispute judged by today's rules at the instant it was raised, beside what
happened; and a bad file refused whole, each error at its line with the fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from baton.domain.ownership import AccountFacts, OpportunityFacts, OwnershipRules
from baton.domain.ownership.disputes import Outcome
from baton.domain.ownership.replay import NowOutcome, PastDispute, replay
from baton.domain.ownership.rules import Rule
from baton.services.ownership.replay import ReplayFileError, replay_file

RULES = OwnershipRules()  # the defaults: named flag, 60 idle days, 90-day windows
RAISED = datetime(2026, 8, 3, 14, 0, tzinfo=UTC)


def past(outcome: Outcome = Outcome.TRANSFER, **facts) -> PastDispute:
    account = facts.pop("account", AccountFacts(12, "emma"))
    return PastDispute(
        "D-1",
        facts.pop("entity", "account"),
        facts.pop("raised_at", RAISED),
        "emma",
        "sam",
        account,
        facts.pop("opportunity", None),
        facts.pop("last_activity_at", None),
        facts.pop("new_segment", None),
        outcome,
    )


def test_a_named_account_stays_with_its_owner_where_history_transferred_it():
    r = replay(RULES, past(account=AccountFacts(12, "emma", named=True)))
    assert (r.outcome, r.rule, r.differs) == (NowOutcome.KEEP, Rule.NAMED_ACCOUNT, True)
    assert "protected under Named Account rules" in r.why
    same = replay(RULES, past(Outcome.KEEP, account=AccountFacts(12, "emma", named=True)))
    assert same.differs is False


def test_no_rule_deciding_leaves_it_to_the_arbiter_with_nothing_to_compare():
    r = replay(RULES, past())
    assert (r.outcome, r.differs) == (NowOutcome.ARBITER, None)
    assert r.why.startswith("no rule decides")


def test_an_owner_idle_past_the_timeout_would_have_lost_it_to_the_target_first():
    deal = {"entity": "opportunity", "opportunity": OpportunityFacts(301)}
    idle = past(Outcome.KEEP, last_activity_at=RAISED - timedelta(days=60), **deal)
    r = replay(RULES, idle)
    assert (r.outcome, r.rule, r.to, r.differs) == (
        NowOutcome.TRANSFER,
        Rule.OWNERSHIP_TIMEOUT,
        "the owner's manager",
        True,
    )
    a_second_later = RAISED - timedelta(days=60) + timedelta(seconds=1)
    assert replay(RULES, past(last_activity_at=a_second_later, **deal)).differs is None
    account = past(Outcome.KEEP, last_activity_at=RAISED - timedelta(days=90))
    assert replay(RULES, account).outcome is NowOutcome.ARBITER  # only deals time out here


def test_a_deal_registration_protects_until_the_exact_end_of_its_window():
    def on(registered_at: datetime) -> NowOutcome:
        opp = OpportunityFacts(301, True, "PartnerCo", registered_at)
        return replay(RULES, past(entity="opportunity", opportunity=opp)).outcome

    assert on(RAISED - timedelta(days=90) + timedelta(seconds=1)) is NowOutcome.KEEP
    assert on(RAISED - timedelta(days=90)) is NowOutcome.ARBITER


def test_a_segment_move_passes_it_to_the_claimant_as_history_did():
    account = AccountFacts(12, "emma", named=True, segment="SMB")
    r = replay(RULES, past(account=account, new_segment="MM"))
    assert (r.outcome, r.rule, r.to, r.differs) == (
        NowOutcome.TRANSFER,
        Rule.SEGMENT_HANDOFF,
        "sam",
        False,
    )


def test_the_claimant_inside_a_cooling_off_period_is_kept_out():
    account = AccountFacts(12, "emma", lost_at=RAISED - timedelta(days=10), lost_owner_id="emma")
    r = replay(RULES, past(Outcome.SPLIT, account=account))
    assert (r.outcome, r.rule, r.differs) == (NowOutcome.KEEP, Rule.COOLING_OFF, True)


HEADER = "dispute,entity,account_id,opportunity_id,raised_at,owner,claimant,named,outcome,note\n"


def test_a_file_is_read_in_the_workspace_zone_and_judged_row_by_row(tmp_path: Path):
    path = tmp_path / "disputes.csv"
    path.write_text(
        HEADER
        + "D-1,account,12,,2026-08-03,emma,sam,true,transfer,Sam sourced it\n"
        + "D-2,opportunity,12,301,2026-08-04 09:30,emma,sam,,keep,\n"
    )
    rows = replay_file(path, RULES, ZoneInfo("America/New_York"))
    assert [(r.line, r.dispute.label, r.now.outcome) for r in rows] == [
        (2, "D-1", NowOutcome.KEEP),
        (3, "D-2", NowOutcome.ARBITER),
    ]
    assert rows[1].dispute.raised_at == datetime(2026, 8, 4, 13, 30, tzinfo=UTC)
    assert rows[0].as_dict()["differs"] is True


def test_bad_rows_are_errors_at_their_line_with_the_fix_and_nothing_is_judged(tmp_path: Path):
    path = tmp_path / "disputes.csv"
    path.write_text(
        HEADER
        + "D-1,account,12,,2026-08-03,emma,sam,true,transfer,\n"
        + "D-2,acount,x,,last week,emma,,maybe,won,\n"
        + "D-3,opportunity,12,,2026-08-03,emma,sam,,keep,\n"
    )
    with pytest.raises(ReplayFileError) as info:
        replay_file(path, RULES, ZoneInfo("UTC"))
    msgs = [str(p) for p in info.value.problems]
    assert msgs == [
        "disputes.csv:3: account_id: 'x' is not a whole number (the account's id) — expected "
        "a whole number (the account's id), e.g. 12",
        "disputes.csv:3: claimant: is empty — expected the claimant's person id, e.g. sam-ortiz",
        "disputes.csv:3: entity: 'acount' is not account or opportunity — expected account or "
        "opportunity, e.g. opportunity",
        "disputes.csv:3: named: 'maybe' is not true or false — expected true or false, e.g. true",
        "disputes.csv:3: outcome: 'won' is not keep, transfer or split — expected keep, "
        "transfer or split, e.g. transfer",
        "disputes.csv:3: raised_at: 'last week' is not an ISO date or date and time — expected "
        "an ISO date or date and time, e.g. 2026-08-03 or 2026-08-03T14:00",
        "disputes.csv:4: opportunity_id: is empty for an opportunity — expected its id, e.g. 301",
    ]


def test_an_unknown_or_missing_column_is_named_at_line_1(tmp_path: Path):
    path = tmp_path / "disputes.csv"
    path.write_text(
        "entity,account_id,raised_at,owner,claimant,outcom\naccount,1,2026-08-03,a,b,keep\n"
    )
    with pytest.raises(ReplayFileError) as info:
        replay_file(path, RULES, ZoneInfo("UTC"))
    msgs = [str(p) for p in info.value.problems]
    assert len(msgs) == 2 and all(m.startswith("disputes.csv:1: ") for m in msgs)
    assert "unknown column 'outcom' (did you mean 'outcome'?)" in msgs[0] + msgs[1]
    assert "missing column 'outcome'" in msgs[0] + msgs[1]
