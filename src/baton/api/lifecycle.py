"""A lead's lifecycle over HTTP: move it (MQL → SAL → SQL, or reject it with a reason)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from baton.api.deps import BatonDep, Ingest, PathId, actor_of
from baton.api.guard import GuardedRoute
from baton.domain.records import LeadStatus
from baton.services.jsonable import jsonable
from baton.services.lifecycle.status import StatusRefused, change_status

router = APIRouter(prefix="/v1", tags=["Lifecycle"], route_class=GuardedRoute)


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    status: LeadStatus = Field(description="where the lead goes", examples=["sal"], strict=False)
    reason: str | None = Field(
        None,
        max_length=200,
        description="required for recycled and disqualified: one of the workspace's "
        "lifecycle.rejection_reasons",
        examples=["no budget"],
    )
    note: str | None = Field(
        None, max_length=2000, description="anything the next person should know"
    )


class Moved(BaseModel):
    lead_id: int
    from_status: str
    to_status: str
    at: str
    stamp: str | None = Field(description="the date field stamped, e.g. sal_at")


def refused(exc: StatusRefused) -> HTTPException:
    """409 for a move the lifecycle does not allow (with the allowed ones), 422 for a
    rejection without a listed reason (with the reasons)."""
    if exc.kind == "reason":
        detail = [
            {
                "loc": ["body", "reason"],
                "field": "reason",
                "message": str(exc),
                "type": "value_error",
                "allowed": list(exc.allowed),
            }
        ]
        return HTTPException(422, detail)
    return HTTPException(409, {"message": str(exc), "allowed": list(exc.allowed)})


@router.post(
    "/leads/{lead_id}/status",
    summary="Move a lead through the lifecycle (stamps its date; rejections need a reason)",
    responses={
        404: {"description": "no such lead"},
        409: {"description": "not allowed"},
        422: {"description": "a rejection without a listed reason"},
    },
)
def move_lead(lead_id: PathId, body: StatusIn, baton: BatonDep, token: Ingest) -> Moved:
    try:
        moved = change_status(
            baton, lead_id, body.status, actor_of(token), reason=body.reason, note=body.note
        )
    except LookupError:
        raise HTTPException(404, f"no lead {lead_id}") from None
    except StatusRefused as exc:
        raise refused(exc) from exc
    data: dict[str, Any] = jsonable(vars(moved))
    return Moved(**data)
