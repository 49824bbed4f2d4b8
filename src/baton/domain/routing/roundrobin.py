"""Weighted round robin that stays fair through PTO, departures and new hires.

Each member has a *credit*: the leads they have been given in the current
cycle. The next lead goes to the eligible member whose load would be lowest
after taking it, ``(credit + 1) / weight`` (ties: the one served longest ago,
then pool order). With equal weights, credits never differ by more than one;
with weights they stay proportional within one lead per member per cycle.

A member who was skipped (out of office, inactive, at capacity, outside hours)
or who joins the pool rejoins *at the current level*: their credit is raised to
where the others are, so coming back from PTO does not earn a flood of
catch-up leads. Credits are stored in the database; this module only decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class MemberState:
    person_id: str
    weight: int = 1
    credit: int = 0
    behind: bool = False  # skipped or new since their last turn: rejoin at the current level
    last_assigned_at: datetime | None = None
    position: int = 0  # order in the pool definition


@dataclass(frozen=True)
class Availability:
    """Why a member can or cannot take a lead now (None = available)."""

    person_id: str
    reason: str | None


@dataclass(frozen=True)
class Pick:
    chosen: MemberState | None
    skipped: tuple[Availability, ...]
    new_states: tuple[MemberState, ...]  # the whole pool after the pick, to store

    @property
    def member(self) -> str | None:
        return self.chosen.person_id if self.chosen else None


def pick(members: tuple[MemberState, ...], unavailable: dict[str, str], now: datetime) -> Pick:
    """Choose the next member; ``unavailable`` maps person id → reason they are skipped."""
    skipped = tuple(
        Availability(m.person_id, unavailable[m.person_id])
        for m in members
        if m.person_id in unavailable
    )
    eligible = [m for m in members if m.person_id not in unavailable]
    if not eligible:
        flagged = tuple(replace(m, behind=True) for m in members)
        return Pick(None, skipped, flagged)
    level = _level(members, eligible)
    leveled = {m.person_id: _rejoin(m, level) if m.behind else m for m in eligible}
    chosen = min(
        leveled.values(),
        key=lambda m: (
            (m.credit + 1) / m.weight,
            m.last_assigned_at or datetime.min.replace(tzinfo=now.tzinfo),
            m.position,
        ),
    )
    chosen = replace(chosen, credit=chosen.credit + 1, last_assigned_at=now, behind=False)
    states = []
    for m in members:
        if m.person_id == chosen.person_id:
            states.append(chosen)
        elif m.person_id in unavailable:
            states.append(replace(m, behind=True))
        else:
            states.append(leveled[m.person_id])
    return Pick(chosen, skipped, tuple(states))


def _level(members: tuple[MemberState, ...], eligible: list[MemberState]) -> float:
    """The current level: the lowest load (credit / weight) among eligible members who kept
    their turns; when none did, the highest load in the pool, so nobody rejoins below an
    absent colleague."""
    steady = [m.credit / m.weight for m in eligible if not m.behind]
    return min(steady) if steady else max(m.credit / m.weight for m in members)


def _rejoin(member: MemberState, level: float) -> MemberState:
    return replace(member, credit=max(member.credit, int(level * member.weight)), behind=False)


def sync_members(
    current: tuple[MemberState, ...], wanted: list[tuple[str, int]]
) -> tuple[MemberState, ...]:
    """The pool after a membership or weight change.

    Newcomers join at the level of the members in step (not of someone away);
    a changed weight keeps the member's load (credit / weight), so doubling a
    weight does not hand them a run of catch-up leads.
    """
    by_id = {m.person_id: m for m in current}
    kept = [by_id[pid] for pid, _ in wanted if pid in by_id]
    steady = [m.credit / m.weight for m in kept if not m.behind]
    level = min(steady) if steady else max((m.credit / m.weight for m in kept), default=0.0)
    states = []
    for position, (pid, weight) in enumerate(wanted):
        old = by_id.get(pid)
        if old is None:
            states.append(MemberState(pid, weight, credit=int(level * weight), position=position))
        elif old.weight != weight:
            states.append(
                replace(
                    old,
                    weight=weight,
                    credit=round(old.credit / old.weight * weight),
                    position=position,
                )
            )
        else:
            states.append(replace(old, position=position))
    return tuple(states)


@dataclass(frozen=True)
class TeamRotation:
    """Who a team's round robin takes (a ``team`` target, or a pool made from a team).

    Its reps always; its managers only when the workspace says ``managers: include``.
    ``managers`` names them either way, so the trace and ``baton check`` can say who is
    left out.
    """

    team_id: str
    include_managers: bool
    members: tuple[str, ...]  # in rotation, in the people's order
    managers: tuple[str, ...] = ()  # the team's active members who are managers

    @property
    def left_out(self) -> tuple[str, ...]:
        return () if self.include_managers else self.managers

    @property
    def rule(self) -> str:
        """The setting in words: ``reps only`` or ``managers included``."""
        return "managers included" if self.include_managers else "reps only"


def team_rotation(
    team_id: str, people: Sequence[tuple[str, bool]], include_managers: bool
) -> TeamRotation:
    """A team's rotation from its active people, as ``(person id, is a manager)`` pairs."""
    managers = tuple(pid for pid, manager in people if manager)
    members = tuple(pid for pid, manager in people if include_managers or not manager)
    return TeamRotation(team_id, include_managers, members, managers)
