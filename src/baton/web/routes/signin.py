"""Sign in, sign out, and ``/`` (the first page the user may open)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from baton.api.deps import BatonDep
from baton.services.people.users import authenticate
from baton.web.auth import (
    SESSION_USER,
    ViewerDep,
    WebError,
    require_csrf,
    start_session,
)
from baton.web.render import render

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
    if request.session.get(SESSION_USER):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "signin.html", {"next": safe_next(next), "error": None, "username": ""})


@router.post("/signin")
async def signin(request: Request, baton: BatonDep) -> Response:
    await require_csrf(request)
    form = await request.form()
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    user = None
    if username and password:  # a password hash and a read: not on the event loop
        user = await run_in_threadpool(authenticate, baton.db, username, password)
    target = safe_next(str(form.get("next") or ""))
    if user is None:
        return render(
            request,
            "signin.html",
            {"next": target, "error": "Wrong user name or password.", "username": username},
            status=401,
        )
    start_session(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/signout")
async def signout(request: Request) -> Response:
    await require_csrf(request)
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)
