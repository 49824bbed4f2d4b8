"""Slack through the Web API (``chat.postMessage``): a DM to the person's member id,
or a post to one channel.

Each message carries its alert key in Slack message metadata, so a worker that
died after posting can look the message up (``conversations.history``) instead
of posting it twice. slack-sdk's own retries are off: a blind retry after a lost
response would post a duplicate; the delivery service retries with backoff and
honours ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from baton.notify import DeliveryError, Message, Sent

EVENT_TYPE = "baton_alert"
DEFAULT_BASE_URL = "https://slack.com/api/"


class SlackNotifier:
    def __init__(
        self,
        token: str,
        *,
        channel: str | None = None,
        base_url: str | None = None,
        timeout: float = 10,
    ) -> None:
        self.channel = channel
        self.client = WebClient(
            token=token,
            base_url=base_url or DEFAULT_BASE_URL,
            timeout=int(max(1, timeout)),
            retry_handlers=[],
        )

    def address_of(self, person: dict[str, Any], *, silent: bool = False) -> str | None:
        return self.channel or person.get("slack_id")

    def send(self, message: Message, address: str, *, recovering: bool = False) -> Sent:
        if recovering:
            found = self._find(message.key, address)
            if found:
                return Sent(found, found=True)
        text, blocks = message.slack_text or message.text, message.blocks
        if self.channel and message.mention:  # a shared channel: say whose alert it is
            text = f"<@{message.mention}> {text}"
            blocks = [
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": f"For <@{message.mention}>"},
                },
                *blocks,
            ]
        try:
            response = self.client.chat_postMessage(
                channel=address,
                text=text,
                blocks=blocks or None,
                unfurl_links=False,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": message.key}},
            )
        except SlackApiError as exc:
            raise DeliveryError(f"slack: {_error_of(exc)}", retry_after=_retry_after(exc)) from exc
        except Exception as exc:  # connection refused, timeout, TLS: the message may not have left
            raise DeliveryError(f"slack: {type(exc).__name__}: {exc}") from exc
        return Sent(f"{response['channel']}:{response['ts']}")

    def _find(self, key: str, address: str) -> str | None:
        """The ``channel:ts`` of an earlier post of ``key`` in recent history, if Slack lets
        us look."""
        try:
            channel = address
            if address[:1] in ("U", "W"):  # a DM: history is read on the IM channel
                channel = self.client.conversations_open(users=address)["channel"]["id"]
            history = self.client.conversations_history(
                channel=channel, limit=200, include_all_metadata=True
            )
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise DeliveryError(
                    "slack: rate limited while checking for an earlier post",
                    retry_after=_retry_after(exc),
                ) from exc
            # e.g. missing_scope (im:history): cannot tell, so send (the documented
            # at-least-once window)
            return None
        except Exception as exc:
            raise DeliveryError(f"slack: {type(exc).__name__}: {exc}") from exc
        for item in history.get("messages", []):
            meta = item.get("metadata") or {}
            if (
                meta.get("event_type") == EVENT_TYPE
                and (meta.get("event_payload") or {}).get("key") == key
            ):
                return f"{channel}:{item['ts']}"
        return None

    def close(self) -> None:
        pass


def _error_of(exc: SlackApiError) -> str:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return f"HTTP {exc.response.status_code} {data.get('error') or str(exc.response.data)[:200]}"


def _retry_after(exc: SlackApiError) -> float | None:
    headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
