"""Checks of the ``alerts:`` section beyond its schema: what each channel type needs,
secrets present in the environment, channels and people that exist, templates
that compile and render. Problems surface at ``baton check``, not at 3 a.m."""

from __future__ import annotations

import os
from collections.abc import Mapping

from jinja2 import TemplateError

from baton.workspace.alerts_schema import AlertsSpec, ChannelSpec
from baton.workspace.hints import did_you_mean
from baton.workspace.routing_compile import Issue
from baton.workspace.schema import Role
from baton.workspace.spec import WorkspaceSpec

REQUIRED = {"slack": ("token_env",), "email": ("host", "sender"), "webhook": ("url", "secret_env")}
OWN_FIELDS = {
    "slack": {"token_env", "channel", "base_url"},
    "email": {"host", "port", "security", "username_env", "password_env", "sender"},
    "webhook": {"url", "secret_env", "silent_url"},
}
SECRETS = ("token_env", "username_env", "password_env", "secret_env")
EXAMPLES = {
    "token_env": "BATON_SLACK_TOKEN",
    "host": "smtp.acme.example",
    "sender": "Baton <baton@acme.example>",
    "url": "https://hooks.acme.example/baton",
    "secret_env": "BATON_WEBHOOK_SECRET",
}
SAMPLE = {
    "id": 1,
    "kind": "sla.miss",
    "idempotency_key": "check",
    "role": "owner",
    "subject": "SLA missed",
    "lead_id": 1,
    "entity": "lead",
    "entity_id": "1",
    "recipient_id": "someone",
    "content": {
        "lead": {
            "id": 1,
            "name": "Dana Diaz",
            "company": "Globex",
            "lead_type": "demo_request",
            "email": "dana@globex.example",
        },
        "owner": {"id": "someone", "name": "Sam Ortiz"},
        "rule": "demo-requests",
        "threshold": 1800,
        "elapsed_business": 1900,
        "elapsed_business_seconds": 1900,
        "deadline_at": "2026-11-02T15:30:00+00:00",
        "timezone": "America/New_York",
        "timer": "escalation:2",
        "timer_at": "2026-11-02T17:30:00+00:00",
        "fraction": 0.8,
        "tier": 2,
        "links": {"baton": "/leads/1"},
        "items": [],
        "title": "2 × sla.notice in 10m",
        "count": 2,
        "report": {},  # a digest's report (report: lifecycle): docs/alerts.md
    },
}
RENAMED = {
    "due_at": "deadline_at (the SLA deadline; deadline: the same in the clock's time zone, "
    "for people) or timer_at (this alert's own time)",
}


def check_alerts(ws: WorkspaceSpec, environ: Mapping[str, str] | None = None) -> list[Issue]:
    alerts: AlertsSpec | None = getattr(ws, "alerts", None)
    if alerts is None:
        return []
    env = os.environ if environ is None else environ
    issues: list[Issue] = []
    for name, channel in alerts.channels.items():
        issues += _channel(("alerts", "channels", name), channel, env)
    names = list(alerts.channels)
    for i, route in enumerate(alerts.routes):
        issues += _known_channels(("alerts", "routes", i, "channels"), route.channels, names)
    if alerts.routes and not names:
        issues.append(
            Issue(
                ("alerts", "channels"),
                "routes name channels but none is configured",
                "at least one channel",
                "slack: {type: slack, token_env: BATON_SLACK_TOKEN}",
            )
        )
    issues += _silent(ws, alerts)
    for i, digest in enumerate(alerts.digests):
        loc = ("alerts", "digests", i)
        issues += _known_channels(loc + ("channels",), digest.channels, names)
        if not digest.kinds and digest.report is None:
            issues.append(
                Issue(
                    loc + ("kinds",),
                    f"digest '{digest.name}' collects no alert kinds and carries no report:"
                    " it would never say anything",
                    "kinds (alert kinds to collect) or report: lifecycle",
                    '["feedback.*"]',
                )
            )
        if digest.calendar and digest.calendar not in ws.calendars:
            issues.append(
                Issue(
                    loc + ("calendar",),
                    f"unknown calendar '{digest.calendar}'"
                    f"{did_you_mean(digest.calendar, list(ws.calendars))}",
                    "a name under calendars:",
                    "americas",
                )
            )
        issues += _recipients(ws, loc, digest.to)
    for kind, template in alerts.templates.items():
        issues += _templates(("alerts", "templates", kind), kind, template.model_dump())
    return issues


def _channel(loc: tuple, channel: ChannelSpec, env: Mapping[str, str]) -> list[Issue]:
    kind = channel.type.value
    issues = [
        Issue(loc + (f,), f"required for a {kind} channel", None, EXAMPLES.get(f))
        for f in REQUIRED[kind]
        if getattr(channel, f) is None
    ]
    set_fields = channel.model_fields_set - {"type", "timeout_seconds"}
    for f in sorted(set_fields - OWN_FIELDS[kind]):
        issues.append(
            Issue(
                loc + (f,),
                f"'{f}' does not apply to a {kind} channel",
                f"only: {', '.join(sorted(OWN_FIELDS[kind]))}",
                severity="warning",
            )
        )
    for f in SECRETS:
        name = getattr(channel, f)
        if name and f in OWN_FIELDS[kind] and not env.get(name):
            issues.append(
                Issue(
                    loc + (f,),
                    f"environment variable {name} is not set",
                    "the variable set where baton runs (the secret stays out of baton.yaml)",
                    f"export {name}=…",
                )
            )
    for f in ("url", "silent_url", "base_url"):
        value = getattr(channel, f)
        if value and not value.startswith(("https://", "http://")):
            issues.append(
                Issue(
                    loc + (f,),
                    f"'{value}' is not an http(s) URL",
                    None,
                    "https://hooks.acme.example/baton",
                )
            )
    return issues


def _known_channels(loc: tuple, used: list[str], names: list[str]) -> list[Issue]:
    return [
        Issue(
            loc + (j,),
            f"unknown channel '{c}'{did_you_mean(c, names)}",
            "one of: " + (", ".join(names) or "(none configured)"),
            names[0] if names else None,
        )
        for j, c in enumerate(used)
        if c not in names
    ]


def _silent(ws: WorkspaceSpec, alerts: AlertsSpec) -> list[Issue]:
    ids = [p.id for p in ws.people]
    issues = []
    if alerts.silent and not alerts.test_recipient:
        issues.append(
            Issue(
                ("alerts", "silent"),
                "silent mode needs a test_recipient to send every alert to",
                "test_recipient: a person id",
                "revops-lead",
            )
        )
    if alerts.test_recipient and alerts.test_recipient not in ids:
        issues.append(
            Issue(
                ("alerts", "test_recipient"),
                f"unknown person '{alerts.test_recipient}'"
                f"{did_you_mean(alerts.test_recipient, ids)}",
                "a person id under people:",
                ids[0] if ids else None,
            )
        )
    if alerts.calendar and alerts.calendar not in ws.calendars:
        issues.append(
            Issue(
                ("alerts", "calendar"),
                f"unknown calendar '{alerts.calendar}'"
                f"{did_you_mean(alerts.calendar, list(ws.calendars))}",
                "a name under calendars:",
                "americas",
            )
        )
    return issues


def _recipients(ws: WorkspaceSpec, loc: tuple, entries: list[str]) -> list[Issue]:
    known = {
        "team": [t.id for t in ws.teams],
        "role": [r.value for r in Role],
        "": [p.id for p in ws.people],
    }
    issues = []
    for j, entry in enumerate(entries):
        prefix, _, value = entry.partition(":") if ":" in entry else ("", "", entry)
        choices = known.get(prefix)
        if choices is None:
            issues.append(
                Issue(
                    loc + ("to", j),
                    f"'{entry}' is not a person id, team:ID or role:ROLE",
                    None,
                    "team:sdr-americas",
                )
            )
        elif value not in choices:
            what = {"team": "team", "role": "role", "": "person"}[prefix]
            issues.append(
                Issue(
                    loc + ("to", j),
                    f"unknown {what} '{value}'{did_you_mean(value, choices)}",
                    None,
                    choices[0] if choices else None,
                )
            )
        elif prefix and not _members(ws, prefix, value):
            issues.append(
                Issue(
                    loc + ("to", j),
                    f"no active person is in {entry}: nobody receives this digest through it",
                    f"a person under people: with {prefix}: {value}, or a person id",
                    ws.people[0].id if ws.people else None,
                    severity="warning",
                )
            )
    return issues


def _members(ws: WorkspaceSpec, prefix: str, value: str) -> list[str]:
    field = "team" if prefix == "team" else "role"
    return [p.id for p in ws.people if p.active and str(getattr(p, field) or "") == value]


def _templates(loc: tuple, kind: str, parts: dict[str, str | None]) -> list[Issue]:
    from baton.notify.render import Renderer

    issues = []
    for part, source in parts.items():
        if source is None:
            continue
        issues += _unknown_names(loc + (part,), source)
        try:
            Renderer({kind: {part: source}}).render(
                {**SAMPLE, "kind": kind}, {"id": "someone", "name": "Sam Ortiz"}
            )
        except TemplateError as exc:
            where = f" (template line {exc.lineno})" if getattr(exc, "lineno", None) else ""
            issues.append(
                Issue(
                    loc + (part,),
                    f"template does not compile: {exc.message}{where}",
                    "a Jinja2 template",
                    "{{ lead.name }} waited {{ elapsed }}",
                )
            )
        except Exception as exc:
            issues.append(
                Issue(
                    loc + (part,),
                    f"template fails on a sample alert: {type(exc).__name__}: {exc}",
                    "a Jinja2 template",
                    "{{ lead.name }} waited {{ elapsed }}",
                )
            )
    return issues


def _unknown_names(loc: tuple, source: str) -> list[Issue]:
    """Names a template reads that no alert gives: they would render empty, silently."""
    from jinja2 import meta

    from baton.notify.render import Renderer, environment

    env = environment(False)
    try:
        names = meta.find_undeclared_variables(env.parse(source)) - set(env.globals)
    except TemplateError:
        return []  # reported as not compiling
    known = sorted(Renderer().context({**SAMPLE, "kind": "sla.miss"}, {}, None))
    return [
        Issue(
            loc,
            f"'{name}' is not a fact templates receive; it would render empty"
            + (f": use {RENAMED[name]}" if name in RENAMED else did_you_mean(name, known)),
            "one of " + ", ".join(known),
            "{{ lead.name }} is due {{ deadline }}",
            severity="warning",
        )
        for name in sorted(names - set(known))
    ]
