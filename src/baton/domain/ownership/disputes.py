"""Disputes over ownership (playbook 000): raised by reps, they climb the escalation path one
step at a time, and the final arbiter resolves them — keep, transfer, or split credit with
percentages. Pure: the path, the dispute and ``now`` come in; who handles it, when it is due
and whether an outcome is valid come out, with why in words."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from baton.domain.ownership.rules import DisputeSla, Escalation, OverdueAction


class DisputeState(StrEnum):
    OPEN = "open"  # at a step of the escalation path
    RESOLVED = "resolved"


class Outcome(StrEnum):
    KEEP = "keep"  # the owner stays
    TRANSFER = "transfer"  # ownership moves to a claimant
    SPLIT = "split"  # both keep a share of the credit


@dataclass(frozen=True)
class Handler:
    level: int  # 0 … len(path): the last level is the final arbiter
    who: str  # a person id, or a role still to be resolved to a person ("manager")
    arbiter: bool
    why: str


def handler_at(esc: Escalation, level: int) -> Handler:
    """Who handles a dispute at ``level`` of the escalation path."""
    steps = len(esc.path)
    if level < steps:
        step = esc.path[level]
        return Handler(level, step, False, f"step {level + 1} of the escalation path: {step}")
    who = esc.arbiter or "arbiter"
    return Handler(steps, who, True, f"the final arbiter: {who}")


def resolution_due(esc: Escalation, raised_at: datetime) -> datetime:
    return raised_at + esc.resolve_within


def overdue(esc: Escalation, raised_at: datetime, now: datetime) -> bool:
    """Past its resolution SLA (the exact instant counts as due, not yet overdue)."""
    return now > resolution_due(esc, raised_at)


class Notice(StrEnum):
    """What the resolution SLA owes an open dispute's holder, once per escalation level."""

    REMINDER = "reminder"  # from ``remind_before`` the due instant, the due instant included
    OVERDUE = "overdue"  # after the due instant


@dataclass(frozen=True)
class SlaAction:
    notice: Notice
    level: int  # the level the notice is for: the arbiter's when an overdue dispute escalates
    escalates: bool  # overdue and configured to escalate: it moves to the final arbiter
    why: str


def _span(span: timedelta) -> str:
    hours = span / timedelta(hours=1)
    return f"{hours / 24:g} days" if hours >= 48 else f"{hours:g} h"


def sla_action(
    esc: Escalation,
    sla: DisputeSla,
    due_at: datetime,
    level: int,
    sent: Collection[tuple[int, Notice]],
    now: datetime,
) -> SlaAction | None:
    """The notice an open dispute at ``level`` owes at ``now``, if any. ``sent`` holds the
    (level, notice) pairs already given: each is given once per level, and an overdue notice
    stands for the reminder too (a dispute found overdue is not reminded first)."""
    top = len(esc.path)
    if now > due_at:
        if (level, Notice.OVERDUE) in sent:
            return None
        late = f"overdue since {due_at.isoformat()} ({_span(now - due_at)} late)"
        if sla.when_overdue is OverdueAction.ESCALATE and level < top:
            return SlaAction(Notice.OVERDUE, top, True, f"{late}: escalated to the final arbiter")
        return SlaAction(Notice.OVERDUE, level, False, f"{late}: flagged overdue")
    remind_at = due_at - sla.remind_before
    if sla.remind_before <= timedelta(0) or now < remind_at:
        return None
    if (level, Notice.REMINDER) in sent or (level, Notice.OVERDUE) in sent:
        return None
    return SlaAction(
        Notice.REMINDER,
        level,
        False,
        f"due {due_at.isoformat()}: {_span(due_at - now)} left to resolve it",
    )


def check_outcome(
    outcome: Outcome,
    claimants: tuple[str, ...],
    new_owner: str | None,
    split: Mapping[str, float] | None,
) -> list[str]:
    """What is wrong with a resolution, in words (empty: it is valid)."""
    problems: list[str] = []
    if outcome is Outcome.TRANSFER and new_owner not in claimants:
        problems.append(
            f"a transfer names the new owner among the claimants ({', '.join(claimants)})"
        )
    if outcome is Outcome.SPLIT:
        shares = dict(split or {})
        if len(shares) < 2:
            problems.append("a split gives at least two people a share")
        unknown = sorted(set(shares) - set(claimants))
        if unknown:
            problems.append(f"{', '.join(unknown)} is not a claimant")
        if any(v <= 0 for v in shares.values()):
            problems.append("every share is more than 0 %")
        if abs(sum(shares.values()) - 100) > 1e-9:
            problems.append(f"the shares add up to {sum(shares.values()):g} %, not 100 %")
    return problems
