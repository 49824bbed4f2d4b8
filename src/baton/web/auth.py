"""Who is looking: the signed session cookie, the CSRF token, and the ``Viewer``
(user + time zone) every page depends on.

The session (Starlette's signed cookie, HttpOnly, SameSite=Lax, Secure with
``BATON_COOKIE_SECURE``) holds only a session id and the CSRF token; the session is
kept server-side (``services/people/sessions.py``) and read with its user on each
request, so signing out, a new password or disabling the user ends it at once, for
every copy of the cookie. Every POST must carry the session's CSRF token,
as the ``csrf_token`` form field or the ``X-CSRF-Token`` header (htmx requests:
``static/js/baton.js`` adds it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from sqlalchemy import select

from baton.api.deps import BatonDep
from baton.services.people.sessions import session_user
from baton.services.people.users import User
from baton.store.tables import people
from baton.web.filters import FilterError, Filters, parse_filters
from baton.web.zones import resolve_zone, workspace_zone_name

SESSION_ID = "sid"
SESSION_CSRF = "csrf"
SESSION_FLASH = "flash"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """No signed-in user: the web app answers with a redirect to the sign-in page."""


class WebError(Exception):
    """An error page for a person: status code and what happened."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Viewer:
    user: User
    person_name: str | None
    zone: ZoneInfo
    zone_problem: str | None  # a bad ?tz=, reported by the filters
    tz: str | None  # a good ?tz=, kept in links

    @property
    def display_name(self) -> str:
        return self.person_name or self.user.username


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


async def require_csrf(request: Request) -> None:
    """Dependency for every POST route: the session's token must come back."""
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        sent = (await request.form()).get(CSRF_FIELD)
    if (
        not expected
        or not isinstance(sent, str)
        or not secrets.compare_digest(sent.encode(), expected.encode())
    ):
        raise WebError(
            403,
            "This form has expired or did not come from Baton (missing or wrong CSRF token)."
            " Reload the page and try again.",
        )
    form = await request.form()
    bad = [k for k, v in form.multi_items() if "\x00" in k or (isinstance(v, str) and "\x00" in v)]
    if bad:  # PostgreSQL cannot store it; SQLite would: refuse it alike on both
        raise WebError(400, f"The field '{bad[0][:60]}' contains a NUL character; remove it.")


def start_session(request: Request, session_id: str) -> None:
    """The cookie of a session just opened (``services/people/signin.py``): a new CSRF token too."""
    request.session.clear()
    request.session[SESSION_ID] = session_id
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)


def flash(request: Request, message: str) -> None:
    """A one-line notice shown on the next page rendered (after a redirect)."""
    request.session[SESSION_FLASH] = message


def client_address(request: Request) -> str:
    """The client's address (from a trusted proxy's X-Forwarded-For: ``web/transport.py``)."""
    return (request.client.host if request.client else None) or "unknown"


def get_viewer(request: Request, baton: BatonDep) -> Viewer:
    session_id = request.session.get(SESSION_ID)
    with baton.db.read() as conn:
        user = (
            session_user(conn, session_id, baton.clock.now())
            if isinstance(session_id, str)
            else None
        )
        if user is None:
            if session_id is not None:  # ended or expired: /signin must not bounce back here
                request.session.clear()
            raise SignInRequired()
        person = (
            conn.execute(
                select(people.c.name, people.c.timezone).where(people.c.id == user.person_id)
            ).first()
            if user.person_id
            else None
        )
        workspace_zone = workspace_zone_name(conn)
    requested = request.query_params.get("tz") or None
    zone, problem = resolve_zone(requested, person.timezone if person else None, workspace_zone)
    viewer = Viewer(
        user, person.name if person else None, zone, problem, requested if problem is None else None
    )
    request.state.viewer = viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def get_filters(request: Request, viewer: ViewerDep, baton: BatonDep) -> Filters:
    """The page's filters from its URL; bad ones become a 400 page listing each problem."""
    try:
        filters = parse_filters(
            request.query_params, now=baton.clock.now(), zone=viewer.zone, tz=viewer.tz
        )
    except FilterError as exc:
        raise FilterError(
            [viewer.zone_problem, *exc.messages] if viewer.zone_problem else exc.messages,
            exc.params,
        ) from None
    if viewer.zone_problem:
        raise FilterError([viewer.zone_problem], request.query_params)
    request.state.filters = filters
    return filters


FiltersDep = Annotated[Filters, Depends(get_filters)]


def page_guard(key: str):
    """Dependency: the viewer's role may open page ``key`` (see ``baton.web.pages``)."""

    def check(request: Request, viewer: ViewerDep) -> None:
        if not request.app.state.pages.get(key).allows(viewer.user):
            raise WebError(403, f"Your role ({viewer.user.role.value}) cannot open this page.")

    return Depends(check)
