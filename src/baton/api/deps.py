"""Typed dependencies: the Baton instance and token checks by scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request

from baton.bootstrap import Baton
from baton.services.limits import MAX_ID
from baton.services.people.tokens import TokenInfo, verify_token


def get_baton(request: Request) -> Baton:
    return request.app.state.baton


BatonDep = Annotated[Baton, Depends(get_baton)]

# ids are 64-bit (services/limits.py): a larger one is a 422, never a database overflow
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="a record id (1 … 2^63 − 1)")]
AfterId = Annotated[int | None, Query(ge=0, le=MAX_ID, description="cursor: the last id you have")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a record id")]


def require(scope: str, *others: str) -> Callable[..., TokenInfo]:
    """A dependency that admits a bearer token holding ``scope`` or one of ``others`` (or
    admin)."""

    def check(request: Request, baton: BatonDep) -> TokenInfo:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(
                401,
                "missing bearer token: send 'Authorization: Bearer TOKEN' "
                "(create one with `baton token create`)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        with baton.db.read() as conn:
            info = verify_token(conn, token.strip())
        if info is None:
            raise HTTPException(
                401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"}
            )
        if not any(info.allows(s) for s in (scope, *others)):
            wanted = " or ".join(f"'{s}'" for s in (scope, *others))
            raise HTTPException(
                403,
                f"token '{info.name}' lacks the {wanted} scope "
                f"(it has: {', '.join(sorted(info.scopes))})",
            )
        return info

    return check


Ingest = Annotated[TokenInfo, Depends(require("ingest"))]
Read = Annotated[TokenInfo, Depends(require("read"))]
# Sales (ingest) or Customer Success (cs): a deal's handoff fields, each side its own
HandoffWriter = Annotated[TokenInfo, Depends(require("ingest", "cs"))]
Admin = Annotated[TokenInfo, Depends(require("admin"))]


def actor_of(token: TokenInfo) -> str:
    """Who acts, as the event log writes it: ``api:TOKEN-NAME`` (``cli:USER`` from the
    command line, ``web:USER`` from the dashboard)."""
    return f"api:{token.name}"
