"""Alert → message for a channel type, through Jinja2 templates.

Templates are looked up per alert kind and part (``subject``, ``slack``,
``email``): a workspace override (``alerts.templates``) first, then the package
file ``templates/{kind}.{part}.j2``, then ``templates/default.{part}.j2``. The
silent-mode notice and the Slack key-facts block are added in code, so no
custom template can hide who an alert was meant for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import ChainableUndefined, FileSystemLoader, Template, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from baton.notify import Message

TEMPLATES = Path(__file__).parent / "templates"
PARTS = ("subject", "slack", "email")
FACTS = (
    ("Lead", "lead.name"),
    ("Company", "lead.company"),
    ("Lead type", "lead.lead_type"),
    ("Owner", "owner.name"),
    ("Rule", "rule"),
    ("Elapsed", "elapsed"),
    ("SLA due", "deadline"),
)


def duration(value: Any) -> str:
    """Seconds (or a ready string) → ``1 h 05 min`` for people."""
    if isinstance(value, Undefined) or value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    seconds = round(float(value))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def local(value: Any, zone: Any = None) -> str:
    """An instant (ISO text or datetime) → ``Mon 2 Nov 10:30 EST`` in ``zone`` (an IANA
    name; UTC when missing or unknown); empty when the instant is missing."""
    if isinstance(value, Undefined) or value in (None, ""):
        return ""
    try:
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    try:
        tz = ZoneInfo(str(zone)) if zone and not isinstance(zone, Undefined) else UTC
    except (ValueError, ZoneInfoNotFoundError):
        tz = UTC
    at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz)
    return f"{at:%a} {at.day} {at:%b %H:%M} {at.tzname()}"


def percent(value: Any) -> str:
    """A rate (0.642) → ``64%`` (``64.2%`` under 10 %); a missing one → ``–``."""
    if isinstance(value, Undefined) or value in (None, ""):
        return "–"
    rate = float(value) * 100
    return f"{rate:.1f}%" if 0 < rate < 10 else f"{rate:.0f}%"


def day(value: Any) -> str:
    """A date (``2026-11-23``) → ``Mon 23 Nov 2026``; empty when missing."""
    if isinstance(value, Undefined) or value in (None, ""):
        return ""
    try:
        d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{d:%a} {d.day} {d:%b %Y}"


def days(value: Any) -> str:
    """Seconds → ``7 days`` when whole days, else as ``duration``."""
    if isinstance(value, int | float) and value > 0 and value % 86_400 == 0:
        n = int(value // 86_400)
        return f"{n} day" if n == 1 else f"{n} days"
    return duration(value)


def _blank(value: Any) -> Any:
    """A missing fact renders empty, never ``None``."""
    return "" if value is None else value


def _slack_escape(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _blank(value)


def _environment(slack: bool, html: bool = False) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_slack_escape if slack else _blank,
        autoescape=html,
    )
    env.filters["duration"] = duration
    env.filters["local"] = local
    env.filters["percent"] = percent
    env.filters["day"] = day
    env.filters["days"] = days
    return env


@lru_cache(maxsize=3)
def environment(slack: bool, html: bool = False) -> SandboxedEnvironment:
    return _environment(slack, html)


def compile_template(source: str, part: str) -> Template:
    """Compile one template; raises jinja2.TemplateError with the line of the problem."""
    return environment(part == "slack").from_string(source)


@dataclass
class Renderer:
    """Renders alerts with the workspace's overrides (kind -> part -> source)."""

    overrides: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    public_url: str = "http://127.0.0.1:8700"
    _cache: dict[tuple[str, str], Template] = field(default_factory=dict)

    def template(self, kind: str, part: str) -> Template:
        key = (kind, part)
        if key not in self._cache:
            source = (self.overrides.get(kind) or {}).get(part)
            env = environment(part == "slack")
            if source is not None:
                self._cache[key] = env.from_string(source)
            else:
                name = f"{kind}.{part}.j2"
                self._cache[key] = env.get_template(
                    name if (TEMPLATES / name).exists() else f"default.{part}.j2"
                )
        return self._cache[key]

    def html(self, kind: str) -> Template | None:
        """The package's HTML email template of ``kind`` — none when the kind has no
        ``{kind}.html.j2`` or the workspace rewrote its plain-text email (that wins)."""
        key = (kind, "html")
        if key not in self._cache:
            name = f"{kind}.html.j2"
            if not (TEMPLATES / name).exists() or (self.overrides.get(kind) or {}).get("email"):
                return None
            self._cache[key] = environment(False, html=True).get_template(name)
        return self._cache[key]

    def context(
        self,
        alert: Mapping[str, Any],
        recipient: Mapping[str, Any],
        intended: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        content = dict(alert.get("content") or {})
        links = dict(content.get("links") or {})
        base = links.get("baton")
        if not base and alert.get("lead_id"):
            base = f"/leads/{alert['lead_id']}"
        if base and base.startswith("/"):
            base = self.public_url.rstrip("/") + base
        links["baton"] = base
        elapsed = duration(content.get("elapsed_business"))
        deadline = local(content.get("deadline_at"), content.get("timezone"))
        meta = {
            k: alert.get(k)
            for k in (
                "id",
                "kind",
                "role",
                "subject",
                "due_at",
                "created_at",
                "lead_id",
                "recipient_id",
            )
        }
        return {
            **content,
            "links": links,
            "elapsed": elapsed,
            "deadline": deadline,
            "alert": meta,
            "recipient": dict(recipient),
            "intended": dict(intended) if intended else None,
            "silent": intended is not None,
        }

    def render(
        self,
        alert: Mapping[str, Any],
        recipient: Mapping[str, Any],
        intended: Mapping[str, Any] | None = None,
    ) -> Message:
        """The message for every channel type at once (they share subject, key and payload)."""
        ctx = self.context(alert, recipient, intended)
        kind = alert["kind"]
        subject = " ".join(self.template(kind, "subject").render(ctx).split())[:250] or kind
        notice = _silent_notice(intended)
        email = self.template(kind, "email").render(ctx).strip() + "\n"
        slack = self.template(kind, "slack").render(ctx).strip()
        thread = f"{alert.get('entity')}:{alert.get('entity_id')}:{alert.get('recipient_id')}"
        html_template = self.html(kind)
        html = html_template.render(ctx).strip() if html_template is not None else ""
        if notice:
            subject = f"[silent] {subject}"
            email = f"{notice}\n\n{email}"
            if html:
                html = f'<p class="silent"><strong>{escape(notice)}</strong></p>\n{html}'
        payload = {
            "schema": "baton.alert/v1",
            "id": alert.get("id"),
            "idempotency_key": alert["idempotency_key"],
            "kind": kind,
            "role": alert.get("role"),
            "subject": subject,
            "recipient": _person(recipient),
            "intended_recipient": _person(intended),
            "silent": intended is not None,
            "lead_id": alert.get("lead_id"),
            "content": alert.get("content") or {},
            "links": ctx["links"],
            "due_at": alert.get("due_at"),
            "created_at": alert.get("created_at"),
        }
        return Message(
            key=alert["idempotency_key"],
            kind=kind,
            subject=subject,
            text=email,
            slack_text=(f"{notice}\n{slack}" if notice else slack),
            thread=thread,
            mention=recipient.get("slack_id"),
            blocks=slack_blocks(subject, slack, ctx, notice),
            payload=payload,
            html=html,
        )


def _person(person: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return {k: person.get(k) for k in ("id", "name", "email", "slack_id")} if person else None


def _silent_notice(intended: Mapping[str, Any] | None) -> str:
    if not intended:
        return ""
    who = intended.get("name") or intended.get("id")
    role = f" ({intended['role']})" if intended.get("role") else ""
    return f"[Silent mode] This alert was meant for {who}{role}; it came to you instead."


def _lookup(ctx: Mapping[str, Any], path: str) -> Any:
    value: Any = ctx
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def slack_blocks(
    subject: str, text: str, ctx: Mapping[str, Any], notice: str
) -> list[dict[str, Any]]:
    """Header, then the key facts as fields, then the text, then the links."""
    blocks: list[dict[str, Any]] = []
    if notice:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f":mute: {_slack_escape(notice)}"}],
            }
        )
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": subject[:150]}})
    fields = [
        {"type": "mrkdwn", "text": f"*{label}*\n{_slack_escape(str(value))}"}
        for label, path in FACTS
        if (value := _lookup(ctx, path)) not in (None, "")
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields[:10]})
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    links = [
        f"<{url}|{label}>"
        for label, url in (
            ("Open in Baton", ctx["links"].get("baton")),
            ("Open in CRM", ctx["links"].get("crm")),
        )
        if url
    ]
    if links:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "  ·  ".join(links)}]}
        )
    return blocks


__all__ = [
    "PARTS",
    "Renderer",
    "TemplateError",
    "compile_template",
    "duration",
    "local",
    "percent",
    "slack_blocks",
]
