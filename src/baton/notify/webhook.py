"""Generic webhooks: a JSON POST signed with HMAC-SHA256.

Receivers verify ``X-Baton-Signature: v1=<hex>`` where ``<hex>`` is
HMAC-SHA256(secret, f"{X-Baton-Timestamp}." + raw body), reject timestamps older
than five minutes, and de-duplicate on ``X-Baton-Idempotency-Key`` (the same on
every retry of one alert). ``verify()`` below is that check; docs/alerts.md shows
it for receivers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from baton import __version__
from baton.notify import DeliveryError, Message, Sent

SIGNATURE_HEADER = "X-Baton-Signature"
TIMESTAMP_HEADER = "X-Baton-Timestamp"
KEY_HEADER = "X-Baton-Idempotency-Key"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(
    secret: str,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float,
    tolerance: float = TOLERANCE_SECONDS,
) -> bool:
    """True when ``signature`` is ours for this body and the timestamp is recent."""
    try:
        fresh = abs(now - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookNotifier:
    def __init__(
        self, url: str, secret: str, *, silent_url: str | None = None, timeout: float = 10
    ) -> None:
        self.url, self.secret, self.silent_url = url, secret, silent_url
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": f"Baton/{__version__}"})

    def address_of(self, person: dict[str, Any], *, silent: bool = False) -> str | None:
        return self.silent_url if silent else self.url

    def send(self, message: Message, address: str, *, recovering: bool = False) -> Sent:
        body = json.dumps(
            message.payload, separators=(",", ":"), sort_keys=True, default=str
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self.secret, timestamp, body),
            KEY_HEADER: message.key,
        }
        try:
            response = self.client.post(address, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return Sent(response.headers.get("x-request-id") or message.key)
        raise DeliveryError(
            f"webhook: HTTP {response.status_code} {response.text[:200]}",
            retry_after=_retry_after(response),
        )

    def close(self) -> None:
        self.client.close()


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None
