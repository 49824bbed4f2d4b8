"""The web dashboard inside the API's FastAPI app: pages at ``/``, static files at
``/static``, a signed session cookie. The JSON API under ``/v1`` keeps its bearer
tokens; only the pages below use the session."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from baton.bootstrap import Baton
from baton.services.limits import MAX_ID
from baton.web.auth import SignInRequired, WebError
from baton.web.filters import FilterError
from baton.web.pages import PageRegistry
from baton.web.render import render
from baton.web.routes import (
    feedback,
    funnel,
    handoff,
    health,
    leads,
    overview,
    ownership,
    people,
    routing,
    signin,
    sla,
    speed,
    workspace,
)
from baton.web.secret import session_secret
from baton.web.transport import StrictTransport, TrustedProxies

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "baton_session"
# The pages, in no particular order (each PAGE has its place in the navigation).
# A page that is not listed here does not exist: it is neither routed nor linked.
SECTIONS = (
    overview,
    health,
    sla,
    speed,
    funnel,
    feedback,
    leads,
    people,
    ownership,
    handoff,
    routing,
    workspace,
)
API_PREFIX = "/v1"  # the JSON API: its errors stay JSON whatever the client accepts


def install_web(app: FastAPI, baton: Baton) -> None:
    """Add the dashboard's routes, static files, session middleware and error pages to ``app``."""
    registry = PageRegistry()
    for section in SECTIONS:
        registry.add(section.PAGE)
        app.include_router(section.router)
    app.include_router(
        signin.router
    )  # after the pages: the Overview answers / before signin's redirect to the first page
    app.state.pages = registry
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(AddressGuard)  # inside the session: its error page reads the session
    sessions = baton.settings.sessions
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(baton.settings.workspace),
        session_cookie=SESSION_COOKIE,
        max_age=sessions.max_age_seconds,  # the server-side session expires with it
        same_site="lax",
        https_only=sessions.cookie_secure,
    )
    if sessions.cookie_secure:
        app.add_middleware(StrictTransport, max_age_seconds=sessions.hsts_max_age_seconds)
    app.add_middleware(TrustedProxies, proxies=sessions.trusted_proxies)  # before who reads it
    app.add_exception_handler(SignInRequired, _to_signin)
    app.add_exception_handler(WebError, _error_page)
    app.add_exception_handler(FilterError, _filter_error_page)
    app.add_exception_handler(HTTPException, _http_error)


def _address_problem(path: str, query: bytes) -> tuple[int, str] | None:
    """(status, message) for a dashboard address no page can answer, before any query runs:
    a NUL character (PostgreSQL cannot even look it up), a number beyond 64 bits in the path."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if "\x00" in path or any("\x00" in k or "\x00" in v for k, v in pairs):
        return 400, "The address contains a NUL character (%00); remove it and try again."
    for part in path.split("/"):
        if part.isdigit() and (len(part) > 19 or int(part) > MAX_ID):
            return 404, f"There is no page at {path[:200]}."
    return None


class AddressGuard:
    """The dashboard's side of the API's guard (api/guard.py): an address no page can answer
    is the error page, never a database error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _is_api(scope["path"]):
            problem = _address_problem(scope["path"], scope.get("query_string", b""))
            if problem:
                status, message = problem
                context = {"status": status, "message": message}
                page = render(Request(scope, receive), "error.html", context, status=status)
                await page(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _is_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


async def _to_signin(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/signin?next={quote(target, safe='')}"
    if request.headers.get("hx-request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return render(
        request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status
    )


def wants_page(request: Request) -> bool:
    """A browser asking for a dashboard URL (not the API's): errors are shown as a page."""
    if _is_api(request.url.path):
        return False
    return "text/html" in request.headers.get("accept", "")


async def _http_error(request: Request, exc: Exception) -> Response:
    """A URL nobody answers (404), or a method it does not take (405): the dashboard's error
    page for a browser, the API's JSON ``{"detail": …}`` for everyone else."""
    assert isinstance(exc, HTTPException)
    if not wants_page(request) or exc.status_code not in (404, 405):
        return await http_exception_handler(request, exc)
    message = (
        f"There is no page at {request.url.path[:200]}."
        if exc.status_code == 404
        else f"{request.method} is not possible at {request.url.path[:200]}."
    )
    status = exc.status_code
    response = render(request, "error.html", {"status": status, "message": message}, status=status)
    response.headers.update(exc.headers or {})
    return response


async def _filter_error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FilterError)
    return render(
        request, "filter_error.html", {"messages": exc.messages, "params": exc.params}, status=400
    )
