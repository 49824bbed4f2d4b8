"""The words of a routing flow: the kinds of node, where a node sends a record, how an
account is matched and what each step of a trace came to.

They are ``StrEnum``s: stored and shown as their values (``round_robin``, ``queue`` …),
so traces already in the database read back as equal to the members.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["MatchBy", "NodeKind", "StepOutcome", "TargetKind"]


class NodeKind(StrEnum):
    OVERRIDE = "override"  # keep the current owner when the record says so
    MATCH_ACCOUNT = "match_account"  # the owner of the record's (named) account
    BRANCH = "branch"  # a condition choosing between two lists of nodes
    TERRITORY = "territory"  # a territory table's most specific row
    ROUND_ROBIN = "round_robin"  # the next member of a pool
    ASSIGN = "assign"  # a fixed owner, team, pool or queue
    FALLBACK = "fallback"  # the last resort: what no other node claimed


class TargetKind(StrEnum):
    """Where a node sends a record; a team is its members' round robin."""

    OWNER = "owner"
    TEAM = "team"
    POOL = "pool"
    QUEUE = "queue"


class MatchBy(StrEnum):
    """What a record's account is matched by, in the order tried by default."""

    EMAIL_DOMAIN = "email_domain"
    WEBSITE = "website"
    COMPANY_NAME = "company_name"


class StepOutcome(StrEnum):
    """What one node visited came to, in the trace."""

    PASSED = "passed"  # a branch's condition held, a territory row matched
    FAILED = "failed"  # a condition did not hold, or nobody here could take the record
    ASSIGNED = "assigned"  # an owner or a queue: the flow stops
