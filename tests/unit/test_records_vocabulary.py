"""A lead's statuses and which of them are open, as the domain names them."""

from __future__ import annotations

import pytest

from baton.domain.records import OPEN_STATUSES, ActivityKind, LeadStatus


def test_new_mql_and_sal_leads_are_open_and_the_rest_are_not():
    assert {s for s in LeadStatus if s.is_open} == OPEN_STATUSES == {"new", "mql", "sal"}


@pytest.mark.parametrize(("stored", "is_open"), [("sal", True), ("sql", False)])
def test_a_status_read_back_from_the_database_as_text_is_open_like_its_member(stored, is_open):
    assert (stored in OPEN_STATUSES) is is_open
    assert LeadStatus(stored) == stored and LeadStatus(stored).is_open is is_open


def test_an_unknown_status_or_activity_kind_is_refused():
    with pytest.raises(ValueError):
        LeadStatus("won")
    with pytest.raises(ValueError):
        ActivityKind("fax")


def test_the_record_payloads_validate_with_the_domain_enums():
    from baton.services.records import payloads

    assert (payloads.LeadStatus, payloads.ActivityKind) == (LeadStatus, ActivityKind)
    assert payloads.LeadIn(email="ana@acme.com", status="sal").status is LeadStatus.SAL
