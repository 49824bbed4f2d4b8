"""Sign in, sign out, and ``/`` (the first page the user may open)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from baton.api.deps import BatonDep
from baton.services.people.sessions import end_session
from baton.services.people.signin import sign_in
from baton.web.auth import (
    SESSION_ID,
    ViewerDep,
    WebError,
    client_address,
    require_csrf,
    start_session,
)
from baton.web.render import render
from baton.web.units import duration

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/")
def home(request: Request, viewer: ViewerDep) -> Response:
    first = request.app.state.pages.home(viewer.user)
    if first is None:
        raise WebError(403, "There is no page your role can open yet.")
    return RedirectResponse(first.path, status_code=303)


@router.get("/signin")
def signin_form(request: Request, next: str | None = None) -> Response:
    if request.session.get(SESSION_ID):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "signin.html", {"next": safe_next(next), "error": None, "username": ""})


@router.post("/signin")
async def signin(request: Request, baton: BatonDep) -> Response:
    await require_csrf(request)
    form = await request.form()
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    if not (username and password):
        return _refused(request, target, username, "Wrong user name or password.", 401)
    # a password hash, reads and a write: not on the event loop
    result = await run_in_threadpool(sign_in, baton, username, password, client_address(request))
    if result.retry_after_seconds is not None:
        wait = result.retry_after_seconds
        shown = wait if wait < 60 else -(-wait // 60) * 60  # whole minutes, rounded up
        message = (
            f"Too many failed sign-ins from this name or address: try again in {duration(shown)}."
        )
        page = _refused(request, target, username, message, 429)
        page.headers["Retry-After"] = str(wait)
        return page
    if result.session_id is None:
        return _refused(request, target, username, "Wrong user name or password.", 401)
    start_session(request, result.session_id)
    return RedirectResponse(target, status_code=303)


def _refused(request: Request, target: str, username: str, error: str, status: int) -> Response:
    context = {"next": target, "error": error, "username": username}
    return render(request, "signin.html", context, status=status)


@router.post("/signout")
async def signout(request: Request, baton: BatonDep) -> Response:
    """The session ends on the server: a copy of the cookie stops working too."""
    await require_csrf(request)
    session_id = request.session.get(SESSION_ID)
    if isinstance(session_id, str):
        await run_in_threadpool(end_session, baton, session_id, f"web:{client_address(request)}")
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)
