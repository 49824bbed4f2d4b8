"""One guard in front of every API operation: what FastAPI parses (bodies, path and query
parameters) is held to the same rules as the bodies Baton reads itself (``api/body.py``),
so hostile input is a 400 or 422 naming the place, alike on SQLite and PostgreSQL.

Every router of the API is built with ``route_class=GuardedRoute``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

from baton.api.body import parse_json


class GuardedRequest(Request):
    """A request whose JSON body is read by ``parse_json`` (NaN, 1e999, NUL, depth)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


def check_parameters(request: Request) -> None:
    """A NUL character in a path or query parameter: 422 naming it (PostgreSQL cannot
    compare or store it; SQLite would look it up and find nothing)."""
    places = [("path", k, v) for k, v in request.path_params.items()] + [
        ("query", k, v) for k, v in request.query_params.multi_items()
    ]
    problems = [
        {
            "loc": [where, name],
            "field": name,
            "message": "contains a NUL character (%00), which cannot be stored or looked up",
            "type": "string_nul",
        }
        for where, name, value in places
        if isinstance(value, str) and "\x00" in value
    ]
    if problems:
        raise HTTPException(422, problems)


class GuardedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            check_parameters(request)
            return await handler(GuardedRequest(request.scope, request.receive))

        return guarded
