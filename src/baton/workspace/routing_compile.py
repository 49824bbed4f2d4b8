"""Check and compile the ``routing:`` section into domain flows, pools and territory tables.

The same compile runs at ``baton check`` (collecting every issue with its
location) and when a stored version is loaded to route (where it cannot fail,
since only checked versions are stored).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from baton.domain.routing.conditions import ConditionError, compile_condition
from baton.domain.routing.flow import (
    MANAGER,
    Assign,
    Branch,
    Flow,
    MatchAccount,
    Node,
    Override,
    Target,
    Territory,
)
from baton.domain.routing.roundrobin import TeamRotation, team_rotation
from baton.domain.routing.territory import (
    SET_DIMENSIONS,
    TARGETS,
    TerritoryRow,
    TerritoryTable,
    ambiguous_pairs,
)
from baton.workspace.hints import did_you_mean
from baton.workspace.routing_schema import (
    TRIGGERS,
    PoolSpec,
    RoutingSpec,
    TerritoryRowSpec,
)
from baton.workspace.spec import WorkspaceSpec

LEAD_FIELDS = {
    "email": "text",
    "email_domain": "text",
    "website": "text",
    "company": "text",
    "first_name": "text",
    "last_name": "text",
    "title": "text",
    "phone": "text",
    "source": "text",
    "campaign": "text",
    "lead_type": "text",
    "status": "text",
    "country": "text",
    "state": "text",
    "region": "text",
    "industry": "text",
    "segment": "text",
    "product": "text",
    "employees": "number",
    "score": "number",
    "is_test": "bool",
    "override_owner": "bool",
}
NODE_KINDS = (
    "override",
    "match_account",
    "branch",
    "territory",
    "round_robin",
    "assign",
    "fallback",
)
MATCH_BY = ("email_domain", "website", "company_name")
NODE_KEYS = {
    "override": ("name",),
    "match_account": ("name", "by", "named_only", "cover"),
    "branch": ("name", "if", "then", "else", "uses"),
    "territory": ("name", "table"),
    "round_robin": ("name", "pool"),
    "assign": ("name",) + TARGETS,
    "fallback": ("name",) + TARGETS,
}
MANAGER_ROLES = ("manager", "executive")
EMPLOYEES = re.compile(r"^\s*(?:(\d+)\s*\+|(\d+)\s*-\s*(\d+)|<\s*(\d+)|(\d+))\s*$")


@dataclass(frozen=True)
class Issue:
    loc: tuple[object, ...]
    message: str
    expected: str | None = None
    example: str | None = None
    severity: str = "error"


@dataclass(frozen=True)
class PoolConfig:
    id: str
    members: tuple[tuple[str, int], ...]
    skip_outside_hours: bool = False
    respect_capacity: bool = True


@dataclass(frozen=True)
class RoutingConfig:
    flows: tuple[Flow, ...] = ()
    pools: dict[str, PoolConfig] = field(default_factory=dict)
    queues: frozenset[str] = frozenset()
    tables: dict[str, TerritoryTable] = field(default_factory=dict)
    # pool id → who a team's rotation takes (team targets "team:ID" and pools made from a team)
    rotations: dict[str, TeamRotation] = field(default_factory=dict)

    def flow_for(self, trigger: str, get: Callable[[str], Any]) -> Flow | None:
        """The first flow for ``trigger`` whose ``when`` holds (lead.reroute falls back to
        lead.created)."""
        for wanted in (trigger, "lead.created") if trigger == "lead.reroute" else (trigger,):
            for flow in self.flows:
                if flow.trigger == wanted and (flow.when is None or flow.when(get).passed):
                    return flow
        return None


class _Compiler:
    def __init__(self, ws: WorkspaceSpec) -> None:
        self.ws = ws
        self.spec: RoutingSpec = ws.routing or RoutingSpec()
        self.issues: list[Issue] = []
        self.people = {p.id: p for p in ws.people}
        self.teams = {t.id for t in ws.teams}
        self.queues = {q.id for q in self.spec.queues}
        self.pools: dict[str, PoolConfig] = {}
        self.tables: dict[str, TerritoryTable] = {}
        self.rotations: dict[str, TeamRotation] = {}
        self.targeted_teams: list[str] = []  # team targets of nodes and territory rows

    def error(
        self,
        loc: tuple[object, ...],
        message: str,
        expected: str | None = None,
        example: str | None = None,
    ) -> None:
        self.issues.append(Issue(("routing",) + loc, message, expected, example))

    def warn(
        self,
        loc: tuple[object, ...],
        message: str,
        expected: str | None = None,
        example: str | None = None,
    ) -> None:
        self.issues.append(Issue(("routing",) + loc, message, expected, example, "warning"))

    def compile(self) -> RoutingConfig:
        self._unique("queues", [q.id for q in self.spec.queues])
        self._unique("pools", [p.id for p in self.spec.pools])
        self._unique("territories", [t.id for t in self.spec.territories])
        self._unique("flows", [f.name for f in self.spec.flows])
        include = self._team_pools()
        for team in sorted(self.teams):
            rotation = self._rotation(team, include.get(team, False))
            self.rotations[f"team:{team}"] = rotation
            members = tuple((pid, 1) for pid in rotation.members)
            self.pools[f"team:{team}"] = PoolConfig(f"team:{team}", members)
        for i, pool in enumerate(self.spec.pools):
            self.pools[pool.id] = self._pool(i, pool)
        for i, table in enumerate(self.spec.territories):
            self.tables[table.id] = self._table(i, table.id, table.rows)
        flows = tuple(
            f for i, spec in enumerate(self.spec.flows) if (f := self._flow(i, spec)) is not None
        )
        self._coverage()
        return RoutingConfig(flows, self.pools, frozenset(self.queues), self.tables, self.rotations)

    def _team_pools(self) -> dict[str, bool]:
        """Team id → whether its round robin takes its managers, from routing.team_pools."""
        include: dict[str, bool] = {}
        for i, spec in enumerate(self.spec.team_pools):
            if spec.team not in self.teams:
                self.error(
                    ("team_pools", i, "team"),
                    f"'{spec.team}' is not a known team{did_you_mean(spec.team, self.teams)}",
                    "the id of a team under teams:",
                    "ae-emea",
                )
            elif spec.team in include:
                self.error(("team_pools", i, "team"), f"team {spec.team} is listed twice")
            include[spec.team] = spec.managers == "include"
        return include

    def _rotation(self, team: str, include_managers: bool) -> TeamRotation:
        """A team's active people in rotation; its managers (the team's manager: and anyone
        whose role is manager or executive) only when included."""
        lead = next((t.manager for t in self.ws.teams if t.id == team), None)
        people = [
            (p.id, p.id == lead or p.role in MANAGER_ROLES)
            for p in self.ws.people
            if p.team == team and p.active
        ]
        return team_rotation(team, people, include_managers)

    def _unique(self, section: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for i, value in enumerate(ids):
            if value in seen:
                self.error((section, i), f"duplicate id '{value}' in {section}")
            seen.add(value)

    def _pool(self, i: int, pool: PoolSpec) -> PoolConfig:
        loc = ("pools", i)
        left_out: tuple[str, ...] = ()
        if pool.team:
            if pool.team not in self.teams:
                self.error(
                    loc + ("team",), f"'{pool.team}' is not a team", "the id of a team under teams:"
                )
            rotation = self.rotations.get(f"team:{pool.team}")
            if rotation is not None:
                self.rotations[pool.id] = rotation
                left_out = rotation.left_out
            ids = [p.id for p in self.ws.people if p.team == pool.team and p.id not in left_out]
        else:
            ids = pool.members
            for j, pid in enumerate(ids):
                if pid not in self.people:
                    self.error(
                        loc + ("members", j),
                        f"'{pid}' is not a person",
                        "the id of someone under people:",
                    )
        unless = _include_hint(pool.team, left_out) if left_out else ""
        for pid in pool.weights:
            if pid not in ids:
                self.error(
                    loc + ("weights", pid),
                    f"'{pid}' has a weight but is not a member of pool {pool.id}"
                    + (unless if pid in left_out else ""),
                )
        active = [pid for pid in ids if pid in self.people and self.people[pid].active]
        if not active:
            self.error(
                loc,
                f"pool {pool.id} has no active member, so it can never take a lead{unless}",
                "at least one active person",
            )
        return PoolConfig(
            pool.id,
            tuple((pid, pool.weights.get(pid, 1)) for pid in active),
            pool.skip_outside_hours,
            pool.respect_capacity,
        )

    def _table(self, i: int, table_id: str, rows: list[TerritoryRowSpec]) -> TerritoryTable:
        built = [
            r
            for j, spec in enumerate(rows)
            if (r := self._row(("territories", i, "rows", j), spec, j)) is not None
        ]
        index = {row.line: j for j, row in enumerate(built)}
        for a, b in ambiguous_pairs(built):
            self.error(
                ("territories", i, "rows", index[b.line]),
                f"territory {table_id}: two rows can match the same lead with equal "
                f"specificity: {a.describe()}, and {b.describe()}",
                "make one row more specific or the rows disjoint",
            )
        return TerritoryTable(built)

    def _row(
        self, loc: tuple[object, ...], spec: TerritoryRowSpec, index: int
    ) -> TerritoryRow | None:
        targets = [(k, getattr(spec, k)) for k in TARGETS if getattr(spec, k)]
        if len(targets) != 1:
            self.error(
                loc,
                "a territory row needs exactly one of owner, team, pool, queue",
                example="team: ent-west",
            )
            return None
        kind, target = targets[0]
        self._check_target(loc + (kind,), kind, target)
        criteria = {
            d: frozenset(v.strip().upper() for v in str(getattr(spec, d)).split("|") if v.strip())
            for d in SET_DIMENSIONS
            if getattr(spec, d)
        }
        employees = None
        if spec.employees:
            match = EMPLOYEES.match(spec.employees)
            if not match:
                self.error(
                    loc + ("employees",),
                    f"'{spec.employees}' is not a size range",
                    "N+, A-B, <N or N",
                    "1000+",
                )
                return None
            plus, low, high, below, exact = match.groups()
            employees = (
                (int(plus), None)
                if plus
                else (int(low), int(high))
                if low
                else (0, int(below) - 1)
                if below
                else (int(exact), int(exact))
            )
            if employees[1] is not None and employees[1] < employees[0]:
                self.error(
                    loc + ("employees",),
                    f"'{spec.employees}' is an empty size range: no lead can match it",
                    "a low bound not above the high one",
                    "100-500",
                )
                return None
        return TerritoryRow(
            spec.line or index + 1,
            criteria,
            employees,
            kind,
            target,
            spec.name,
            from_csv=spec.line is not None,
        )

    def _check_target(self, loc: tuple[object, ...], kind: str, target: str) -> None:
        known = {
            "owner": self.people,
            "team": self.teams,
            "pool": {p.id for p in self.spec.pools},
            "queue": self.queues,
        }[kind]
        if target not in known:
            where = {
                "owner": "someone under people:",
                "team": "a team under teams:",
                "pool": "a pool under routing.pools",
                "queue": "a queue under routing.queues",
            }[kind]
            self.error(
                loc,
                f"'{target}' is not a known {'person' if kind == 'owner' else kind}"
                f"{did_you_mean(target, list(known))}",
                f"the id of {where}",
            )
        elif kind == "owner" and not self.people[target].active:
            self.error(loc, f"'{target}' is inactive and would receive leads", "an active person")
        elif kind == "team":
            self._team_target(loc, target)

    def _team_target(self, loc: tuple[object, ...], team: str) -> None:
        """Remember a team target (``baton check`` lists its rotation); warn when nobody is in
        it, since its round robin would always pass the lead on."""
        if team not in self.targeted_teams:
            self.targeted_teams.append(team)
        rotation = self.rotations[f"team:{team}"]
        if rotation.members:
            return
        if rotation.left_out:
            self.warn(
                loc,
                f"team {team}'s round robin has nobody in it: "
                f"{', '.join(rotation.left_out)} left out as "
                f"{'a manager' if len(rotation.left_out) == 1 else 'managers'} "
                "(reps only, the default)",
                "a rep in the team, or managers: include for it under routing.team_pools",
                f"{{team: {team}, managers: include}}",
            )
        else:
            self.warn(
                loc,
                f"team {team} has no active member, so its round robin never takes a lead",
                "an active person with this team",
            )

    def _flow(self, i: int, spec) -> Flow | None:
        loc = ("flows", i)
        if spec.trigger not in TRIGGERS:
            self.error(
                loc + ("trigger",),
                f"unknown trigger '{spec.trigger}'",
                "one of " + ", ".join(TRIGGERS),
                "lead.created",
            )
        when = self._condition(loc + ("when",), spec.when) if spec.when else None
        self._terms(loc + ("uses",), spec.uses)
        nodes = self._nodes(loc + ("nodes",), spec.nodes)
        last = nodes[-1] if nodes else None
        if last is not None and not (
            last.kind in ("assign", "fallback")
            and isinstance(last, Assign)
            and (last.target.kind in ("owner", "queue") or last.fallback_queue)
        ):
            self.error(
                loc + ("nodes",),
                f"a lead can reach the end of flow {spec.name} without an owner or queue",
                "a last node that always assigns",
                "fallback: {queue: inbound-triage}",
            )
        return Flow(spec.name, spec.trigger, tuple(nodes), when, tuple(spec.uses), self.rotations)

    def _terms(self, loc: tuple[object, ...], terms: list[str]) -> None:
        definitions = {d.term: d for d in self.ws.definitions}
        for j, term in enumerate(terms):
            if term not in definitions:
                self.error(
                    loc + (j,),
                    f"'{term}' is not defined under definitions:",
                    "a term listed in definitions:",
                )
            elif not definitions[term].approved:
                self.error(
                    loc + (j,),
                    f"the definition of '{term}' is not approved, so rules using it cannot go live",
                    "approved: true on that definition",
                )

    def _condition(self, loc: tuple[object, ...], spec: Any):
        try:
            return compile_condition(spec, LEAD_FIELDS)
        except ConditionError as exc:
            self.error(loc, str(exc))
            return None

    def _nodes(self, loc: tuple[object, ...], specs: list[Any]) -> list[Node]:
        return [
            n for j, spec in enumerate(specs) if (n := self._node(loc + (j,), spec)) is not None
        ]

    def _node(self, loc: tuple[object, ...], spec: Any) -> Node | None:
        if isinstance(spec, str):
            spec = {spec: {}}
        if not isinstance(spec, dict) or len(spec) != 1:
            self.error(
                loc,
                "a node is one of " + ", ".join(NODE_KINDS),
                example="round_robin: sdr-americas",
            )
            return None
        ((kind, config),) = spec.items()
        if kind not in NODE_KINDS:
            self.error(
                loc,
                f"unknown node '{kind}'{did_you_mean(kind, NODE_KINDS)}",
                "one of " + ", ".join(NODE_KINDS),
            )
            return None
        config = config if config is not None else {}
        if isinstance(config, dict):
            for key in config:
                if key not in NODE_KEYS[kind]:
                    self.error(
                        loc + (kind, key),
                        f"unknown key '{key}' for a {kind} node"
                        f"{did_you_mean(str(key), NODE_KEYS[kind])}",
                        "one of " + ", ".join(NODE_KEYS[kind]),
                    )
        return getattr(self, f"_node_{kind}")(loc + (kind,), config)

    def _label(self, kind: str, config: Any) -> str:
        return config.get("name", kind) if isinstance(config, dict) else kind

    def _node_override(self, loc, config) -> Node:
        return Override(self._label("override", config), "override")

    def _node_match_account(self, loc, config) -> Node | None:
        by = tuple(config.get("by", MATCH_BY)) if isinstance(config, dict) else MATCH_BY
        bad = [b for b in by if b not in MATCH_BY]
        if bad or not isinstance(config, dict):
            self.error(
                loc,
                f"match_account by: {', '.join(map(str, bad)) or config!r} is not supported",
                "a list among " + ", ".join(MATCH_BY),
            )
            return None
        return MatchAccount(
            self._label("match_account", config),
            "match_account",
            by,
            bool(config.get("named_only", True)),
            self._cover(loc + ("cover",), config.get("cover", MANAGER)),
        )

    def _cover(self, loc, config) -> Target | str | None:
        """A named account's cover while its owner is away: manager, owner (the absent owner
        keeps getting its leads, noted) or one of {owner|team|pool|queue: id}."""
        if config in (MANAGER, "owner"):
            return MANAGER if config == MANAGER else None
        kinds = [k for k in TARGETS if isinstance(config, dict) and k in config]
        if len(kinds) != 1 or len(config) != 1:
            self.error(
                loc,
                f"cover: {config!r} is not a cover",
                "manager, owner, or one of {owner|team|pool|queue: id}",
            )
            return None
        target = Target(kinds[0], str(config[kinds[0]]))
        self._check_target(loc + (target.kind,), target.kind, target.id)
        return target

    def _node_branch(self, loc, config) -> Node | None:
        if not isinstance(config, dict) or "if" not in config or "then" not in config:
            self.error(
                loc,
                "a branch needs if: CONDITION and then: [nodes] (else: [nodes] optional)",
                example=(
                    "{name: enterprise?, if: {field: employees, gte: 1000}, "
                    "then: [{territory: ent}]}"
                ),
            )
            return None
        predicate = self._condition(loc + ("if",), config["if"])
        then = self._nodes(
            loc + ("then",),
            config["then"] if isinstance(config["then"], list) else [config["then"]],
        )
        otherwise = self._nodes(loc + ("else",), config.get("else") or [])
        self._terms(loc + ("uses",), config.get("uses", []))
        if predicate is None:
            return None
        name = config.get("name", "branch")
        return Branch(name, "branch", predicate, _under(name, then), _under(name, otherwise))

    def _node_territory(self, loc, config) -> Node | None:
        table = (
            config
            if isinstance(config, str)
            else config.get("table")
            if isinstance(config, dict)
            else None
        )
        if table not in self.tables:
            self.error(
                loc,
                f"'{table}' is not a territory table",
                "the id of a table under routing.territories",
                "main",
            )
            return None
        return Territory(f"territory {table}", "territory", self.tables[table], table)

    def _node_round_robin(self, loc, config) -> Node | None:
        pool = (
            config
            if isinstance(config, str)
            else config.get("pool")
            if isinstance(config, dict)
            else None
        )
        if pool not in self.pools or str(pool).startswith("team:"):
            self.error(
                loc,
                f"'{pool}' is not a pool",
                "the id of a pool under routing.pools",
                "sdr-americas",
            )
            return None
        return Assign(f"round robin {pool}", "round_robin", Target("pool", pool))

    def _node_assign(self, loc, config, kind: str = "assign") -> Node | None:
        if not isinstance(config, dict):
            self.error(
                loc,
                f"{kind} needs one of owner, team, pool, queue",
                example="{queue: inbound-triage}",
            )
            return None
        targets = [k for k in TARGETS if k in config]
        fallback_queue = config.get("queue") if kind == "fallback" and "pool" in config else None
        if kind == "fallback" and "pool" in config:
            targets = ["pool"]
            if not fallback_queue:
                self.error(
                    loc,
                    "a fallback pool needs queue: too, for when nobody in the pool is available",
                    example="{pool: sdr-americas, queue: inbound-triage}",
                )
        if len(targets) != 1:
            self.error(
                loc,
                f"{kind} needs exactly one of owner, team, pool, queue",
                example="{queue: inbound-triage}",
            )
            return None
        target = Target(targets[0], str(config[targets[0]]))
        self._check_target(loc + (target.kind,), target.kind, target.id)
        if fallback_queue:
            self._check_target(loc + ("queue",), "queue", fallback_queue)
        return Assign(config.get("name", kind), kind, target, fallback_queue)

    def _node_fallback(self, loc, config) -> Node | None:
        return self._node_assign(loc, config, "fallback")

    def _coverage(self) -> None:
        for trigger in sorted({f.trigger for f in self.spec.flows}):
            flows = [(i, f) for i, f in enumerate(self.spec.flows) if f.trigger == trigger]
            i, last = flows[-1]
            if last.when is not None:
                self.error(
                    ("flows", i, "when"),
                    f"the last {trigger} flow has a condition, "
                    "so a lead matching no flow would stay unassigned",
                    "a last flow without when:",
                )


def _include_hint(team: str | None, left_out: tuple[str, ...]) -> str:
    who = ", ".join(left_out)
    manager = "manager" if len(left_out) == 1 else "managers"
    return (
        f" (its {manager} {who} left out: a team's round robin takes reps only unless "
        f"routing.team_pools says {{team: {team}, managers: include}})"
    )


def _under(branch: str, nodes: list[Node]) -> tuple[Node, ...]:
    """Nodes inside a branch are named by their path, e.g. 'enterprise? / territory ent'."""
    return tuple(replace(n, label=f"{branch} / {n.label}") for n in nodes)


def compile_routing(ws: WorkspaceSpec) -> tuple[RoutingConfig, list[Issue]]:
    compiler = _Compiler(ws)
    config = compiler.compile()
    return config, compiler.issues


def team_pool_lines(ws: WorkspaceSpec) -> list[str]:
    """Who each team round robin takes, one line each, for ``baton check``: the teams that
    nodes or territory rows send leads to, then the pools made from a team."""
    compiler = _Compiler(ws)
    compiler.compile()
    shown = [(f"team:{t}", f"team {t}") for t in compiler.targeted_teams]
    shown += [(p.id, f"pool {p.id} (team {p.team})") for p in compiler.spec.pools if p.team]
    return [
        _rotation_line(label, compiler.rotations[pool_id])
        for pool_id, label in shown
        if pool_id in compiler.rotations
    ]


def _rotation_line(label: str, rotation: TeamRotation) -> str:
    """``round robin team ae-emea: emma-schulz — reps only (the default); left out:
    lukas-weber (manager)``."""
    members = ", ".join(rotation.members) or "nobody"
    setting = "managers: include" if rotation.include_managers else "reps only (the default)"
    line = f"round robin {label}: {members} — {setting}"
    if rotation.left_out:
        line += "; left out: " + ", ".join(f"{pid} (manager)" for pid in rotation.left_out)
    return line
