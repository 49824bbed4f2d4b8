"""The ``ownership:`` section → the domain's OwnershipRules, with every problem located for
``baton check`` (an unknown pool, queue, person or role, with did-you-mean)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from baton.domain.ownership import (
    CoolingOff,
    DealRegistration,
    DisputeSla,
    DuplicateOutreach,
    Escalation,
    NamedAccounts,
    OverdueAction,
    OwnershipRules,
    OwnershipTimeout,
    ParentChild,
    SegmentHandoff,
    TargetKind,
)
from baton.workspace.durations import parse_span
from baton.workspace.hints import did_you_mean
from baton.workspace.ownership_schema import OwnershipSpec
from baton.workspace.routing_compile import Issue
from baton.workspace.spec import WorkspaceSpec

ESCALATION_ROLES = ("manager", "executive", "revops")


@dataclass(frozen=True)
class OwnershipConfig:
    rules: OwnershipRules = field(default_factory=OwnershipRules)
    lost_stages: frozenset[str] = frozenset({"closed lost"})


def compile_ownership(ws: WorkspaceSpec) -> tuple[OwnershipConfig, list[Issue]]:
    spec = ws.ownership or OwnershipSpec()
    issues: list[Issue] = []

    def error(loc: tuple[object, ...], message: str, expected: str | None = None) -> None:
        issues.append(Issue(("ownership", *loc), message, expected))

    kind, target = _target(ws, spec.timeout.reassign_to, error)
    calendar = _calendar(ws, spec.timeout.calendar, error)
    t = spec.timeout
    if t.account_after is not None and "account" not in t.applies_to:
        issues.append(
            Issue(
                ("ownership", "timeout", "account_after"),
                "accounts do not time out: applies_to has no account",
                "applies_to: [opportunity, account], or no account_after",
                severity="warning",
            )
        )
    people = [p.id for p in ws.people]
    esc = spec.escalation
    for i, step in enumerate(esc.path):
        if step not in ESCALATION_ROLES and step not in people:
            error(
                ("escalation", "path", i),
                f"no role or person '{step}'{did_you_mean(step, [*ESCALATION_ROLES, *people])}",
                "one of " + ", ".join(ESCALATION_ROLES) + " or a person id",
            )
    if esc.arbiter is not None and esc.arbiter not in people:
        error(
            ("escalation", "arbiter"),
            f"no person '{esc.arbiter}'{did_you_mean(esc.arbiter, people)}",
            "the id of a person under people:",
        )
    remind_before, within = parse_span(spec.disputes.remind_before), parse_span(esc.resolve_within)
    if remind_before >= within:
        error(
            ("disputes", "remind_before"),
            f"the reminder {spec.disputes.remind_before} comes at or before the dispute is "
            f"raised (escalation.resolve_within is {esc.resolve_within})",
            f"a span shorter than {esc.resolve_within}, e.g. 1d, or 0d for no reminder",
        )
    order = [s.strip().lower() for s in spec.segment_handoff.order]
    if len(set(order)) != len(order):
        error(("segment_handoff", "order"), "a segment is listed twice")
    n = spec.named_accounts
    rules = OwnershipRules(
        named=NamedAccounts(
            flag=n.flag,
            accounts=frozenset(n.accounts),
            segments=frozenset(s.strip().lower() for s in n.segments),
            min_employees=n.min_employees,
            covers_opportunities="opportunity" in n.covers,
            covers_leads="lead" in n.covers,
        ),
        timeout=OwnershipTimeout(
            parse_span(t.after),
            kind,
            target,
            tuple(t.applies_to),
            parse_span(t.account_after) if t.account_after is not None else None,
            time.fromisoformat(t.run_at.zfill(5)),
            calendar,
        ),
        cooling_off=CoolingOff(parse_span(spec.cooling_off.after_closed_lost)),
        deal_registration=DealRegistration(parse_span(spec.deal_registration.window)),
        duplicate_outreach=DuplicateOutreach(parse_span(spec.duplicate_outreach.window)),
        segment_handoff=SegmentHandoff(
            tuple(order), spec.segment_handoff.upward_only, spec.segment_handoff.takes_over
        ),
        parent_child=ParentChild(spec.parent_child.children_follow),
        escalation=Escalation(tuple(esc.path), esc.arbiter, within),
        disputes=DisputeSla(remind_before, OverdueAction(spec.disputes.when_overdue)),
    )
    lost = frozenset(s.strip().lower() for s in spec.cooling_off.stages)
    return OwnershipConfig(rules, lost), issues


def _calendar(ws: WorkspaceSpec, name: str | None, error) -> str | None:
    """The sweep's calendar: the one named, else the workspace's first, else None."""
    names = list(ws.calendars)
    if name is None:
        return names[0] if names else None
    if name not in names:
        error(
            ("timeout", "calendar"),
            f"no calendar '{name}'{did_you_mean(name, names)}",
            "a name under calendars: (" + (", ".join(names) or "none yet") + ")",
        )
        return None
    return name


def _target(ws: WorkspaceSpec, text: str, error) -> tuple[TargetKind, str | None]:
    """``manager``, ``pool:ID`` or ``queue:ID`` → the kind and the name, checked."""
    loc = ("timeout", "reassign_to")
    if text == "manager":
        return TargetKind.MANAGER, None
    kind, _, name = text.partition(":")
    routing = ws.routing
    known = {
        "pool": [p.id for p in routing.pools] if routing else [],
        "queue": [q.id for q in routing.queues] if routing else [],
    }
    if kind not in known or not name:
        error(loc, f"'{text}' is not manager, pool:ID or queue:ID", "e.g. pool:ae-pool")
        return TargetKind.MANAGER, None
    if name not in known[kind]:
        where = f"routing.{kind}s"
        error(
            loc,
            f"no {kind} '{name}' under {where}{did_you_mean(name, known[kind])}",
            f"the id of a {kind} under {where}",
        )
    return TargetKind(kind), name
