"""What the connection says about the client, believed only from a trusted proxy.

``TrustedProxies``: when the peer is one of ``BATON_TRUSTED_PROXIES``, the client's
address is the right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy,
and the scheme is ``X-Forwarded-Proto``; from anyone else both headers are ignored (a
client cannot choose the address the sign-in throttle counts). ``StrictTransport``: the
``Strict-Transport-Security`` header on every response when the cookie is ``Secure``.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Networks = Sequence[IPv4Network | IPv6Network]


def is_trusted(host: str | None, proxies: Networks) -> bool:
    try:
        address = ip_address((host or "").strip())
    except ValueError:
        return False
    return any(address in network for network in proxies)


def forwarded_client(peer: str | None, forwarded_for: str | None, proxies: Networks) -> str | None:
    """The client's address as far as the trusted proxies vouch for it."""
    if not is_trusted(peer, proxies) or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, proxies):
            return hop[:64]
    return hops[0][:64] if hops else peer


class TrustedProxies:
    """Rewrites the scope's client (and scheme) from a trusted proxy's forwarding headers."""

    def __init__(self, app: ASGIApp, proxies: Networks) -> None:
        self.app, self.proxies = app, tuple(proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies:
            peer, port = scope.get("client") or (None, 0)
            if is_trusted(peer, self.proxies):
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
                scope = dict(scope)
                client = forwarded_client(peer, headers.get("x-forwarded-for"), self.proxies)
                scope["client"] = (client, port)
                proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = (
                        proto if scope["type"] == "http" else proto.replace("http", "ws")
                    )
        await self.app(scope, receive, send)


class StrictTransport:
    """Adds ``Strict-Transport-Security: max-age=…`` to every HTTP response."""

    def __init__(self, app: ASGIApp, max_age_seconds: int) -> None:
        self.app, self.value = app, f"max-age={max_age_seconds}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Strict-Transport-Security"] = self.value
            await send(message)

        await self.app(scope, receive, send_with_header)
