"""The vocabulary of the records Baton keeps: where a lead is in the funnel, what kind of
touch an activity was. Stored as their values, so a status read back is a plain string
that compares equal to its member."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["OPEN_STATUSES", "ActivityKind", "LeadStatus"]


class LeadStatus(StrEnum):
    NEW = "new"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    RECYCLED = "recycled"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"

    @property
    def is_open(self) -> bool:
        """Still being worked by its owner (see ``OPEN_STATUSES``)."""
        return self in OPEN_STATUSES


# A lead in one of these is still being worked: it counts against its owner's capacity
# (max_open), and a departing owner's open leads are routed again.
OPEN_STATUSES: frozenset[LeadStatus] = frozenset({LeadStatus.NEW, LeadStatus.MQL, LeadStatus.SAL})


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    LINKEDIN = "linkedin"
    MEETING = "meeting"
