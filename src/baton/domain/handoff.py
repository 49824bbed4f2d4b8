"""The Sales → Customer Success handoff (playbook 003): which stage moves start one, which
tier a deal is (low-touch / high-touch, a lighter variation for renewals and upsells), which
fields it needs before it may close, when an incomplete one escalates, and when it is done.

Pure: the policy, the deal and ``now`` come in; a verdict with its reasons in words comes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from baton.domain.calendar import BusinessCalendar
from baton.domain.sla.clock import ClockInput, Verdict, verdict
from baton.domain.sla.policy import SlaPolicy


class FieldType(StrEnum):
    TEXT = "text"
    LIST = "list"  # e.g. stakeholders: names and roles
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"  # YYYY-MM-DD
    CHOICE = "choice"  # one of the field's choices (a picklist)


class Side(StrEnum):
    """Who writes a handoff field (playbook 003: Sales fills the handoff, CS its intake)."""

    SALES = "sales"  # the AE's handoff fields: the close's gate asks for them
    CS = "cs"  # Customer Success's intake fields, filled after the close


def not_theirs(
    keys: Iterable[str], intake: frozenset[str], sides: frozenset[Side]
) -> tuple[str, ...]:
    """The handoff fields among ``keys`` a writer holding ``sides`` may not change (a field
    not in ``intake`` is a Sales field, named in the workspace or not)."""
    return tuple(k for k in sorted(keys) if (Side.CS if k in intake else Side.SALES) not in sides)


class Variation(StrEnum):
    FULL = "full"  # a new customer: the tier's whole checklist
    LIGHT = "light"  # a renewal or an upsell: the lighter list


class HandoffState(StrEnum):
    OPEN = "open"  # something is left: fields, a CSM, the CSM's review
    ESCALATED = "escalated"  # still open after the configured business time; people were told
    COMPLETE = "complete"  # fields present + CSM assigned + summary reviewed by the CSM


class StepKind(StrEnum):
    """What happened to a handoff, in order; each step is stored with why."""

    GATE_PASSED = "gate_passed"
    OVERRIDDEN = "overridden"  # closed without its fields: a manager said why
    ASSIGNED = "assigned"  # a CSM (or a queue) by the routing flow
    NOTIFIED = "notified"
    TASK_CREATED = "task_created"
    SUMMARY_WRITTEN = "summary_written"
    SUMMARY_UPDATED = "summary_updated"  # a re-close after changes
    REOPENED = "reopened"
    RECLOSED = "reclosed"
    FIELDS_UPDATED = "fields_updated"  # the deal's handoff fields changed after the close
    REVIEWED = "reviewed"
    ESCALATED = "escalated"
    FIRST_TOUCH = "first_touch"  # the CSM's first activity with the customer
    FIRST_TOUCH_MISSED = "first_touch_missed"  # the first-touch SLA ran out untouched
    COMPLETED = "completed"


@dataclass(frozen=True)
class HandoffField:
    name: str
    type: FieldType = FieldType.TEXT
    help: str = ""
    label: str = ""
    choices: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    def problem(self, value: Any) -> str | None:
        """Why ``value`` does not fill this field (None: it does)."""
        if value is None or value == "" or value == [] or value == {}:
            return "missing"
        if self._fits(value):
            return None
        if self.type is FieldType.CHOICE:
            return f"{value!r} is not one of {', '.join(self.choices)}"
        return f"expected {self.type.value}, got {value!r}"

    def _fits(self, v: Any) -> bool:
        if self.type is FieldType.TEXT:
            return isinstance(v, str) and bool(v.strip())
        if self.type is FieldType.LIST:
            return isinstance(v, list) and any(str(i).strip() for i in v)
        if self.type is FieldType.NUMBER:
            return isinstance(v, int | float) and not isinstance(v, bool)
        if self.type is FieldType.BOOLEAN:
            return isinstance(v, bool)
        if self.type is FieldType.DATE:
            return _is_date(v)
        return v in self.choices


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Tier:
    """A handoff tier: who falls in it (segments, or an amount from which) and what it needs."""

    name: str
    fields: tuple[HandoffField, ...]
    segments: frozenset[str] = frozenset()  # lower-case segment names
    min_amount: float | None = None
    live_call: bool = False  # high-touch: AE and CSM meet the customer together

    @property
    def is_default(self) -> bool:
        return not self.segments and self.min_amount is None

    def takes(self, segment: str | None, amount: float | None) -> str | None:
        """Why a deal is in this tier, in words (None: it is not)."""
        if segment and segment.strip().lower() in self.segments:
            return f"segment {segment} is {self.name}"
        if self.min_amount is not None and amount is not None and amount >= self.min_amount:
            return f"amount {amount:,.0f} ≥ {self.min_amount:,.0f}"
        return None


@dataclass(frozen=True)
class LightVariation:
    """Renewals and upsells: a shorter list of fields (names from the tier's fields)."""

    stages: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset({"renewal", "upsell"})
    type_field: str = "type"  # read from the deal's extra fields
    fields: tuple[str, ...] = ("customer_goals", "risks")


@dataclass(frozen=True)
class HandoffPolicy:
    stages: frozenset[str] = frozenset({"closed won"})  # lower-case stage names
    tiers: tuple[Tier, ...] = ()
    light: LightVariation = field(default_factory=LightVariation)
    escalate_after: timedelta = timedelta(hours=8)  # business time from the close
    first_touch_within: timedelta = timedelta(hours=48)
    notify_within: timedelta = timedelta(minutes=5)

    def triggers(self, stage: str | None) -> bool:
        return bool(stage) and str(stage).strip().lower() in self.stages | self.light.stages


@dataclass(frozen=True)
class Deal:
    """What the policy reads of an opportunity."""

    stage: str
    amount: float | None = None
    segment: str | None = None  # the account's
    extra: Mapping[str, Any] = field(default_factory=dict)
    handoff: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Missing:
    field: HandoffField
    problem: str  # "missing", or what is wrong with the value

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field.name,
            "label": self.field.title,
            "type": self.field.type.value,
            "problem": self.problem,
            "help": self.field.help,
        }


@dataclass(frozen=True)
class Gate:
    """The verdict on one move into a trigger stage."""

    tier: str
    variation: Variation
    required: tuple[HandoffField, ...]
    missing: tuple[Missing, ...]
    why: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.missing


def tier_of(policy: HandoffPolicy, deal: Deal) -> tuple[Tier, str]:
    """The first tier that takes the deal, else the default (the last without criteria)."""
    for tier in policy.tiers:
        reason = tier.takes(deal.segment, deal.amount)
        if reason:
            return tier, reason
    default = next((t for t in reversed(policy.tiers) if t.is_default), None)
    if default is None:
        raise ValueError("the handoff policy has no default tier (one without segments/amount)")
    return default, f"no other tier takes it: {default.name}"


def variation_of(policy: HandoffPolicy, deal: Deal) -> tuple[Variation, str | None]:
    light = policy.light
    if deal.stage.strip().lower() in light.stages:
        return Variation.LIGHT, f"stage {deal.stage} is a renewal/upsell stage"
    kind = deal.extra.get(light.type_field)
    if isinstance(kind, str) and kind.strip().lower() in light.types:
        return Variation.LIGHT, f"{light.type_field} {kind} takes the lighter handoff"
    return Variation.FULL, None


def gate(policy: HandoffPolicy, deal: Deal) -> Gate:
    """Which fields the deal needs to enter its stage, and which of them it lacks."""
    tier, why_tier = tier_of(policy, deal)
    variation, why_light = variation_of(policy, deal)
    required = tier.fields
    if variation is Variation.LIGHT:
        required = tuple(f for f in tier.fields if f.name in policy.light.fields)
    missing = tuple(
        Missing(f, problem)
        for f in required
        if (problem := f.problem(deal.handoff.get(f.name))) is not None
    )
    why = [f"{deal.stage} starts a handoff", f"tier {tier.name}: {why_tier}"]
    if why_light:
        why.append(f"lighter variation: {why_light}")
    if missing:
        why.append("missing: " + ", ".join(m.field.name for m in missing))
    else:
        why.append(f"all {len(required)} required fields present")
    return Gate(tier.name, variation, required, missing, tuple(why))


def escalation_due(calendar: BusinessCalendar, closed_at: datetime, after: timedelta) -> datetime:
    """When an incomplete handoff escalates: ``after`` of business time from the close."""
    return calendar.add(closed_at, after)


@dataclass(frozen=True)
class Progress:
    state: HandoffState
    left: tuple[str, ...]  # what completion still needs, in words


def progress(
    missing: tuple[str, ...],
    csm_id: str | None,
    reviewed_at: datetime | None,
    escalated_at: datetime | None,
) -> Progress:
    """Completion = required fields present + CSM assigned + summary reviewed by the CSM."""
    left = []
    if missing:
        left.append("fields missing: " + ", ".join(missing))
    if not csm_id:
        left.append("no CSM assigned")
    if reviewed_at is None:
        left.append("summary not reviewed by the CSM")
    if not left:
        return Progress(HandoffState.COMPLETE, ())
    state = HandoffState.ESCALATED if escalated_at is not None else HandoffState.OPEN
    return Progress(state, tuple(left))


def should_escalate(state: HandoffState, escalate_at: datetime | None, now: datetime) -> str | None:
    """Why an open handoff escalates now (None: not yet, or not at all)."""
    if state is not HandoffState.OPEN or escalate_at is None or now < escalate_at:
        return None
    return f"still incomplete at {escalate_at.isoformat()}, the configured business time"


def first_touch_verdict(
    calendar: BusinessCalendar,
    threshold: timedelta,
    closed_at: datetime,
    csm_id: str | None,
    first_touch_at: datetime | None,
    now: datetime,
) -> Verdict | None:
    """The CSM's first-touch SLA as of ``now``, by the SLA engine: a clock on the CSM from the
    close, stopped by their first activity with the customer (None: no CSM, no clock)."""
    if not csm_id:
        return None
    policy = SlaPolicy(name="handoff first touch", threshold=threshold, notices=(), escalations=())
    clock = ClockInput(started_at=closed_at, owner_id=csm_id, stopped_at=first_touch_at)
    return verdict(policy, calendar, clock, now)


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What a re-close changed in the deal's summary data: {key: [before, after]}."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def default_policy() -> HandoffPolicy:
    """The playbook's checklist: low-touch (SMB, automated) and high-touch (enterprise, a live
    handoff call), the industry-standard fields, renewals and upsells lighter."""
    return HandoffPolicy(tiers=(HIGH_TOUCH, LOW_TOUCH))


CUSTOMER_GOALS = HandoffField(
    "customer_goals",
    FieldType.TEXT,
    "What the customer wants to achieve with us, in their words (the outcomes they bought)",
)
STAKEHOLDERS = HandoffField(
    "stakeholders",
    FieldType.LIST,
    "Who matters on the customer's side: names and roles (champion, economic buyer, admin)",
)
SCOPE = HandoffField(
    "scope", FieldType.TEXT, "What was sold and what was promised: products, seats, services"
)
RISKS = HandoffField(
    "risks", FieldType.TEXT, "What could go wrong: concerns raised, competitors, deadlines"
)
COMMUNICATION = HandoffField(
    "communication_preferences",
    FieldType.TEXT,
    "How and when the customer wants to hear from us (channel, cadence, language)",
)
SUCCESS_CRITERIA = HandoffField(
    "success_criteria",
    FieldType.TEXT,
    "How the customer will judge success, measurably (e.g. 80% of reps active by day 30)",
)
LOW_TOUCH = Tier("low-touch", (CUSTOMER_GOALS, STAKEHOLDERS, SCOPE, COMMUNICATION))
HIGH_TOUCH = Tier(
    "high-touch",
    (CUSTOMER_GOALS, STAKEHOLDERS, SCOPE, RISKS, COMMUNICATION, SUCCESS_CRITERIA),
    segments=frozenset({"enterprise"}),
    min_amount=50_000.0,
    live_call=True,
)
