"""People: create, read, change availability (active flag, out-of-office periods)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from baton.api.body import json_body
from baton.api.deps import Admin, BatonDep, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.api.openapi import batch_body
from baton.services.jsonable import jsonable
from baton.services.outcomes import Rejected, errors_from_validation
from baton.services.people import directory
from baton.services.people.directory import patch_person, person_view
from baton.services.people.payloads import PersonIn, PersonPatch
from baton.store.tables import people

router = APIRouter(prefix="/v1/people", tags=["People"], route_class=GuardedRoute)


def _validate(model: type[BaseModel], body: Any) -> Any:
    if not isinstance(body, dict):
        raise HTTPException(
            422,
            [
                {
                    "loc": [],
                    "field": "(body)",
                    "message": "expected a JSON object",
                    "type": "type_error",
                }
            ],
        )
    try:
        return model.model_validate_json(json.dumps(body), strict=True)
    except ValidationError as exc:
        raise HTTPException(422, [e.as_dict() for e in errors_from_validation(exc)]) from exc


@router.post(
    "", summary="Add a person", status_code=201, openapi_extra=batch_body(PersonIn, batch=False)
)
async def add_person(request: Request, baton: BatonDep, token: Admin) -> JSONResponse:
    item = _validate(PersonIn, await json_body(request))
    return await run_in_threadpool(_add, baton, item, actor_of(token))  # the loop stays free


def _add(baton: BatonDep, item: PersonIn, actor: str) -> JSONResponse:
    try:
        person_id, created = directory.add_person(baton, item, actor)
    except Rejected as exc:
        raise HTTPException(422, [e.as_dict() for e in exc.errors]) from exc
    with baton.db.read() as conn:
        view = person_view(conn, person_id)
    return JSONResponse(jsonable(view), status_code=201 if created else 200)


@router.get("", summary="List people")
def list_people(
    baton: BatonDep, token: Read, active: bool | None = None, team: str | None = None
) -> list[dict[str, Any]]:
    query = select(people).order_by(people.c.id)
    if active is not None:
        query = query.where(people.c.active == active)
    if team:
        query = query.where(people.c.team_id == team)
    with baton.db.read() as conn:
        return jsonable([dict(r._mapping) for r in conn.execute(query)])


@router.get("/{person_id}", summary="Read one person with their out-of-office periods")
def read_person(person_id: str, baton: BatonDep, token: Read) -> dict[str, Any]:
    with baton.db.read() as conn:
        view = person_view(conn, person_id)
    if view is None:
        raise HTTPException(404, f"no person '{person_id}'")
    return jsonable(view)


@router.patch(
    "/{person_id}",
    summary="Change a person: active flag, out-of-office periods, …",
    openapi_extra=batch_body(PersonPatch, batch=False),
)
async def change_person(
    person_id: str, request: Request, baton: BatonDep, token: Admin
) -> dict[str, Any]:
    patch = _validate(PersonPatch, await json_body(request))
    return await run_in_threadpool(_change, baton, person_id, patch, actor_of(token))


def _change(baton: BatonDep, person_id: str, patch: PersonPatch, actor: str) -> dict[str, Any]:
    try:
        patch_person(baton, person_id, patch, actor)
    except LookupError:
        raise HTTPException(404, f"no person '{person_id}'") from None
    except Rejected as exc:
        raise HTTPException(422, [e.as_dict() for e in exc.errors]) from exc
    with baton.db.read() as conn:
        return jsonable(person_view(conn, person_id))
