"""Real-protocol stand-ins for tests and benches, on loopback: a Slack Web API
server (records calls; can answer 429 + Retry-After or 500), an SMTP server
(aiosmtpd, from the ``test`` extra), a webhook receiver that verifies the HMAC,
and an in-memory ``FakeNotifier``. Start one with ``with FakeSlack() as slack:``."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from baton.notify import DeliveryError, Message, Sent
from baton.notify.webhook import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

__all__ = ["FakeNotifier", "FakeSlack", "FakeWebhook", "SmtpSink", "free_port"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (aiosmtpd's Controller cannot take port 0: aiosmtpd #276)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Script:
    """Answers to force, in order, before the server behaves normally again."""

    queue: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def push(
        self, status: int, body: Any, headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        with self.lock:
            self.queue += [(status, headers or {}, data)] * times

    def pop(self) -> tuple[int, dict[str, str], bytes] | None:
        with self.lock:
            return self.queue.pop(0) if self.queue else None


class _Server:
    """A threaded HTTP server on a free loopback port; subclasses answer ``handle``."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.script = Script()
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                if outer.delay:
                    time.sleep(outer.delay)
                scripted = outer.script.pop()
                if scripted is not None:
                    outer.note(self.path, body)
                status, headers, data = scripted or outer.handle(
                    self.command, self.path, dict(self.headers), body
                )
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def note(self, path: str, body: bytes) -> None:
        """A request answered from the script (a forced 429 or 500)."""

    def start(self) -> _Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeSlack(_Server):
    """Slack's Web API as slack-sdk calls it: chat.postMessage, conversations.open/.history."""

    def __init__(self, token: str = "xoxb-test", delay: float = 0.0) -> None:
        super().__init__(delay)
        self.token = token
        self.calls: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self._ts = 1_700_000_000.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def keys(self) -> Counter:
        """How many times each alert key was posted."""
        return Counter(
            ((m.get("metadata") or {}).get("event_payload") or {}).get("key") for m in self.messages
        )

    def handle(self, method, path, headers, body):
        url = urlsplit(path)
        api = url.path.rsplit("/", 1)[-1]
        args = dict(parse_qsl(url.query))
        if body:
            args.update(
                json.loads(body)
                if "json" in headers.get("Content-Type", headers.get("content-type", ""))
                else dict(parse_qsl(body.decode()))
            )
        with self.lock:
            self.calls.append({"method": api, "args": args, "at": time.time()})
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        if auth != f"Bearer {self.token}":
            return 200, {}, json.dumps({"ok": False, "error": "invalid_auth"}).encode()
        answer = {
            "chat.postMessage": self._post,
            "conversations.open": self._open,
            "conversations.history": self._history,
        }.get(api)
        if answer is None:
            return 200, {}, json.dumps({"ok": False, "error": "unknown_method"}).encode()
        return 200, {}, json.dumps(answer(args)).encode()

    def note(self, path: str, body: bytes) -> None:
        with self.lock:
            self.calls.append(
                {
                    "method": urlsplit(path).path.rsplit("/", 1)[-1],
                    "args": {},
                    "at": time.time(),
                    "scripted": True,
                }
            )

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel", "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        channel = "D" + channel[1:] if channel[:1] in ("U", "W") else channel
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        with self.lock:
            self._ts += 1
            message = {
                "channel": channel,
                "ts": f"{self._ts:.6f}",
                "text": args.get("text"),
                "blocks": blocks,
                "metadata": metadata,
                "user_or_channel": args.get("channel"),
            }
            self.messages.append(message)
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "message": {"text": message["text"]},
        }

    def _open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", "")).split(",")[0]
        return {"ok": True, "channel": {"id": "D" + user[1:]}}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            found = [m for m in self.messages if m["channel"] == args.get("channel")]
        return {
            "ok": True,
            "messages": [
                {"ts": m["ts"], "text": m["text"], "metadata": m["metadata"]}
                for m in reversed(found)
            ],
        }

    def rate_limit(self, retry_after: int = 1, times: int = 1) -> None:
        self.script.push(
            429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}, times
        )

    def fail(self, status: int = 500, times: int = 1) -> None:
        self.script.push(
            status, b"<html>internal error</html>", {"Content-Type": "text/html"}, times
        )


class FakeWebhook(_Server):
    """Receives signed webhooks and checks the signature the documented way."""

    def __init__(self, secret: str = "whsec-test", delay: float = 0.0) -> None:
        super().__init__(delay)
        self.secret = secret
        self.received: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def keys(self) -> Counter:
        return Counter(r["key"] for r in self.received if r["verified"])

    def handle(self, method, path, headers, body):
        h = {k.lower(): v for k, v in headers.items()}
        ok = verify(
            self.secret,
            h.get(TIMESTAMP_HEADER.lower(), ""),
            h.get(SIGNATURE_HEADER.lower(), ""),
            body,
            time.time(),
        )
        with self.lock:
            self.received.append(
                {
                    "path": path,
                    "verified": ok,
                    "key": h.get(KEY_HEADER.lower()),
                    "payload": json.loads(body or b"null"),
                    "headers": h,
                }
            )
        return (204 if ok else 401), {}, b""

    def fail(self, status: int = 500, times: int = 1, retry_after: int | None = None) -> None:
        self.script.push(
            status,
            {"error": "unavailable"},
            {"Retry-After": str(retry_after)} if retry_after else {},
            times,
        )


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps every message."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.reject: Callable[[list[str]], str | None] = lambda rcpts: (
            None
        )  # return an SMTP reply to refuse a message

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                refusal = sink.reject(list(envelope.rcpt_tos))
                if refusal:
                    return refusal
                parsed = message_from_bytes(envelope.content, policy=policy.default)
                with sink.lock:
                    sink.messages.append(
                        {
                            "from": envelope.mail_from,
                            "to": list(envelope.rcpt_tos),
                            "message": parsed,
                        }
                    )
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def keys(self) -> Counter:
        return Counter(m["message"]["X-Baton-Alert-Key"] for m in self.messages)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeNotifier:
    """An in-memory ``Notifier``: keeps what it was given; ``failures`` makes sends fail first."""

    def __init__(
        self, field_name: str = "email", failures: list[DeliveryError] | None = None
    ) -> None:
        self.field_name = field_name
        self.sent: list[tuple[Message, str]] = []
        self.failures = list(failures or [])

    def address_of(self, person: dict[str, Any], *, silent: bool = False) -> str | None:
        return person.get(self.field_name)

    def send(self, message: Message, address: str, *, recovering: bool = False) -> Sent:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((message, address))
        return Sent(f"fake-{len(self.sent)}")

    def close(self) -> None:
        pass


def insert_alert(
    conn: Any,
    now: Any,
    recipient: str,
    *,
    key: str | None = None,
    kind: str = "sla.miss",
    role: str = "owner",
    lead_name: str = "Dana Diaz",
    lead_id: int | None = None,
    created_at: Any = None,
) -> int:
    """Write one pending alert to the outbox the way the SLA engine does (the caller commits)."""
    from sqlalchemy import insert

    from baton.store.tables import alerts

    content = {
        "lead": {
            "id": lead_id,
            "name": lead_name,
            "email": "dana@globex.example",
            "company": "Globex",
            "lead_type": "demo_request",
            "source": "web",
            "crm_id": None,
        },
        "owner": {"id": recipient, "name": recipient},
        "rule": "demo-requests",
        "threshold": "30 min",
        "elapsed_business": "31 min",
        "due_at": now.isoformat(),
        "fraction": None,
        "tier": None,
        "links": {"baton": f"/leads/{lead_id}" if lead_id else None, "crm": None},
    }
    key = key or f"test:{recipient}:{kind}:{now.timestamp()}:{id(content)}"
    return conn.execute(
        insert(alerts)
        .values(
            idempotency_key=key,
            kind=kind,
            entity="lead",
            entity_id=str(lead_id or 0),
            lead_id=lead_id,
            recipient_id=recipient,
            role=role,
            subject=f"SLA missed (demo-requests, 30 min) — {lead_name} (Globex)",
            content=content,
            state="pending",
            due_at=now,
            created_at=created_at or now,
            attempts=0,
            next_attempt_at=None,
        )
        .returning(alerts.c.id)
    ).scalar_one()
