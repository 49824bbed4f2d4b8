"""The ``handoff:`` section → the domain's HandoffPolicy plus the assignment flow, escalation
and templates, with every problem located for ``baton check``."""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from baton.domain.handoff import (
    FieldType,
    HandoffField,
    HandoffPolicy,
    LightVariation,
    Side,
    Tier,
    default_policy,
)
from baton.workspace.durations import parse_span
from baton.workspace.handoff_schema import HandoffSpec, TargetsSpec
from baton.workspace.hints import did_you_mean
from baton.workspace.routing_compile import Issue
from baton.workspace.spec import WorkspaceSpec

TRIGGER = "handoff.csm"  # the routing flows that pick a CSM


@dataclass(frozen=True)
class HandoffConfig:
    policy: HandoffPolicy = field(default_factory=default_policy)
    flow: str | None = None  # None: the first flow with trigger handoff.csm
    cs_lead: str | None = None
    summary_template: str | None = None  # None: the package's
    task_template: str = "Review the handoff of {{ deal.name }}"
    targets: TargetsSpec = field(default_factory=TargetsSpec)
    first_touch_calendar: str = "24/7"  # or "owner" (the CSM's), or a calendar's name
    intake: frozenset[str] = frozenset()  # the fields CS writes (side: cs)


def compile_handoff(ws: WorkspaceSpec) -> tuple[HandoffConfig, list[Issue]]:
    spec = ws.handoff or HandoffSpec()
    issues: list[Issue] = []

    def error(loc: tuple[object, ...], message: str, expected: str | None = None) -> None:
        issues.append(Issue(("handoff", *loc), message, expected))

    catalogue = {**HandoffSpec().fields, **spec.fields}
    fields = {}
    for name, f in catalogue.items():
        if f.type is FieldType.CHOICE and not f.choices:
            error(("fields", name, "choices"), "a choice field lists its choices")
        fields[name] = HandoffField(name, f.type, f.help, f.label, tuple(f.choices))
    known = sorted(fields)
    intake = frozenset(name for name, f in catalogue.items() if f.side is Side.CS)

    def pick(loc: tuple[object, ...], names: list[str]) -> tuple[HandoffField, ...]:
        out = []
        for j, name in enumerate(names):
            if name not in fields:
                error(
                    (*loc, j),
                    f"no field '{name}' under handoff.fields{did_you_mean(name, known)}",
                    "one of: " + ", ".join(known),
                )
            elif name in intake:
                error(
                    (*loc, j),
                    f"'{name}' is an intake field (side: cs), which Customer Success fills "
                    "after the close: the close cannot require it",
                    "a field with side: sales, or make this one side: sales",
                )
            else:
                out.append(fields[name])
        return tuple(out)

    tiers = tuple(
        Tier(
            t.name,
            pick(("tiers", i, "fields"), t.fields),
            frozenset(s.strip().lower() for s in t.segments),
            t.min_amount,
            t.live_call,
        )
        for i, t in enumerate(spec.tiers)
    )
    _check_tiers(spec, tiers, error)
    pick(("light", "fields"), spec.light.fields)
    _check_references(ws, spec, error)
    policy = HandoffPolicy(
        stages=frozenset(s.strip().lower() for s in spec.stages),
        tiers=tiers,
        light=LightVariation(
            stages=frozenset(s.strip().lower() for s in spec.light.stages),
            types=frozenset(t.strip().lower() for t in spec.light.types),
            type_field=spec.light.type_field,
            fields=tuple(spec.light.fields),
        ),
        escalate_after=parse_span(spec.escalation.after, days=False),
        first_touch_within=parse_span(spec.first_touch_within),
        notify_within=parse_span(spec.notify_within),
    )
    config = HandoffConfig(
        policy,
        spec.assignment.flow,
        spec.escalation.cs_lead,
        spec.templates.summary,
        spec.templates.task,
        spec.targets,
        spec.first_touch_calendar,
        intake,
    )
    if spec.targets.completion_flag_below > spec.targets.completion:
        error(
            ("targets", "completion_flag_below"),
            "the red flag is above the target: flag below a rate under the target",
        )
    return config, issues


def _check_tiers(spec: HandoffSpec, tiers: tuple[Tier, ...], error) -> None:
    if not spec.stages:
        error(("stages",), "list at least one stage that starts a handoff", "e.g. [Closed Won]")
    names = [t.name for t in tiers]
    for i, name in enumerate(names):
        if name in names[:i]:
            error(("tiers", i, "name"), f"tier '{name}' is listed twice")
    if not any(t.is_default for t in tiers):
        error(
            ("tiers",),
            "no default tier: the last tier should have neither segments nor min_amount, so "
            "every deal has one",
        )


def _check_references(ws: WorkspaceSpec, spec: HandoffSpec, error) -> None:
    flows = [f for f in (ws.routing.flows if ws.routing else []) if f.trigger == TRIGGER]
    wanted = spec.assignment.flow
    if wanted is not None and wanted not in [f.name for f in flows]:
        names = [f.name for f in flows]
        error(
            ("assignment", "flow"),
            f"no routing flow '{wanted}' with trigger: {TRIGGER}{did_you_mean(wanted, names)}",
            "the name of a routing flow with trigger: handoff.csm",
        )
    calendar = spec.first_touch_calendar
    names = ["24/7", "owner", *ws.calendars]
    if calendar not in names:
        error(
            ("first_touch_calendar",),
            f"no calendar '{calendar}'{did_you_mean(calendar, names)}",
            "24/7, owner, or one of: " + ", ".join(ws.calendars),
        )
    people = [p.id for p in ws.people]
    lead = spec.escalation.cs_lead
    if lead is not None and lead not in people:
        error(("escalation", "cs_lead"), f"no person '{lead}'{did_you_mean(lead, people)}")
    env = SandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    for part in ("summary", "task"):
        text = getattr(spec.templates, part)
        if text is None:
            continue
        try:
            env.from_string(text)  # compiled: an unknown filter is found here too
        except TemplateSyntaxError as exc:
            error(("templates", part), f"template line {exc.lineno}: {exc.message}")
