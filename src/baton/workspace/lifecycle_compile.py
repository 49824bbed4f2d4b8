"""The ``lifecycle:`` section → the domain's LifecyclePolicy plus qualification and
recycling settings, with every problem located for ``baton check``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from baton.domain.lifecycle import DEFAULT_TRANSITIONS, LifecyclePolicy
from baton.domain.records import LeadStatus
from baton.domain.routing.conditions import ConditionError, Predicate, compile_condition
from baton.workspace.durations import parse_span
from baton.workspace.lifecycle_schema import LifecycleSpec
from baton.workspace.routing_compile import LEAD_FIELDS, Issue
from baton.workspace.spec import WorkspaceSpec

ADVISED_REASONS = 7


@dataclass(frozen=True)
class LifecycleConfig:
    policy: LifecyclePolicy = field(default_factory=LifecyclePolicy)
    score_field: str = "score"
    score_at_least: float | None = None
    qualify_when: Predicate | None = None
    recycle_after: int | None = 3
    release_owner: bool = True
    leakage_after: timedelta = timedelta(days=7)

    @property
    def qualifies_by_itself(self) -> bool:
        return self.score_at_least is not None or self.qualify_when is not None

    def qualifies(self, get: Callable[[str], Any]) -> str | None:
        """Why the lead is an MQL now, in words (None: it is not)."""
        score = get(self.score_field)
        at_least = self.score_at_least
        if at_least is not None and score is not None and float(score) >= at_least:
            return f"{self.score_field} {score:g} ≥ {at_least:g}"
        if self.qualify_when is not None:
            test = self.qualify_when(get)
            if test.passed:
                return test.text
        return None


def compile_lifecycle(ws: WorkspaceSpec) -> tuple[LifecycleConfig, list[Issue]]:
    spec = ws.lifecycle or LifecycleSpec()
    issues: list[Issue] = []

    def error(loc: tuple[object, ...], message: str, severity: str = "error") -> None:
        issues.append(Issue(("lifecycle", *loc), message, severity=severity))

    statuses = [s.value for s in LeadStatus]
    names = {}
    for key, name in spec.names.items():
        if key not in statuses:
            error(("names", key), f"no status '{key}'; the statuses are {', '.join(statuses)}")
        else:
            names[LeadStatus(key)] = name
    transitions = dict(DEFAULT_TRANSITIONS)
    for key, targets in (spec.transitions or {}).items():
        if key not in statuses:
            error(("transitions", key), f"no status '{key}'")
            continue
        unknown = [t for t in targets if t not in statuses]
        for t in unknown:
            error(("transitions", key), f"no status '{t}' to move to")
        transitions[LeadStatus(key)] = frozenset(LeadStatus(t) for t in targets if t in statuses)
    reasons = tuple(r.strip() for r in spec.rejection_reasons)
    if not reasons:
        error(("rejection_reasons",), "list at least one reason: a rejection needs one")
    elif len(reasons) > ADVISED_REASONS:
        error(
            ("rejection_reasons",),
            f"{len(reasons)} reasons; the playbook advises 5-7 so that reps pick one that "
            "means something",
            severity="warning",
        )
    if len(set(reasons)) != len(reasons):
        error(("rejection_reasons",), "a reason is listed twice")
    config = LifecycleConfig(
        policy=LifecyclePolicy(transitions, reasons, names),
        recycle_after=spec.recycle.after_attempts,
        release_owner=spec.recycle.release_owner,
        leakage_after=parse_span(spec.leakage_after),
    )
    if spec.qualify is not None:
        config = _qualify(spec, config, error)
    return config, issues


def _qualify(spec: LifecycleSpec, config: LifecycleConfig, error) -> LifecycleConfig:
    q = spec.qualify
    assert q is not None
    if LEAD_FIELDS.get(q.score_field) != "number":
        numbers = ", ".join(k for k, v in LEAD_FIELDS.items() if v == "number")
        error(("qualify", "score_field"), f"'{q.score_field}' is not a number field ({numbers})")
    when = None
    if q.when is not None:
        try:
            when = compile_condition(q.when, LEAD_FIELDS)
        except ConditionError as exc:
            error(("qualify", "when"), str(exc))
    if q.score_at_least is None and q.when is None:
        error(("qualify",), "say when a lead qualifies: score_at_least, when, or both")
    return LifecycleConfig(
        config.policy,
        q.score_field,
        q.score_at_least,
        when,
        config.recycle_after,
        config.release_owner,
        config.leakage_after,
    )
