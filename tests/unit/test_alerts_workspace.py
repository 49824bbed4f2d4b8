"""Bad alerts: configuration fails `baton check` with file, line and a fix — never at 3 a.m."""

from __future__ import annotations

import pytest

from baton.workspace.loader import load_workspace
from baton.workspace.problems import WorkspaceError
from baton.workspace.scaffold import write_template
from baton.workspace.sla_compile import compile_sla

GOOD = """
alerts:
  silent: true
  test_recipient: maria-chen
  channels:
    slack: {type: slack, token_env: T_SLACK}
    email: {type: email, host: smtp.acme.example, port: 587, sender: "Baton <baton@acme.example>",
      username_env: T_USER, password_env: T_PASS}
    hook: {type: webhook, url: "https://hooks.acme.example/baton", secret_env: T_HOOK}
  routes:
    - kinds: ["sla.*"]
      channels: [slack, email]
    - kinds: ["*"]
      channels: [hook]
  bursts: {max: 10, window: 5m}
  digests:
    - name: marketing-weekly
      kinds: ["feedback.*"]
      to: [vp-sales, "team:sdr-americas", "role:executive"]
      weekday: mon
      at: "09:00"
      calendar: americas
  templates:
    sla.miss:
      slack: "*{{ lead.name }}* waited {{ elapsed }}"
"""
ENV = {"T_SLACK": "xoxb-1", "T_USER": "u", "T_PASS": "p", "T_HOOK": "s"}


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    write_template(tmp_path)
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)

    def write(alerts: str):
        (tmp_path / "baton.yaml").write_text(
            (tmp_path / "baton.yaml").read_text().split("\nalerts:\n")[0] + alerts
        )
        return tmp_path

    return write


def problems(root) -> list[str]:
    with pytest.raises(WorkspaceError) as info:
        load_workspace(root)
    return [str(p) for p in info.value.problems]


def line_of(root, needle: str) -> int:
    return next(
        i
        for i, line in enumerate((root / "baton.yaml").read_text().splitlines(), 1)
        if needle in line
    )


def test_a_complete_alerts_section_is_valid(workspace):
    ws = load_workspace(workspace(GOOD))
    assert ws.spec.alerts.silent and set(ws.spec.alerts.channels) == {"slack", "email", "hook"}
    assert ws.warnings == []


def test_a_missing_secret_variable_names_the_variable_and_its_line(workspace, monkeypatch):
    monkeypatch.delenv("T_SLACK")
    root = workspace(GOOD)
    (msg,) = problems(root)
    assert f"baton.yaml:{line_of(root, 'T_SLACK')}" in msg
    assert "environment variable T_SLACK is not set" in msg and "export T_SLACK=" in msg


def test_an_unknown_channel_in_a_route_suggests_the_near_name(workspace):
    root = workspace(GOOD.replace("channels: [slack, email]", "channels: [slak, email]"))
    (msg,) = problems(root)
    assert f"baton.yaml:{line_of(root, 'slak')}" in msg
    assert (
        "unknown channel 'slak' (did you mean 'slack'?)" in msg
        and "one of: slack, email, hook" in msg
    )


def test_a_template_that_does_not_compile_is_reported_with_its_line(workspace):
    root = workspace(GOOD.replace("waited {{ elapsed }}", "waited {{ elapsed | nosuchfilter }}"))
    (msg,) = problems(root)
    assert f"baton.yaml:{line_of(root, 'nosuchfilter')}" in msg
    assert "template does not compile" in msg and "nosuchfilter" in msg


def test_a_template_with_a_syntax_error_is_reported(workspace):
    (msg,) = problems(workspace(GOOD.replace("waited {{ elapsed }}", "waited {% if %}")))
    assert "alerts.templates.sla.miss.slack" in msg and "template does not compile" in msg


def test_silent_mode_needs_a_known_test_recipient(workspace):
    msgs = problems(workspace(GOOD.replace("  test_recipient: maria-chen\n", "")))
    assert any("silent mode needs a test_recipient" in m for m in msgs)
    (msg,) = problems(
        workspace(GOOD.replace("test_recipient: maria-chen", "test_recipient: maria-chn"))
    )
    assert "unknown person 'maria-chn' (did you mean 'maria-chen'?)" in msg


def test_each_channel_type_lists_what_it_requires(workspace):
    text = GOOD.replace(
        'hook: {type: webhook, url: "https://hooks.acme.example/baton", secret_env: T_HOOK}',
        "hook: {type: webhook}",
    )
    msgs = problems(workspace(text))
    assert any(
        "alerts.channels.hook.url" in m and "required for a webhook channel" in m for m in msgs
    )
    assert any("alerts.channels.hook.secret_env" in m for m in msgs)


def test_a_secret_written_in_place_of_a_variable_name_is_refused(workspace):
    (msg,) = problems(workspace(GOOD.replace("token_env: T_SLACK", "token_env: xoxb-12345-abc")))
    assert "is not an environment variable name" in msg


def test_an_unknown_channel_type_lists_the_types(workspace):
    (msg,) = problems(
        workspace(
            GOOD.replace("{type: slack, token_env: T_SLACK}", "{type: teams, token_env: T_SLACK}")
        )
    )
    assert "alerts.channels.slack.type" in msg and "slack" in msg and "webhook" in msg


def test_digest_recipients_channels_and_calendar_must_exist(workspace):
    text = GOOD.replace('"team:sdr-americas"', '"team:sdr-amercas"').replace(
        "calendar: americas", "calendar: asia"
    )
    msgs = problems(workspace(text))
    assert any("unknown team 'sdr-amercas' (did you mean 'sdr-americas'?)" in m for m in msgs)
    assert any("unknown calendar 'asia'" in m for m in msgs)


def test_a_bad_duration_names_the_field(workspace):
    (msg,) = problems(workspace(GOOD.replace("window: 5m", "window: five minutes")))
    assert "alerts.bursts.window" in msg and "is not a duration" in msg


def test_the_commented_alerts_example_in_the_init_template_is_valid_once_uncommented(
    tmp_path, monkeypatch
):
    for name in ("BATON_SLACK_TOKEN", "BATON_SMTP_USER", "BATON_SMTP_PASSWORD"):
        monkeypatch.setenv(name, "x")
    write_template(tmp_path)
    text = (tmp_path / "baton.yaml").read_text()
    example = (
        "alerts:\n"
        + "\n".join(line[2:] for line in text.split("# alerts:\n")[1].splitlines())
        + "\n"
    )
    (tmp_path / "baton.yaml").write_text(text + "\n" + example)
    alerts = load_workspace(tmp_path).spec.alerts
    assert (
        alerts.silent
        and alerts.test_recipient == "maria-chen"
        and alerts.routes[0].channels == ["slack", "email"]
    )


def test_a_template_reading_a_fact_no_alert_gives_is_a_warning_naming_the_fix(workspace):
    root = workspace(GOOD.replace("waited {{ elapsed }}", "due {{ due_at }}, {{ lead.name }}"))
    (warning,) = [str(w) for w in load_workspace(root).warnings]
    assert f"baton.yaml:{line_of(root, 'due_at')}" in warning
    assert "'due_at' is not a fact templates receive" in warning
    assert "use deadline_at (the SLA deadline" in warning and "timer_at" in warning
    root = workspace(GOOD.replace("waited {{ elapsed }}", "waited {{ elapsd }}"))
    (warning,) = [str(w) for w in load_workspace(root).warnings]
    assert "(did you mean 'elapsed'?)" in warning


def _escalations(workspace, tier_line: str):
    root = workspace(GOOD)
    text = (root / "baton.yaml").read_text()
    old = "        - {tier: 2, to: manager, after: 2h}\n"
    assert old in text
    (root / "baton.yaml").write_text(text.replace(old, tier_line + old))
    return root


def test_a_tier_1_to_the_owner_at_the_miss_repeats_the_miss_alert_and_is_a_warning(workspace):
    root = _escalations(workspace, "        - {tier: 1, to: owner, after: 0m}\n")
    ws = load_workspace(root)
    (warning,) = [str(w) for w in ws.warnings]
    assert f"baton.yaml:{line_of(root, 'tier: 1')}" in warning
    assert "tier 1 is the miss alert itself (sla.miss to the owner" in warning
    assert "delete this line" in warning
    (rule,) = [r for r in compile_sla(ws.spec)[0].rules if r.name == "hand-raiser"]
    assert [e.tier for e in rule.policy.escalations] == [2, 3]  # the miss alert is tier 1


def test_any_other_tier_1_is_an_error_escalations_start_at_tier_2(workspace):
    root = _escalations(workspace, "        - {tier: 1, to: manager, after: 1h}\n")
    (msg,) = problems(root)
    assert f"baton.yaml:{line_of(root, 'tier: 1')}" in msg
    assert "escalations start at tier 2" in msg and "tier: 2 or higher" in msg
