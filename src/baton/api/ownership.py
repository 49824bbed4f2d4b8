"""Rules of engagement over HTTP: the rules as sentences, the decisions (blocks and allowed
exceptions, each with its trace) and the transfer door (a manager's override, a segment
handoff, the final arbiter's decision). A blocked owner change anywhere in the API is a 409
with the actionable message (``install``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from baton.api.deps import AfterId, BatonDep, Ingest, QueryId, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.domain.ownership import ExceptionKind
from baton.services.jsonable import jsonable
from baton.services.limits import Instant
from baton.services.outcomes import Rejected
from baton.services.ownership.decisions import OwnershipBlocked
from baton.services.ownership.rules_doc import rules_of
from baton.services.ownership.transfer import Transfer, transfer_owner
from baton.services.ownership.views import KINDS, DecisionFilter, list_decisions

router = APIRouter(prefix="/v1/ownership", tags=["Ownership"], route_class=GuardedRoute)
Entity = Literal["account", "opportunity", "lead"]


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
        "idle deal reassigned)"
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
    kind: Annotated[
        Literal["block", "exception", "timeout"] | None, Query(description=", ".join(KINDS))
    ] = None,
    entity: Annotated[Entity | None, Query()] = None,
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
