"""Shared by the alert tests: loopback fakes as fixtures, and a workspace whose
``alerts:`` section points at them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from baton.notify.fakes import FakeSlack, FakeWebhook, SmtpSink
from baton.services.versions.versions import activate_version, apply_workspace
from baton.workspace.loader import load_workspace
from baton.workspace.scaffold import write_template

SLACK_TOKEN = "xoxb-test"
WEBHOOK_SECRET = "whsec-test"
ENV = {"TEST_SLACK_TOKEN": SLACK_TOKEN, "TEST_WEBHOOK_SECRET": WEBHOOK_SECRET}


@dataclass
class Fakes:
    slack: FakeSlack
    smtp: SmtpSink
    hook: FakeWebhook

    def channels(self) -> str:
        return f"""  channels:
    slack: {{type: slack, token_env: TEST_SLACK_TOKEN, base_url: "{self.slack.base_url}"}}
    email: {{type: email, host: 127.0.0.1, port: {self.smtp.port}, security: none,
      sender: "Baton <baton@acme.example>"}}
    hook: {{type: webhook, url: "{self.hook.url}", secret_env: TEST_WEBHOOK_SECRET}}
"""

    def alerts_yaml(self, body: str = "", routes: str | None = None) -> str:
        routes = (
            routes
            if routes is not None
            else "  routes:\n    - kinds: ['*']\n      channels: [slack, email]\n"
        )
        return "\nalerts:\n" + self.channels() + routes + body


def start_fakes(monkeypatch) -> Iterator[Fakes]:
    """The body of a ``fakes`` fixture: the three servers up, their secrets in the environment."""
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with FakeSlack(SLACK_TOKEN) as slack, SmtpSink() as smtp, FakeWebhook(WEBHOOK_SECRET) as hook:
        yield Fakes(slack, smtp, hook)


def write_workspace(directory: Path, alerts_yaml: str) -> Path:
    """The init template plus an ``alerts:`` section."""
    if not (directory / "baton.yaml").exists():
        write_template(directory)
    text = (directory / "baton.yaml").read_text()
    text = text.split("\nalerts:\n")[0]
    (directory / "baton.yaml").write_text(text + alerts_yaml)
    return directory


def go_live(baton, directory: Path) -> int:
    """Apply and activate the workspace in ``directory``; returns the version number."""
    applied = apply_workspace(baton, load_workspace(directory), "tester", baton.clock.now())
    activate_version(baton, applied.number, "tester", baton.clock.now())
    return applied.number
