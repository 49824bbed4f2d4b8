"""The lead page's status form: the moves the live workspace allows from the lead's status,
named as the team names them, and the short list a rejection picks its reason from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from baton.domain.lifecycle import REJECTIONS, LifecyclePolicy
from baton.domain.records import LeadStatus
from baton.services.live import live_workspace

NOTE_LIMIT = 2000


@dataclass(frozen=True)
class Choice:
    status: str
    name: str


@dataclass(frozen=True)
class StatusMoves:
    """What the form offers: forward moves as buttons, rejections beside a reason picker."""

    current: str
    forward: list[Choice]
    rejections: list[Choice]
    reasons: tuple[str, ...]


@dataclass
class MoveForm:
    """A refused or invalid move, shown again: errors by field, what was sent."""

    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def policy_of(conn: Connection) -> LifecyclePolicy:
    live = live_workspace(conn)
    return live.lifecycle.policy if live is not None else LifecyclePolicy()


def status_moves(conn: Connection, status: str) -> StatusMoves:
    policy = policy_of(conn)
    current = LeadStatus(status)
    allowed = [Choice(s.value, policy.name(s)) for s in policy.allowed(current)]
    return StatusMoves(
        policy.name(current),
        [c for c in allowed if LeadStatus(c.status) not in REJECTIONS],
        [c for c in allowed if LeadStatus(c.status) in REJECTIONS],
        policy.reasons,
    )


def read_move_form(form: Any) -> tuple[str, str | None, str | None, MoveForm]:
    """(status, reason, note) from the posted form, and the problems found before trying:
    an unknown status, a note too long. A reason is kept for rejections only."""
    values = {k: str(form.get(k) or "").strip() for k in ("status", "reason", "note")}
    problems = MoveForm(values=values)
    status = values["status"]
    if status not in {s.value for s in LeadStatus}:
        problems.errors["status"] = f"'{status}' is not a status; pick one of the buttons"
    elif len(values["note"]) > NOTE_LIMIT:
        problems.errors["note"] = f"at most {NOTE_LIMIT} characters ({len(values['note'])} sent)"
    rejection = status in {s.value for s in REJECTIONS}
    reason = values["reason"] if rejection and values["reason"] else None
    return status, reason, values["note"] or None, problems


def moved_message(conn: Connection, lead_id: int, from_status: str, to_status: str) -> str:
    policy = policy_of(conn)
    before, after = (policy.name(LeadStatus(s)) for s in (from_status, to_status))
    return f"Lead {lead_id} moved from {before} to {after}."
