"""Check and compile the ``sla:`` section into domain policies with their matching rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from baton.domain.routing.conditions import ConditionError, Predicate, compile_condition
from baton.domain.sla import FIRST_TIER, Escalation, SlaPolicy
from baton.workspace.routing_compile import LEAD_FIELDS, Issue
from baton.workspace.sla_schema import (
    FIRST_TOUCH_KINDS,
    SlaRuleSpec,
    SlaSpec,
    parse_duration,
)
from baton.workspace.spec import WorkspaceSpec

DEFAULT_TIERS = ((2, "manager", "2h"), (3, "executive", "8h"))


@dataclass(frozen=True)
class SlaRule:
    name: str
    order: tuple[float, int]  # (priority, position): lower wins
    lead_types: frozenset[str]
    when: Predicate | None
    exclude: Predicate | None
    pause: Predicate | None
    policy: SlaPolicy
    calendar: str  # "owner" or a calendar name
    stop: frozenset[str]
    reroute_on_miss: bool = False
    queue_on_miss: str | None = None
    pause_on_reply: bool = False

    def matches(self, get: Callable[[str], Any]) -> bool:
        if self.lead_types and str(get("lead_type") or "").lower() not in self.lead_types:
            return False
        return self.when is None or self.when(get).passed

    def excluded(self, get: Callable[[str], Any]) -> str | None:
        if self.exclude is None:
            return None
        test = self.exclude(get)
        return test.text if test.passed else None

    def paused(self, get: Callable[[str], Any]) -> bool:
        return self.pause is not None and self.pause(get).passed


@dataclass(frozen=True)
class SlaConfig:
    rules: tuple[SlaRule, ...] = ()
    first_touch: frozenset[str] = frozenset(FIRST_TOUCH_KINDS)
    executive: str | None = None

    def rule_for(self, get: Callable[[str], Any]) -> SlaRule | None:
        return next((r for r in self.rules if r.matches(get)), None)


class _Compiler:
    def __init__(self, ws: WorkspaceSpec) -> None:
        self.ws = ws
        self.spec = ws.sla or SlaSpec()
        self.issues: list[Issue] = []
        self.people = {p.id for p in ws.people}
        self.queues = {q.id for q in ws.routing.queues} if ws.routing else set()

    def error(
        self,
        loc: tuple[object, ...],
        message: str,
        expected: str | None = None,
        example: str | None = None,
        severity: str = "error",
    ) -> None:
        self.issues.append(Issue(("sla",) + loc, message, expected, example, severity))

    def compile(self) -> SlaConfig:
        for i, kind in enumerate(self.spec.first_touch):
            if kind not in FIRST_TOUCH_KINDS:
                self.error(
                    ("first_touch", i),
                    f"'{kind}' is not an activity kind",
                    "one of " + ", ".join(FIRST_TOUCH_KINDS),
                )
        if self.spec.executive and self.spec.executive not in self.people:
            self.error(
                ("executive",),
                f"'{self.spec.executive}' is not a person",
                "the id of someone under people:",
            )
        default_exclusion = self._condition(("exclude_when",), self.spec.exclude_when)
        names: set[str] = set()
        rules = []
        for i, rule in enumerate(self.spec.rules):
            if rule.name in names:
                self.error(("rules", i, "name"), f"duplicate rule name '{rule.name}'")
            names.add(rule.name)
            built = self._rule(i, rule, default_exclusion)
            if built is not None:
                rules.append(built)
        self._overlaps()
        ordered = tuple(sorted(rules, key=lambda r: r.order))
        return SlaConfig(ordered, frozenset(self.spec.first_touch), self.spec.executive)

    def _condition(self, loc: tuple[object, ...], spec: dict[str, Any] | None) -> Predicate | None:
        if spec is None:
            return None
        try:
            return compile_condition(spec, LEAD_FIELDS)
        except ConditionError as exc:
            self.error(loc, str(exc))
            return None

    def _rule(
        self, i: int, rule: SlaRuleSpec, default_exclusion: Predicate | None
    ) -> SlaRule | None:
        loc = ("rules", i)
        if rule.calendar != "owner" and rule.calendar not in self.ws.calendars:
            self.error(
                loc + ("calendar",),
                f"'{rule.calendar}' is not a calendar",
                "owner, or a calendar under calendars:",
                "americas",
            )
        for j, stop in enumerate(rule.stop):
            if stop not in ("first_touch", "sal"):
                self.error(loc + ("stop", j), f"'{stop}' cannot stop a clock", "first_touch or sal")
        if rule.on_miss and rule.on_miss.queue and rule.on_miss.queue not in self.queues:
            self.error(
                loc + ("on_miss", "queue"),
                f"'{rule.on_miss.queue}' is not a queue",
                "a queue under routing.queues",
            )
        escalations = self._escalations(loc, rule)
        when = self._condition(loc + ("when",), rule.when)
        exclude = (
            self._condition(loc + ("exclude_when",), rule.exclude_when)
            if rule.exclude_when
            else default_exclusion
        )
        pause = self._condition(loc + ("pause_when",), rule.pause_when)
        try:
            policy = SlaPolicy(
                rule.name,
                parse_duration(rule.threshold),
                rule.start,
                tuple(n / 100 for n in rule.notices),
                escalations,
                rule.on_reassign,
                rule.calendar,
            )
        except ValueError as exc:
            self.error(loc, str(exc))
            return None
        order = (rule.priority if rule.priority is not None else float("inf"), i)
        return SlaRule(
            rule.name,
            order,
            frozenset(t.lower() for t in rule.lead_types),
            when,
            exclude,
            pause,
            policy,
            rule.calendar,
            frozenset(rule.stop),
            bool(rule.on_miss and rule.on_miss.reroute),
            rule.on_miss.queue if rule.on_miss else None,
            rule.pause_on_reply,
        )

    def _escalations(self, loc: tuple[object, ...], rule: SlaRuleSpec) -> tuple[Escalation, ...]:
        tiers = (
            [(e.tier, e.to, e.after) for e in rule.escalations]
            if rule.escalations is not None
            else list(DEFAULT_TIERS)
        )
        out = []
        for j, (tier, to, after) in enumerate(tiers):
            where = loc + ("escalations", j, "to") if rule.escalations is not None else loc
            if tier < FIRST_TIER:
                self._tier_one(loc + ("escalations", j, "tier"), to, after)
                continue  # a stored version that has it still runs, the miss alert in its place
            if to == "executive":
                if not self.spec.executive:
                    if rule.escalations is not None:
                        self.error(
                            where,
                            "'executive' needs sla.executive: PERSON_ID",
                            "sla.executive set to a person id",
                            "jordan-blake",
                        )
                    continue  # the default tier 3 is dropped when no executive is named
                to = self.spec.executive
            elif to not in ("owner", "manager") and to not in self.people:
                self.error(
                    where,
                    f"'{to}' is not owner, manager, executive or a person id",
                    "owner, manager, executive or a person id",
                )
                continue
            out.append(Escalation(tier, to, parse_duration(after)))
        return tuple(out)

    def _tier_one(self, where: tuple[object, ...], to: str, after: str) -> None:
        """A tier 1: the old way of writing the miss alert is a warning, anything else an
        error (it would no longer mean what it says)."""
        same = (to, parse_duration(after)) == ("owner", timedelta(0))
        self.error(
            where,
            "tier 1 is the miss alert itself (sla.miss to the owner at the deadline); "
            + ("this line repeats it" if same else "escalations start at tier 2"),
            "delete this line" if same else "tier: 2 or higher",
            None if same else "{tier: 2, to: manager, after: 2h}",
            severity="warning" if same else "error",
        )

    def _overlaps(self) -> None:
        rules = self.spec.rules
        for i, a in enumerate(rules):
            for j in range(i + 1, len(rules)):
                b = rules[j]
                disjoint = (
                    a.lead_types
                    and b.lead_types
                    and not {t.lower() for t in a.lead_types} & {t.lower() for t in b.lead_types}
                )
                ordered = (
                    a.priority is not None and b.priority is not None and a.priority != b.priority
                )
                if not disjoint and not ordered:
                    self.error(
                        ("rules", j),
                        f"rules {a.name} and {b.name} can both match the same lead",
                        "different priority: values (lower wins), or disjoint lead_types",
                        "priority: 2",
                    )


def compile_sla(ws: WorkspaceSpec) -> tuple[SlaConfig, list[Issue]]:
    compiler = _Compiler(ws)
    return compiler.compile(), compiler.issues


def uncovered_lead_types(config: SlaConfig, lead_types: Iterable[str]) -> list[str]:
    """Lead types no rule would time — the playbook's most common cause of breakage."""
    out = []
    for lead_type in sorted({t for t in lead_types if t}):

        def get(name: str, lt: str = lead_type) -> Any:
            return lt if name == "lead_type" else None

        if config.rule_for(get) is None:
            out.append(lead_type)
    return out


def routing_lead_types(ws: WorkspaceSpec) -> set[str]:
    """Lead types the routing flows test for (eq / in on lead_type), wherever they appear."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("field") == "lead_type":
                for op in ("eq", "in"):
                    value = node.get(op)
                    found.update(
                        v
                        for v in (value if isinstance(value, list) else [value])
                        if isinstance(v, str)
                    )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if ws.routing:
        walk([f.model_dump() for f in ws.routing.flows])
    return found


def coverage_issues(ws: WorkspaceSpec, seen_in_data: Iterable[str] = ()) -> list[Issue]:
    """Warnings for lead types seen in routing or in stored leads that no SLA rule covers."""
    if ws.sla is None:
        return []
    config, _ = compile_sla(ws)
    issues = []
    from_routing = routing_lead_types(ws)
    for lead_type in uncovered_lead_types(config, set(from_routing) | set(seen_in_data)):
        where = "routing" if lead_type in from_routing else "stored leads"
        issues.append(
            Issue(
                ("sla", "rules"),
                f"lead type '{lead_type}' (seen in {where}) has no SLA rule, "
                "so its leads are never timed",
                "a rule whose lead_types include it, or a catch-all rule",
                f"lead_types: [{lead_type}]",
                "warning",
            )
        )
    return issues
