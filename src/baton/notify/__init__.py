"""Alert delivery adapters: Slack, email and signed webhooks, each behind ``Notifier``.

A notifier sends one rendered ``Message`` to one address and returns the
provider's message id, or raises ``DeliveryError`` (with ``retry_after`` when the
provider asked us to slow down). Retrying, fallback and bookkeeping are the
delivery service's job, not the adapter's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["DeliveryError", "Message", "Notifier", "Sent"]


@dataclass(frozen=True)
class Message:
    """One alert rendered for one channel type."""

    key: str  # the alert's idempotency key: the same on every retry
    kind: str
    subject: str
    text: str  # the plain-text body (email)
    thread: str  # groups messages about the same thing (email References)
    slack_text: str = ""  # Slack mrkdwn (the notification text beside the blocks)
    mention: str | None = None  # the recipient's Slack id, named when posting to a shared channel
    blocks: list[dict[str, Any]] = field(default_factory=list)  # Slack only
    payload: dict[str, Any] = field(default_factory=dict)  # webhook body
    html: str = ""  # an HTML alternative of ``text`` (email), when the kind has one


@dataclass(frozen=True)
class Sent:
    provider_message_id: str
    found: bool = (
        False  # True: an earlier, unrecorded attempt had delivered it; nothing was re-sent
    )


class DeliveryError(Exception):
    """The provider did not take the message; ``retry_after`` is its requested wait in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Notifier(Protocol):
    """Sends a message to an address (a Slack id, an email address, a URL)."""

    def address_of(self, person: dict[str, Any]) -> str | None:
        """Where this channel reaches ``person`` (a row of ``people``); None: it cannot."""
        ...

    def send(self, message: Message, address: str, *, recovering: bool = False) -> Sent:
        """Deliver; with ``recovering``, first look for an earlier delivery of ``message.key``."""
        ...

    def close(self) -> None: ...
