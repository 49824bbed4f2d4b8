"""Health (open) and workspace versions (read)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from sqlalchemy import select, text

from baton.api.deps import BatonDep, PathId, Read
from baton.api.guard import GuardedRoute
from baton.reports.scope import health_limits
from baton.services.jsonable import jsonable
from baton.services.versions.versions import VersionError, get_version, list_versions
from baton.store.tables import worker_heartbeats

router = APIRouter(route_class=GuardedRoute)


@router.get("/healthz", tags=["System"], summary="Liveness: database reachable, worker heartbeat")
def healthz(baton: BatonDep) -> JSONResponse:
    try:
        with baton.db.read() as conn:
            conn.execute(text("SELECT 1"))
            beats = [dict(r._mapping) for r in conn.execute(select(worker_heartbeats))]
            silence = health_limits(conn).worker_silence
    except Exception as exc:  # the point of a health check is to report, not raise
        return JSONResponse({"status": "error", "database": str(exc)}, status_code=503)
    now = baton.clock.now()
    for beat in beats:  # silent past health.worker_silence: stale (expired after 10 of them)
        beat["stale"] = now - beat["beat_at"] > silence
    return JSONResponse({"status": "ok", "database": baton.db.dialect, "workers": jsonable(beats)})


@router.get("/v1/versions", tags=["Workspace"], summary="Workspace versions (the change log)")
def versions(baton: BatonDep, token: Read) -> list[dict[str, Any]]:
    with baton.db.read() as conn:
        return jsonable(list_versions(conn))


@router.get(
    "/v1/versions/{number}", tags=["Workspace"], summary="One version with its diff and document"
)
def version(number: PathId, baton: BatonDep, token: Read) -> dict[str, Any]:
    with baton.db.read() as conn:
        try:
            row = get_version(conn, number)
        except VersionError as exc:
            raise HTTPException(404, str(exc)) from exc
    data = {k: v for k, v in row._mapping.items() if k != "sources"}
    return jsonable(data)
