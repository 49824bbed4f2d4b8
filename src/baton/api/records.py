"""POST / GET / PATCH for leads, accounts, opportunities and activities."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from baton.api.body import json_body, split_batch
from baton.api.deps import BatonDep, HandoffWriter, Ingest, PathId, Read, actor_of
from baton.api.guard import GuardedRoute
from baton.api.lifecycle import refused
from baton.api.openapi import batch_body
from baton.domain.handoff import Side
from baton.services.handoff.gate import HandoffBlocked
from baton.services.lifecycle.status import StatusRefused
from baton.services.outcomes import Rejected, errors_from_validation
from baton.services.records.deals import NotTheirs
from baton.services.records.idempotency import IdempotencyConflict
from baton.services.records.intake import Submission, SubmissionResult, submit
from baton.services.records.kinds import KINDS, RecordKind
from baton.services.records.payloads import AccountPatch, LeadPatch, OpportunityPatch
from baton.services.records.updates import patch_record
from baton.services.records.views import record_view

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
PATHS = {
    "lead": "leads",
    "account": "accounts",
    "opportunity": "opportunities",
    "activity": "activities",
}
PATCHES: dict[str, type[BaseModel]] = {
    "lead": LeadPatch,
    "account": AccountPatch,
    "opportunity": OpportunityPatch,
}


def build_router() -> APIRouter:
    router = APIRouter(prefix="/v1", route_class=GuardedRoute)
    for entity, path in PATHS.items():
        _add_routes(router, KINDS[entity], path)
    return router


def _add_routes(router: APIRouter, kind: RecordKind, path: str) -> None:
    tag = path.capitalize()

    @router.post(
        f"/{path}",
        tags=[tag],
        summary=f"Send one {kind.entity} or a batch",
        openapi_extra=batch_body(kind.payload),
        status_code=201,
        responses={
            200: {"description": "already stored (same external_id or Idempotency-Key)"},
            422: {"description": "invalid"},
        },
    )
    async def create(
        request: Request, baton: BatonDep, token: Ingest, idempotency_key: IdempotencyKey = None
    ) -> JSONResponse:
        items, is_batch = split_batch(await json_body(request))
        sub = Submission(
            kind, items, actor_of(token), idempotency_key=idempotency_key, sides=token.sides
        )
        reads = token.allows("read")
        return await run_in_threadpool(_store, baton, sub, is_batch, reads)  # loop stays free

    @router.get(f"/{path}/{{record_id}}", tags=[tag], summary=f"Read one {kind.entity}")
    def read(record_id: PathId, baton: BatonDep, token: Read) -> dict[str, Any]:
        with baton.db.read() as conn:
            view = record_view(conn, kind, record_id, baton.clock.now())
        if view is None:
            raise HTTPException(404, f"no {kind.entity} {record_id}")
        return view

    patch_model = PATCHES.get(kind.entity)
    if patch_model is None:
        return

    @router.patch(
        f"/{path}/{{record_id}}",
        tags=[tag],
        summary=f"Change fields of one {kind.entity}",
        openapi_extra=batch_body(patch_model, batch=False),
    )
    async def change(
        record_id: PathId, request: Request, baton: BatonDep, token: HandoffWriter
    ) -> dict[str, Any]:
        if kind.entity != "opportunity" and not token.allows("ingest"):  # cs: a deal's intake
            raise HTTPException(403, f"token '{token.name}' lacks the 'ingest' scope")
        body = await json_body(request)
        try:
            patch = patch_model.model_validate_json(request_json(body), strict=True)
        except ValidationError as exc:
            raise HTTPException(422, [e.as_dict() for e in errors_from_validation(exc)]) from exc
        if not patch.model_fields_set:
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body"],
                        "field": "(body)",
                        "message": f"nothing to change: send at least one field of the "
                        f"{kind.entity}",
                        "type": "missing",
                    }
                ],
            )
        args = (baton, kind, record_id, patch, actor_of(token), token.sides)
        return await run_in_threadpool(_change, *args, token.allows("read"))


def _store(baton: BatonDep, sub: Submission, is_batch: bool, reads: bool) -> JSONResponse:
    """The write of a POST, in a worker thread: the event loop never waits for the database."""
    try:
        result = submit(baton, sub)
    except IdempotencyConflict as exc:
        raise HTTPException(409, str(exc)) from exc
    if is_batch:
        return _batch_response(result)
    return _single_response(baton, sub.kind, result, reads)


def _change(
    baton: BatonDep,
    kind: RecordKind,
    record_id: int,
    patch: Any,
    actor: str,
    sides: frozenset[Side],
    reads: bool,
) -> dict[str, Any]:
    """The write of a PATCH, in a worker thread, and the record as it is after it (to a
    token that may read it)."""
    try:
        changed = patch_record(baton, kind, record_id, patch, actor, sides)
    except NotTheirs as exc:  # the other side's handoff fields: nothing was kept
        raise HTTPException(403, {"message": str(exc), "fields": list(exc.names)}) from exc
    except LookupError:
        raise HTTPException(404, f"no {kind.entity} {record_id}") from None
    except Rejected as exc:
        raise HTTPException(422, [e.as_dict() for e in exc.errors]) from exc
    except StatusRefused as exc:
        raise refused(exc) from exc
    except HandoffBlocked as exc:  # nothing of the change was kept
        raise HTTPException(409, exc.as_dict()) from exc
    if not reads:  # a token that may change but not read: which fields, not their values
        return {"id": record_id, "status": "changed" if changed else "unchanged"}
    with baton.db.read() as conn:
        view = record_view(conn, kind, record_id, baton.clock.now())
    return {"changed": changed, kind.entity: view}


def request_json(body: Any) -> str:
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
    return json.dumps(body)


def _single_response(
    baton, kind: RecordKind, result: SubmissionResult, reads: bool
) -> JSONResponse:
    if result.replayed is not None:
        record_id = result.replayed.body[0].get("id")
        if record_id is None:
            return JSONResponse({"detail": result.replayed.body[0].get("errors")}, status_code=422)
        status = 200
    else:
        item = result.results[0]
        if item.status == "rejected":
            return JSONResponse({"detail": [e.as_dict() for e in item.errors]}, status_code=422)
        record_id, status = item.id, 201 if item.status == "created" else 200
    headers = {"Location": f"/v1/{PATHS[kind.entity]}/{record_id}"}
    if not reads:  # a token that may send but not read gets no stored data back
        answer = {"id": record_id, "status": "created" if status == 201 else "existing"}
        if result.results and result.results[0].warnings:
            answer["warnings"] = result.results[0].warnings
        return JSONResponse(answer, status_code=status, headers=headers)
    with baton.db.read() as conn:
        view = record_view(conn, kind, record_id, baton.clock.now())
    if result.results and result.results[0].warnings:
        view = {**view, "warnings": result.results[0].warnings}
    return JSONResponse(view, status_code=status, headers=headers)


def _batch_response(result: SubmissionResult) -> JSONResponse:
    if result.replayed is not None:
        items = result.replayed.body
        status = 200
    else:
        items = [r.as_dict() for r in result.results]
        created = result.count("created")
        status = 201 if created else (200 if result.count("existing") else 422)
    counts = {
        s: sum(1 for i in items if i["status"] == s) for s in ("created", "existing", "rejected")
    }
    return JSONResponse({**counts, "items": items}, status_code=status)
