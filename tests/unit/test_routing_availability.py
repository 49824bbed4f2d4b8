"""Who in a pool can take a lead now: the one loop both routing ports share."""

from __future__ import annotations

from baton.domain.routing.availability import unavailable_members
from baton.domain.routing.roundrobin import MemberState


def test_only_members_with_a_reason_are_unavailable_each_asked_once_in_pool_order():
    members = tuple(MemberState(pid, position=i) for i, pid in enumerate(("sam", "priya", "lee")))
    asked: list[str] = []
    reasons = {"sam": "inactive", "lee": "at capacity (3 open)"}

    def why_not(person_id: str) -> str | None:
        asked.append(person_id)
        return reasons.get(person_id)

    unavailable = unavailable_members(members, why_not)
    assert list(unavailable.items()) == [("sam", "inactive"), ("lee", "at capacity (3 open)")]
    assert asked == ["sam", "priya", "lee"]


def test_an_empty_pool_has_nobody_unavailable():
    assert unavailable_members((), lambda person_id: "inactive") == {}
