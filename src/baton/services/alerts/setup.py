"""The live ``alerts:`` configuration turned into what delivery needs: routes, the
retry policy, a renderer, and one notifier per channel (secrets read from the
environment variables the workspace names, here and nowhere else)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from baton.domain.alerts import RetryPolicy, Route
from baton.domain.calendar import BusinessCalendar
from baton.notify import DeliveryError, Message, Notifier, Sent
from baton.services.live import live_workspace
from baton.workspace.alerts_schema import AlertsSpec, ChannelSpec, parse_span
from baton.workspace.spec import WorkspaceSpec


class Unavailable:
    """A channel that cannot work (its secret variable is unset): every send fails, and is
    retried."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def address_of(self, person: Mapping[str, Any], *, silent: bool = False) -> str | None:
        return "-"

    def send(self, message: Message, address: str, *, recovering: bool = False) -> Sent:
        raise DeliveryError(self.reason)

    def close(self) -> None:
        pass


def _secret(name: str | None, environ: Mapping[str, str]) -> str | None:
    if not name:
        return None
    value = environ.get(name)
    if not value:
        raise LookupError(f"environment variable {name} is not set")
    return value


def build_notifier(spec: ChannelSpec, environ: Mapping[str, str] = os.environ) -> Notifier:
    """A notifier for one channel spec (already checked by `baton check`)."""
    from baton.notify.email import EmailNotifier
    from baton.notify.slack import SlackNotifier
    from baton.notify.webhook import WebhookNotifier

    try:
        if spec.type == "slack":
            return SlackNotifier(
                _secret(spec.token_env, environ) or "",
                channel=spec.channel,
                base_url=spec.base_url,
                timeout=spec.timeout_seconds,
            )
        if spec.type == "email":
            return EmailNotifier(
                spec.host or "localhost",
                spec.port or 587,
                sender=spec.sender or "baton@localhost",
                security=spec.security,
                username=_secret(spec.username_env, environ),
                password=_secret(spec.password_env, environ),
                timeout=spec.timeout_seconds,
            )
        return WebhookNotifier(
            spec.url or "",
            _secret(spec.secret_env, environ) or "",
            silent_url=spec.silent_url,
            timeout=spec.timeout_seconds,
        )
    except LookupError as exc:
        return Unavailable(f"{spec.type}: {exc.args[0]}")


@dataclass
class AlertSetup:
    spec: AlertsSpec
    workspace: WorkspaceSpec
    version: int
    content_hash: str
    calendars: Mapping[str, BusinessCalendar] = field(default_factory=dict)
    notifiers: dict[str, Notifier] = field(default_factory=dict)

    @property
    def routes(self) -> list[Route]:
        if not self.spec.routes:  # no routes: every kind uses every channel, in the order written
            return [Route(("*",), tuple(self.spec.channels))]
        return [Route(tuple(r.kinds), tuple(r.channels), r.mode.value) for r in self.spec.routes]

    @property
    def retry(self) -> RetryPolicy:
        r = self.spec.retry
        return RetryPolicy(
            parse_span(r.first_delay), parse_span(r.max_delay), parse_span(r.give_up_after)
        )

    def notifier(self, channel: str) -> Notifier:
        if channel not in self.notifiers:
            spec = self.spec.channels.get(channel)
            self.notifiers[channel] = (
                build_notifier(spec)
                if spec
                else Unavailable(f"no channel '{channel}' under alerts.channels")
            )
        return self.notifiers[channel]

    def close(self) -> None:
        for notifier in self.notifiers.values():
            notifier.close()


def load_setup(conn: Connection, previous: AlertSetup | None = None) -> AlertSetup | None:
    """The live setup; ``previous`` (and its open notifiers) is reused while the live version
    is unchanged."""
    live = live_workspace(conn)
    if previous is not None and live is not None and previous.content_hash == live.content_hash:
        return previous
    if previous is not None:
        previous.close()
    if live is None or live.alerts is None:
        return None
    return AlertSetup(
        spec=live.alerts,
        workspace=live.spec,
        version=live.version,
        content_hash=live.content_hash,
        calendars=live.calendars,
    )
