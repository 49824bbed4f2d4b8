"""Rules of engagement over HTTP: the rules as sentences, the decisions (blocks and allowed
exceptions, each with its trace) and the transfer door (a manager's override, a segment
handoff, the final arbiter's decision). A blocked owner change anywhere in the API is a 409
with the actionable message (``install``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from baton.api.deps import AfterId, BatonDep, Ingest, QueryId, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.domain.ownership import ExceptionKind
from baton.domain.ownership.disputes import DisputeState, Outcome
from baton.services.jsonable import jsonable
from baton.services.limits import Instant
from baton.services.outcomes import Rejected
from baton.services.ownership import acks, disputes, health
from baton.services.ownership.decisions import OwnershipBlocked
from baton.services.ownership.rules_doc import rules_of
from baton.services.ownership.transfer import Transfer, transfer_owner
from baton.services.ownership.views import KINDS, DecisionFilter, list_decisions

router = APIRouter(prefix="/v1/ownership", tags=["Ownership"], route_class=GuardedRoute)
Entity = Literal["account", "opportunity", "lead"]
DecisionKind = Literal["block", "exception", "timeout", "violation"]


class OwnershipStep(BaseModel):
    rule: str = Field(examples=["named_account"])
    outcome: str = Field(description="not_applicable, passes, protects, allows or blocks")
    why: str = Field(description="what the rule found, in words")
    values: dict[str, Any]


class OwnershipDecision(BaseModel):
    id: int
    at: datetime
    actor: str
    kind: str = Field(
        description="block (refused), exception (allowed past a protection) or timeout (an "
        "idle deal reassigned) or violation (an activity against the engagement rules; "
        "old_owner_id/new_owner_id are then the reps involved)"
    )
    entity: str
    record_id: int
    account_id: int | None
    old_owner_id: str | None
    new_owner_id: str | None
    rule: str | None = Field(description="the rule that blocked it, or the protection passed")
    exception: str | None = Field(description=", ".join(e.value for e in ExceptionKind))
    approved_by: str | None
    reason: str | None
    message: str = Field(description="what the actor was told")
    steps: list[OwnershipStep]
    version: int | None = Field(description="the workspace version whose rules judged it")
    resolved_at: datetime | None = Field(None, description="a violation: when it was dealt with")
    resolved_by: str | None = None
    resolution: str | None = None


class OwnershipDecisionPage(BaseModel):
    items: list[OwnershipDecision]
    next_after_id: int | None


class OwnershipBlock(BaseModel):
    """The 409 body of a refused owner change."""

    message: str = Field(
        examples=[
            "This account is protected under Named Account rules. Contact your manager to "
            "request ownership transfer."
        ]
    )
    rule: str | None
    entity: str
    record_id: int
    decision_id: int | None = Field(description="the recorded block (GET …/decisions)")
    steps: list[OwnershipStep]
    fix: str


class OwnershipTransferIn(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    entity: Entity
    id: int = Field(ge=1, le=2**63 - 1, description="the record's id")
    owner_id: str = Field(min_length=1, max_length=100, description="the new owner")
    exception: ExceptionKind
    approved_by: str = Field(
        min_length=1, max_length=100, description="the manager, or the final arbiter"
    )
    reason: str = Field(min_length=1, max_length=500, description="why, recorded")
    new_segment: str | None = Field(
        None, max_length=60, description="segment_handoff: the account's new segment"
    )


class OwnershipTransferred(BaseModel):
    changed: dict[str, list[Any]]
    decision: dict[str, Any] | None = Field(description="the recorded exception (id, rule…)")


class OwnershipRulesDoc(BaseModel):
    version: int | None
    rules: list[dict[str, str]] = Field(description="rule, title, sentence (if/then)")


@router.get("/rules", summary="The live rules of engagement, each as an if/then sentence")
def read_rules(baton: BatonDep, token: Read) -> OwnershipRulesDoc:
    with baton.db.read() as conn:
        version, rules = rules_of(conn)
    items = [{"rule": r.value, "title": t, "sentence": s} for r, t, s in rules.sentences()]
    return OwnershipRulesDoc(version=version, rules=items)


@router.get("/decisions", summary="Owner changes blocked or allowed as exceptions, with why")
def read_decisions(
    baton: BatonDep,
    token: Read,
    kind: Annotated[DecisionKind | None, Query(description=", ".join(KINDS))] = None,
    entity: Annotated[Entity | Literal["activity"] | None, Query()] = None,
    record_id: QueryId = None,
    rule: Annotated[str | None, Query(max_length=40, examples=["named_account"])] = None,
    since: Annotated[Instant | None, Query(description="ISO 8601 with offset")] = None,
    after_id: AfterId = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> OwnershipDecisionPage:
    f = DecisionFilter(kind, entity, record_id, rule, since, after_id, limit)
    with baton.db.read() as conn:
        items = list_decisions(conn, f)
    next_after_id = items[-1]["id"] if len(items) == limit else None
    return OwnershipDecisionPage(items=jsonable(items), next_after_id=next_after_id)


@router.post(
    "/transfers",
    summary="Change an owner as a manager override, segment handoff or arbiter decision",
    responses={404: {"description": "no such record"}, 409: {"model": OwnershipBlock}},
)
def transfer(body: OwnershipTransferIn, baton: BatonDep, token: Ingest) -> OwnershipTransferred:
    t = Transfer(
        body.entity,
        body.id,
        body.owner_id,
        body.exception,
        body.approved_by,
        body.reason,
        body.new_segment,
    )
    try:
        result = transfer_owner(baton, t, actor_of(token))
    except LookupError:
        raise HTTPException(404, f"no {body.entity} {body.id}") from None
    except Rejected as exc:
        raise HTTPException(422, [e.as_dict() for e in exc.errors]) from exc
    return OwnershipTransferred(**jsonable(result))


def install(app: FastAPI) -> None:
    """The rules' router, and every blocked owner change in the API answered with 409."""
    app.include_router(router)

    @app.exception_handler(OwnershipBlocked)
    async def _blocked(request: Request, exc: OwnershipBlocked) -> JSONResponse:
        return JSONResponse({"detail": exc.as_dict()}, status_code=409)


class DisputeStep(BaseModel):
    kind: str = Field(description="raised, escalated or resolved")
    at: datetime
    by: str
    why: str
    handler: str | None = None


class Dispute(BaseModel):
    id: int
    entity: str
    record_id: int
    account_id: int | None
    claimants: list[str]
    reason: str
    raised_by: str
    raised_at: datetime
    state: str = Field(description=", ".join(s.value for s in DisputeState))
    level: int = Field(description="the step of the escalation path; the last is the arbiter")
    handler_id: str | None = Field(description="who handles it at this step")
    due_at: datetime = Field(description="the resolution SLA (escalation.resolve_within)")
    outcome: str | None = Field(description=", ".join(o.value for o in Outcome))
    new_owner_id: str | None
    split: dict[str, float] | None = Field(description="person id → percent of the credit")
    resolved_at: datetime | None
    resolved_by: str | None
    note: str | None
    steps: list[DisputeStep]
    updated_at: datetime


class DisputePage(BaseModel):
    items: list[Dispute]
    next_after_id: int | None


class DisputeIn(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    entity: Literal["account", "opportunity"]
    id: int = Field(ge=1, le=2**63 - 1)
    claimants: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=10, description="the reps who claim it (person ids)"
    )
    reason: str = Field(min_length=1, max_length=1000)


class EscalateIn(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    why: str = Field("", max_length=500)


class ResolveIn(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    outcome: Outcome
    resolved_by: str = Field(min_length=1, max_length=100, description="the final arbiter")
    new_owner: str | None = Field(None, max_length=100, description="transfer: a claimant")
    split: dict[str, float] = Field(
        default_factory=dict, description="split: claimant → percent (adds up to 100)"
    )
    note: str = Field("", max_length=1000)


DisputeId = Annotated[int, PathParam(ge=1, le=2**63 - 1, description="a dispute id")]
DecisionId = Annotated[int, PathParam(ge=1, le=2**63 - 1, description="a decision id")]


def _refuse(exc: Exception) -> HTTPException:
    if isinstance(exc, LookupError):
        return HTTPException(404, str(exc.args[0]) if exc.args else "not found")
    assert isinstance(exc, Rejected)
    return HTTPException(422, [e.as_dict() for e in exc.errors])


def _dispute(baton: Any, dispute_id: int) -> Dispute:
    with baton.db.read() as conn:
        found = disputes.dispute_detail(conn, dispute_id)
    if found is None:
        raise HTTPException(404, f"no dispute {dispute_id}")
    return Dispute(**jsonable(found))


@router.post(
    "/disputes",
    status_code=201,
    summary="Raise an ownership dispute",
    responses={404: {"description": "no such record"}},
)
def raise_(body: DisputeIn, baton: BatonDep, token: Ingest) -> Dispute:
    d = disputes.DisputeIn(body.entity, body.id, tuple(body.claimants), body.reason)
    try:
        dispute_id = disputes.raise_dispute(baton, d, actor_of(token))
    except (LookupError, Rejected) as exc:
        raise _refuse(
            LookupError(f"no {body.entity} {body.id}") if isinstance(exc, LookupError) else exc
        ) from exc
    return _dispute(baton, dispute_id)


@router.get("/disputes", summary="Ownership disputes, oldest first from the cursor")
def read_disputes(
    baton: BatonDep,
    token: Read,
    state: Annotated[DisputeState | None, Query()] = None,
    after_id: AfterId = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DisputePage:
    with baton.db.read() as conn:
        items = disputes.list_disputes(conn, state.value if state else None, after_id, limit)
    next_after_id = items[-1]["id"] if len(items) == limit else None
    return DisputePage(items=jsonable(items), next_after_id=next_after_id)


@router.get(
    "/disputes/{dispute_id}",
    summary="One dispute with its steps",
    responses={404: {"description": "no such dispute"}},
)
def read_dispute(dispute_id: DisputeId, baton: BatonDep, token: Read) -> Dispute:
    return _dispute(baton, dispute_id)


@router.post(
    "/disputes/{dispute_id}/escalate",
    summary="Move a dispute one step up the path",
    responses={404: {"description": "no such dispute"}},
)
def escalate(dispute_id: DisputeId, body: EscalateIn, baton: BatonDep, token: Ingest) -> Dispute:
    try:
        disputes.escalate_dispute(baton, dispute_id, actor_of(token), body.why)
    except (LookupError, Rejected) as exc:
        raise _refuse(exc) from exc
    return _dispute(baton, dispute_id)


@router.post(
    "/disputes/{dispute_id}/resolve",
    summary="The final arbiter resolves: keep, transfer or split credit",
    responses={404: {"description": "no such dispute"}, 409: {"model": OwnershipBlock}},
)
def resolve(dispute_id: DisputeId, body: ResolveIn, baton: BatonDep, token: Ingest) -> Dispute:
    r = disputes.Resolution(
        body.outcome, body.resolved_by, body.new_owner, dict(body.split), body.note
    )
    try:
        disputes.resolve_dispute(baton, dispute_id, r, actor_of(token))
    except (LookupError, Rejected) as exc:
        raise _refuse(exc) from exc
    return _dispute(baton, dispute_id)


class AckIn(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    person_id: str = Field(min_length=1, max_length=100, description="the rep who read the rules")


class Acked(BaseModel):
    version: int = Field(description="the ROE version acknowledged")
    acked_at: datetime
    already: bool = Field(description="acknowledged before: nothing changed")


class AckedRep(BaseModel):
    person_id: str
    name: str
    acked_at: datetime


class MissingRep(BaseModel):
    person_id: str
    name: str
    role: str


class AckStatus(BaseModel):
    version: int | None = Field(description="the current ROE version (None: no live rules)")
    acknowledged: list[AckedRep]
    missing: list[MissingRep] = Field(description="active reps who have not acknowledged it")


@router.post("/acknowledgments", summary="A rep acknowledges the current rules of engagement")
def acknowledge(body: AckIn, baton: BatonDep, token: Ingest) -> Acked:
    try:
        result = acks.acknowledge(baton, body.person_id, actor_of(token))
    except Rejected as exc:
        raise _refuse(exc) from exc
    return Acked(**jsonable(result))


@router.get("/acknowledgments", summary="Who acknowledged the current ROE version, who has not")
def read_acknowledgments(baton: BatonDep, token: Read) -> AckStatus:
    with baton.db.read() as conn:
        status = acks.ack_status(conn)
    return AckStatus(**jsonable(status))


class OwnershipHealth(BaseModel):
    timeouts_30d: int
    open_pipeline: int = Field(description="open opportunities")
    timeout_share: float = Field(description="timeouts of the last 30 days / open pipeline")
    timeout_share_flag: bool = Field(description="over ownership.red_flags.timeout_share (10 %)")
    violations_unresolved_over_48h: int = Field(description="older than red_flags.violation_age")
    violations_flag: bool
    disputes_30d: int
    rules_live_since: datetime | None
    disputes_flag: bool = Field(description="over red_flags.disputes_per_month (5) after settling")


class ViolationResolveIn(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    resolved_by: str = Field(min_length=1, max_length=100, description="the manager's id")
    note: str = Field("", max_length=500)


@router.get("/health", summary="The rules of engagement's red flags, computed")
def read_health(baton: BatonDep, token: Read) -> OwnershipHealth:
    with baton.db.read() as conn:
        figures = health.ownership_health(conn, baton.clock.now())
    return OwnershipHealth(**jsonable(figures))


@router.post(
    "/decisions/{decision_id}/resolve",
    summary="A manager dealt with a violation",
    responses={404: {"description": "no such violation"}},
)
def resolve_violation(
    decision_id: DecisionId, body: ViolationResolveIn, baton: BatonDep, token: Ingest
) -> OwnershipDecision:
    try:
        health.resolve_violation(baton, decision_id, body.resolved_by, body.note, actor_of(token))
    except (LookupError, Rejected) as exc:
        raise _refuse(exc) from exc
    with baton.db.read() as conn:
        [row] = list_decisions(conn, DecisionFilter(after_id=decision_id - 1, limit=1))
    return OwnershipDecision(**jsonable(row))
