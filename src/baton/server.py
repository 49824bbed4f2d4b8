"""The HTTP application: the API and the dashboard composed, error shapes, and the worker
in the same process."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from baton import __version__
from baton.api import alerts, events, handoff, lifecycle, people, records, reports, routing, system
from baton.api import health as health_api
from baton.api import ownership as ownership_api
from baton.api.body_limit import BodyLimit
from baton.api.openapi import install_openapi
from baton.bootstrap import Baton, open_baton
from baton.settings import Settings
from baton.web.app import install_web
from baton.worker import Worker, warm_analytics

DESCRIPTION = """Baton routes every inbound lead to the right owner, runs business-hours SLA
clocks, and keeps an append-only log of every change.

Authenticate with `Authorization: Bearer TOKEN` \
(`baton token create --scope ingest --name my-form`).
Send one record as a JSON object or up to 1,000 as `{"items": [...]}`; valid items are stored,
invalid ones are reported by index. Re-sending a record with the same `external_id` +
`source_system`, or the same `Idempotency-Key` header, returns the stored record (200), not a copy.
"""


def create_app(baton: Baton, *, worker: Worker | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if worker:
            worker.start()
        warm_analytics(baton)  # the dashboard's mirror, copied in a thread of its own
        yield
        if worker:
            worker.stop()

    app = FastAPI(title="Baton", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.baton = baton
    app.include_router(system.router)
    app.include_router(records.build_router())
    app.include_router(people.router)
    app.include_router(events.router)
    app.include_router(routing.router)
    app.include_router(lifecycle.router)
    app.include_router(handoff.router)
    app.include_router(handoff.reports_router)
    app.include_router(alerts.router)
    app.include_router(reports.router)
    app.include_router(health_api.router)
    ownership_api.install(app)  # its router, and a blocked owner change anywhere → 409
    install_openapi(app)
    install_web(
        app, baton
    )  # the dashboard at / (session cookie); the API above keeps bearer tokens
    app.add_middleware(BodyLimit, limit=baton.settings.max_body_bytes)  # outermost: first

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            errors.append(
                {
                    "loc": list(err["loc"]),
                    "field": ".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]),
                    "message": err["msg"],
                    "type": err["type"],
                }
            )
        return JSONResponse({"detail": errors}, status_code=422)

    return app


def app_from_env() -> FastAPI:
    """An API process of ``baton serve --workers N``: Baton opened from the environment
    (BATON_WORKSPACE, BATON_DATABASE_URL …, set by the supervising process, which migrated
    the database and runs the background worker), without a worker of its own."""
    return create_app(open_baton(Settings.from_env(), migrate=False))
