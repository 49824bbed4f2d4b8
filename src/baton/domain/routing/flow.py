"""Routing flows: ordered nodes evaluated top to bottom; the first node that assigns wins.

Every node visited leaves a ``Step`` in the trace, in words, with the values it
tested, so "why did Alice get this lead?" has an answer. The flow reads the
world through ``RoutingPorts`` (accounts, people, pool state); it writes
nothing — round-robin state changes come back in the ``Decision`` for the
caller to store (or to keep in memory for a dry run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from baton.domain.routing.conditions import Getter, Predicate
from baton.domain.routing.facts import RecordFacts
from baton.domain.routing.roundrobin import MemberState, TeamRotation, pick
from baton.domain.routing.territory import DIMENSIONS, TerritoryTable
from baton.domain.routing.vocabulary import MatchBy, NodeKind, StepOutcome, TargetKind


@dataclass(frozen=True)
class AccountMatch:
    account_id: int
    name: str
    owner_id: str | None
    named: bool
    matched_by: MatchBy
    key: str
    fields: dict[str, Any] = field(
        default_factory=dict
    )  # segment, employees, country, … to fill a lead's gaps


class RoutingPorts(Protocol):
    def match_account(self, facts: RecordFacts, by: tuple[MatchBy, ...]) -> AccountMatch | None: ...
    def person_problem(
        self, person_id: str, now: datetime
    ) -> str | None: ...  # None: can own records
    def person_note(
        self, person_id: str, now: datetime
    ) -> str | None: ...  # e.g. "out of office until Dec 3"
    def person_name(self, person_id: str) -> str: ...
    def person_manager(self, person_id: str) -> str | None: ...
    def pool_members(self, pool_id: str) -> tuple[MemberState, ...]: ...
    def unavailable(
        self, pool_id: str, members: tuple[MemberState, ...], now: datetime
    ) -> dict[str, str]: ...


@dataclass(frozen=True)
class Step:
    node: str
    kind: NodeKind
    outcome: StepOutcome
    words: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", TargetKind(self.kind))


@dataclass
class Decision:
    flow: str
    owner_id: str | None = None
    queue: str | None = None
    team_id: str | None = None
    pool_id: str | None = None
    node: str | None = None
    node_kind: NodeKind | None = None
    account: AccountMatch | None = None
    steps: list[Step] = field(default_factory=list)
    pool_updates: dict[str, tuple[MemberState, ...]] = field(default_factory=dict)

    @property
    def assigned(self) -> bool:
        return self.owner_id is not None or self.queue is not None

    @property
    def via_fallback(self) -> bool:
        return self.node_kind == NodeKind.FALLBACK


@dataclass(frozen=True)
class Node:
    label: str
    kind: NodeKind

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", NodeKind(self.kind))


@dataclass(frozen=True)
class Override(Node):
    pass


MANAGER = "manager"  # a named account's cover: its absent owner's manager


@dataclass(frozen=True)
class MatchAccount(Node):
    by: tuple[MatchBy, ...] = tuple(MatchBy)
    named_only: bool = True
    # who takes the lead while the account's owner is out of office: MANAGER (their
    # manager), a Target (a person, team, pool or queue), or None (the owner, noted)
    cover: Target | str | None = MANAGER

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "by", tuple(MatchBy(b) for b in self.by))


@dataclass(frozen=True)
class Branch(Node):
    predicate: Predicate = None  # type: ignore[assignment]
    then: tuple[Node, ...] = ()
    otherwise: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Territory(Node):
    table: TerritoryTable = None  # type: ignore[assignment]
    table_name: str = ""


@dataclass(frozen=True)
class Assign(Node):
    target: Target = None  # type: ignore[assignment]
    fallback_queue: str | None = (
        None  # for `fallback` with a pool: where to go when nobody is available
    )


@dataclass(frozen=True)
class Flow:
    name: str
    trigger: str
    nodes: tuple[Node, ...]
    when: Predicate | None = None
    uses: tuple[str, ...] = ()
    # pool id (``team:ID`` or a pool made from a team) → who its rotation takes, for the trace
    rotations: Mapping[str, TeamRotation] = field(default_factory=dict, compare=False)


class Router:
    """Evaluates one record through a flow with the given ports and instant."""

    def __init__(self, ports: RoutingPorts, now: datetime) -> None:
        self.ports = ports
        self.now = now
        self.rotations: Mapping[str, TeamRotation] = {}

    def route(self, flow: Flow, facts: RecordFacts) -> Decision:
        decision = Decision(flow=flow.name)
        self.rotations = flow.rotations
        self._run(flow.nodes, facts, decision)
        return decision

    def _run(self, nodes: tuple[Node, ...], facts: RecordFacts, d: Decision) -> bool:
        for node in nodes:
            handler = getattr(self, f"_node_{node.kind}")
            if handler(node, facts, d):
                d.node, d.node_kind = d.node or node.label, d.node_kind or node.kind
                return True
        return False

    def _node_override(self, node: Override, facts: RecordFacts, d: Decision) -> bool:
        if not facts.override_owner:
            d.steps.append(
                Step(node.label, node.kind, StepOutcome.FAILED, "override flag not set → continue")
            )
            return False
        if not facts.current_owner:
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    "override flag set but the record has no owner → continue",
                )
            )
            return False
        problem = self.ports.person_problem(facts.current_owner, self.now)
        if problem:
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    f"override flag set but the owner {self._name(facts.current_owner)} "
                    f"{problem} → continue",
                )
            )
            return False
        d.owner_id = facts.current_owner
        d.steps.append(
            Step(
                node.label,
                node.kind,
                StepOutcome.ASSIGNED,
                f"override flag set → keep current owner {self._name(facts.current_owner)}",
                {"owner": facts.current_owner},
            )
        )
        return True

    def _node_match_account(self, node: MatchAccount, facts: RecordFacts, d: Decision) -> bool:
        match = self.ports.match_account(facts, node.by)
        if match is None:
            tried = ", ".join(node.by)
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    f"no account matched by {tried} ({_facts_tried(facts)}) → continue",
                )
            )
            return False
        d.account = match
        found = (
            f"matched account {match.name} (#{match.account_id}) by {match.matched_by} {match.key}"
        )
        if node.named_only and not match.named:
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    f"{found}; not a named account → continue",
                    {"account_id": match.account_id},
                )
            )
            return False
        if not match.owner_id:
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    f"{found}; it has no owner → continue",
                    {"account_id": match.account_id},
                )
            )
            return False
        problem = self.ports.person_problem(match.owner_id, self.now)
        if problem:
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    f"{found}; owner {self._name(match.owner_id)} {problem} → continue",
                    {"account_id": match.account_id},
                )
            )
            return False
        away = self.ports.person_note(match.owner_id, self.now)
        if away and node.cover is not None:
            return self._cover(node, match, f"{found}; owner {self._name(match.owner_id)}", away, d)
        d.owner_id = match.owner_id
        d.steps.append(
            Step(
                node.label,
                node.kind,
                StepOutcome.ASSIGNED,
                f"{found} → account owner {self._name(match.owner_id)}{self._note(match.owner_id)}",
                {"account_id": match.account_id, "owner": match.owner_id},
            )
        )
        return True

    def _cover(
        self, node: MatchAccount, match: AccountMatch, found: str, away: str, d: Decision
    ) -> bool:
        """The named account's owner is away: the cover takes the lead (the account keeps
        its owner); a manager cover with no manager continues down the flow."""
        values = {"account_id": match.account_id, "away": match.owner_id}
        target = node.cover
        if target == MANAGER:
            manager = self.ports.person_manager(str(match.owner_id))
            if manager is None:
                words = f"{found} is {away} and has no manager to cover → continue"
                d.steps.append(Step(node.label, node.kind, StepOutcome.FAILED, words, values))
                return False
            target = Target(TargetKind.OWNER, manager)
            cover = f"their manager {self._name(manager)}"
        else:
            assert isinstance(target, Target)
            cover = f"{target.kind} {target.id}"
        words = f"{found} is {away} → cover: {cover}"
        d.steps.append(Step(node.label, node.kind, StepOutcome.PASSED, words, values))
        return self._to_target(node, target, d)

    def _node_branch(self, node: Branch, facts: RecordFacts, d: Decision) -> bool:
        test = node.predicate(_reader(facts, d))
        shown = ", ".join(f"{k} = {_show(v)}" for k, v in test.values.items())
        taken = node.then if test.passed else node.otherwise
        words = f"branch {node.label}: {test.text} ({shown}) → {'yes' if test.passed else 'no'}"
        d.steps.append(
            Step(
                node.label,
                node.kind,
                StepOutcome.PASSED if test.passed else StepOutcome.FAILED,
                words,
                {k: _jsonable(v) for k, v in test.values.items()},
            )
        )
        return self._run(taken, facts, d) if taken else False

    def _node_territory(self, node: Territory, facts: RecordFacts, d: Decision) -> bool:
        row = node.table.lookup(_reader(facts, d))
        if row is None:
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    f"territory {node.table_name}: "
                    f"no row matches ({_dims(_reader(facts, d))}) → continue",
                )
            )
            return False
        words = f"territory {node.table_name}: {row.describe()}"
        d.steps.append(Step(node.label, node.kind, StepOutcome.PASSED, words, row.where))
        return self._to_target(node, Target(row.target_kind, row.target), d)

    def _node_round_robin(self, node: Assign, facts: RecordFacts, d: Decision) -> bool:
        return self._to_target(node, node.target, d)

    def _node_assign(self, node: Assign, facts: RecordFacts, d: Decision) -> bool:
        return self._to_target(node, node.target, d)

    def _node_fallback(self, node: Assign, facts: RecordFacts, d: Decision) -> bool:
        if self._to_target(node, node.target, d):
            return True
        return (
            self._to_target(node, Target(TargetKind.QUEUE, node.fallback_queue), d)
            if node.fallback_queue
            else False
        )

    def _to_target(self, node: Node, target: Target, d: Decision) -> bool:
        if target.kind is TargetKind.QUEUE:
            d.queue = target.id
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.ASSIGNED,
                    f"{node.kind} → queue {target.id}",
                    {"queue": target.id},
                )
            )
            return True
        if target.kind is TargetKind.OWNER:
            problem = self.ports.person_problem(target.id, self.now)
            if problem:
                d.steps.append(
                    Step(
                        node.label,
                        node.kind,
                        StepOutcome.FAILED,
                        f"{node.kind}: owner {self._name(target.id)} {problem} → continue",
                    )
                )
                return False
            d.owner_id = target.id
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.ASSIGNED,
                    f"{node.kind} → {self._name(target.id)}{self._note(target.id)}",
                    {"owner": target.id},
                )
            )
            return True
        pool_id = f"team:{target.id}" if target.kind is TargetKind.TEAM else target.id
        if target.kind is TargetKind.TEAM:
            d.team_id = target.id
        return self._round_robin(node, pool_id, d)

    def _round_robin(self, node: Node, pool_id: str, d: Decision) -> bool:
        members = self.ports.pool_members(pool_id)
        unavailable = self.ports.unavailable(pool_id, members, self.now)
        result = pick(members, unavailable, self.now)
        skipped = "; ".join(
            f"skipped {self._name(s.person_id)} ({s.reason})" for s in result.skipped
        )
        d.pool_updates[pool_id] = result.new_states
        label = pool_id.replace("team:", "team ") + self._rotation_words(pool_id)
        if result.chosen is None:
            d.steps.append(
                Step(
                    node.label,
                    node.kind,
                    StepOutcome.FAILED,
                    f"round robin {label}: nobody available ({skipped or 'empty pool'}) → continue",
                    {"pool": pool_id},
                )
            )
            return False
        m = result.chosen
        weight = f"weight {m.weight}, " if m.weight != 1 else ""
        words = (
            f"round robin {label}: {skipped + ', ' if skipped else ''}"
            f"chose {self._name(m.person_id)} ({weight}{_ordinal(m.credit)} assignment this cycle)"
        )
        d.owner_id, d.pool_id = m.person_id, pool_id
        d.steps.append(
            Step(
                node.label,
                node.kind,
                StepOutcome.ASSIGNED,
                words,
                {
                    "pool": pool_id,
                    "owner": m.person_id,
                    "credit": m.credit,
                    "skipped": [s.person_id for s in result.skipped],
                },
            )
        )
        return True

    def _rotation_words(self, pool_id: str) -> str:
        """`` (reps only, not its manager Lukas)``: who a team's rotation leaves out, and why."""
        rotation = self.rotations.get(pool_id)
        if rotation is None:
            return ""
        team = "" if pool_id == f"team:{rotation.team_id}" else f"team {rotation.team_id}, "
        names = ", ".join(self._name(pid) for pid in rotation.managers)
        manager = "manager" if len(rotation.managers) == 1 else "managers"
        if not rotation.managers:
            return f" ({team}{rotation.rule})"
        if rotation.include_managers:
            return f" ({team}{rotation.rule}: {names})"
        return f" ({team}{rotation.rule}, not its {manager} {names})"

    def _name(self, person_id: str) -> str:
        return self.ports.person_name(person_id)

    def _note(self, person_id: str) -> str:
        note = self.ports.person_note(person_id, self.now)
        return f" (note: {note})" if note else ""


def _reader(facts: RecordFacts, d: Decision) -> Getter:
    """Field values as branches and territories see them: the record's own, with gaps filled
    from the matched account (a lead that does not say its size takes its account's)."""
    account = d.account.fields if d.account else {}

    def value(name: str) -> Any:
        if name == "extra":
            return facts.extra
        own = facts.get(name)
        return own if own not in (None, "") else account.get(name)

    return value


def _facts_tried(facts: RecordFacts) -> str:
    parts = [
        f"email domain {facts.email_domain or '—'}",
        f"website {facts.website_domain or '—'}",
        f"company {facts.get('company') or '—'}",
    ]
    return ", ".join(parts)


def _dims(value: Getter) -> str:
    return ", ".join(f"{d} {_show(value(d))}" for d in DIMENSIONS)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
