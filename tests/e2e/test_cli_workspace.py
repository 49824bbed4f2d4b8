"""The workspace life cycle through the real command line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.e2e.conftest import copy_template, run_baton


def test_init_check_apply_activate_versions_diff(tmp_path, db_env):
    ws = tmp_path / "acme"
    assert run_baton("init", str(ws), cwd=tmp_path).code == 0
    assert run_baton("init", str(ws), cwd=tmp_path).code != 0  # never overwrites
    check = run_baton("-w", str(ws), "check", cwd=tmp_path, env=db_env)
    assert check.code == 0 and "6 people, 2 teams, 2 calendars" in check.out
    first = run_baton("-w", str(ws), "apply", cwd=tmp_path, env=db_env)
    assert first.code == 0 and "version 1 recorded as draft" in first.out
    same = run_baton("-w", str(ws), "apply", cwd=tmp_path, env=db_env)
    assert "identical to version 1" in same.out
    live = run_baton("-w", str(ws), "activate", "1", cwd=tmp_path, env=db_env)
    assert live.code == 0 and "added sam-ortiz" in live.out
    yaml = ws / "baton.yaml"
    yaml.write_text(yaml.read_text().replace("name: Acme Corp", "name: Acme Inc"))
    second = run_baton("-w", str(ws), "apply", cwd=tmp_path, env=db_env)
    assert "version 2 recorded as draft" in second.out
    versions = run_baton("-w", str(ws), "versions", cwd=tmp_path, env={**db_env, "COLUMNS": "160"})
    assert "active" in versions.out and "draft" in versions.out and "e2e" in versions.out
    diff = run_baton("-w", str(ws), "diff", "1", "2", cwd=tmp_path, env=db_env)
    assert diff.out.strip() == '~ workspace.name: "Acme Corp" → "Acme Inc"'
    missing = run_baton("-w", str(ws), "activate", "9", cwd=tmp_path, env=db_env)
    assert missing.code == 1 and "there is no version 9" in missing.err


def test_check_prints_every_error_with_file_and_line_and_exits_nonzero(tmp_path):
    ws = copy_template(tmp_path / "broken")
    yaml = ws / "baton.yaml"
    text = yaml.read_text().replace(
        "timezone: America/New_York\n\n# The agreed", "timezone: America/NewYork\n\n# The agreed"
    )
    text = text.replace(
        "manager: maria-chen\n    calendar: americas", "manager: maria-chn\n    calendar: americas"
    )
    yaml.write_text(text + "routng: {}\n")
    result = run_baton("-w", str(ws), "check", cwd=tmp_path)
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert any(
        line.startswith(
            "baton.yaml:10: workspace.timezone: 'America/NewYork' is not a known IANA time zone"
            " (did you mean 'America/New_York'?)"
        )
        for line in lines
    )
    assert any(
        "teams[0].manager: 'maria-chn' is not a known person (did you mean 'maria-chen'?)" in line
        for line in lines
    )
    assert any(
        "routng: unknown key 'routng' (did you mean 'routing'?)" in line
        or "routng: unknown key 'routng'" in line
        for line in lines
    )
    assert lines[-1] == f"Error: 3 errors in {ws / 'baton.yaml'}"


def test_apply_refuses_an_invalid_workspace(tmp_path):
    ws = copy_template(tmp_path / "w")
    (ws / "baton.yaml").write_text("workspace: {name: X, timezone: Nowhere/Land}\n")
    result = run_baton("-w", str(ws), "apply", cwd=tmp_path)
    assert result.code == 1 and "Nowhere/Land" in result.err
    assert not (ws / ".baton").exists() or "version" not in result.out


def test_token_import_and_pto(tmp_path, db_env):
    ws = copy_template(tmp_path / "w")
    run_baton("-w", str(ws), "apply", cwd=tmp_path, env=db_env)
    run_baton("-w", str(ws), "activate", "1", cwd=tmp_path, env=db_env)
    token = run_baton(
        "-w",
        str(ws),
        "token",
        "create",
        "--scope",
        "ingest",
        "--scope",
        "read",
        "--name",
        "forms",
        cwd=tmp_path,
        env=db_env,
    )
    assert token.code == 0 and token.out.startswith("bt_")
    listing = run_baton("-w", str(ws), "token", "list", cwd=tmp_path, env=db_env)
    assert (
        "forms" in listing.out
        and "ingest,read" in listing.out
        and token.out.strip() not in listing.out
    )
    bad_scope = run_baton(
        "-w", str(ws), "token", "create", "--scope", "root", "--name", "x", cwd=tmp_path, env=db_env
    )
    assert bad_scope.code == 2 and "root" in bad_scope.err
    csv = tmp_path / "leads.csv"
    csv.write_text(
        "Email,Company,Created\n"
        "ana@initech.com,Initech,11/02/2026 09:15 AM\n"
        "broken,Hooli,11/02/2026\n"
    )
    imported = run_baton(
        "-w",
        str(ws),
        "import",
        "leads",
        str(csv),
        "--map",
        "Email=email",
        "--map",
        "Company=company",
        "--map",
        "Created=received_at",
        cwd=tmp_path,
        env=db_env,
    )
    assert imported.code == 1
    assert "2 rows: 1 inserted, 0 duplicates, 1 rejected" in imported.out
    assert "leads.csv:3: email: 'broken' is not an email address" in imported.err
    assert (tmp_path / "leads.rejects.csv").exists()
    bad_map = run_baton(
        "-w", str(ws), "import", "leads", str(csv), "--map", "Email", cwd=tmp_path, env=db_env
    )
    assert bad_map.code == 2 and "CSV_COLUMN=field" in bad_map.err
    pto = run_baton(
        "-w",
        str(ws),
        "pto",
        "sam-ortiz",
        "--from",
        "2026-12-22",
        "--to",
        "2027-01-04",
        cwd=tmp_path,
        env=db_env,
    )
    assert pto.code == 0 and "2026-12-22 00:00 → 2027-01-04 00:00 America/New_York" in pto.out
    backwards = run_baton(
        "-w",
        str(ws),
        "pto",
        "sam-ortiz",
        "--from",
        "2026-12-22",
        "--to",
        "2026-12-01",
        cwd=tmp_path,
        env=db_env,
    )
    assert backwards.code == 1  # the rule the API and the dashboard apply, in the same words
    assert (
        "the end (2026-11-30 23:00) must be after the start (2026-12-21 23:00, America/Chicago)"
        in backwards.err
    )


def test_check_warns_about_stored_lead_types_without_an_sla_rule(tmp_path):
    ws = copy_template(tmp_path / "w")
    run_baton("-w", str(ws), "apply", cwd=tmp_path)
    run_baton("-w", str(ws), "activate", "1", cwd=tmp_path)
    csv = tmp_path / "leads.csv"
    csv.write_text(
        "email,lead_type\na@x-example.com,partner-referral\nb@y-example.com,demo-request\n"
    )
    assert run_baton("-w", str(ws), "import", "leads", str(csv), cwd=tmp_path).code == 0
    result = run_baton("-w", str(ws), "check", cwd=tmp_path)
    assert result.code == 0
    assert (
        "warning: lead type 'partner-referral' (seen in stored leads) has no SLA rule" in result.err
    )
    assert "demo-request" not in result.err


def test_check_refuses_overlapping_sla_rules_without_priority(tmp_path):
    ws = copy_template(tmp_path / "w")
    yaml = ws / "baton.yaml"
    yaml.write_text(
        yaml.read_text().replace(
            "      lead_types: [content]\n", "      lead_types: [content, demo-request]\n"
        )
    )
    result = run_baton("-w", str(ws), "check", cwd=tmp_path)
    assert result.code == 1
    assert "rules hand-raiser and content can both match the same lead" in result.err


NEEDS_A_WORKSPACE = [
    ("report", "sla"),
    ("report", "routing"),
    ("report", "speed-to-lead"),
    ("sla", "status"),
    ("check",),
    ("apply",),
    ("versions",),
    ("token", "list"),
    ("alerts", "silent"),
    ("db", "upgrade"),
]


@pytest.mark.parametrize("command", NEEDS_A_WORKSPACE, ids=" ".join)
def test_a_command_without_a_workspace_exits_1_and_creates_nothing(tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_baton(*command, cwd=empty)
    assert result.code == 1
    assert result.err.strip().endswith(
        f"no baton.yaml in {empty} — use -w DIR or cd into a workspace"
    )
    assert list(empty.iterdir()) == []


def test_a_workspace_folder_that_is_not_there_is_named(tmp_path):
    result = run_baton("-w", "nowhere", "report", "sla", cwd=tmp_path)
    assert result.code == 1 and f"no baton.yaml in {tmp_path / 'nowhere'}" in result.err
    assert list(tmp_path.iterdir()) == []


def test_help_version_and_init_need_no_workspace(tmp_path):
    for args in (("--help",), ("--version",), ("report", "sla", "--help"), ("demo", "--help")):
        assert run_baton(*args, cwd=tmp_path).code == 0, args
    assert list(tmp_path.iterdir()) == []
    assert run_baton("init", "acme", cwd=tmp_path).code == 0
    assert (tmp_path / "acme" / "baton.yaml").is_file()


@pytest.fixture(scope="module")
def live_template(tmp_path_factory):
    """The template applied and activated, once for the module: the tests that use it only
    read (reports, dry runs) or are refused before anything is written."""
    root = tmp_path_factory.mktemp("live")
    ws = copy_template(root / "w")
    assert run_baton("-w", str(ws), "apply", cwd=root).code == 0
    assert run_baton("-w", str(ws), "activate", "1", cwd=root).code == 0
    return ws


@pytest.mark.parametrize(
    "args",
    [
        ("report", "sla", "--since", "7d"),
        ("report", "sla", "--since", "yesterday", "--until", "today"),
        ("report", "speed-to-lead", "--since", "12h", "--until", "now"),
        ("report", "routing", "--since", "7d"),
        ("report", "routing", "--since", "yesterday", "--until", "today"),
    ],
    ids=" ".join,
)
def test_since_and_until_take_spans_back_from_now_and_day_words(tmp_path, live_template, args):
    result = run_baton("-w", str(live_template), *args, cwd=tmp_path)
    assert result.code == 0, result.err


def test_a_week_back_is_seven_days_before_now(tmp_path, live_template):
    result = run_baton(
        "-w", str(live_template), "report", "sla", "--since", "7d", "--json", cwd=tmp_path
    )
    report = json.loads(result.out)
    since, until = (datetime.fromisoformat(report[k]) for k in ("since", "until"))
    assert until - since == timedelta(days=7)


@pytest.mark.parametrize(
    "args",
    [
        ("report", "sla", "--since", "last tuesday"),
        ("report", "routing", "--until", "31/12/2026"),
        ("outage", "add", "--from", "soon", "--to", "2026-11-02", "--reason", "x"),
        ("pto", "sam-ortiz", "--from", "31/12/2026", "--to", "2027-01-04"),
    ],
    ids=" ".join,
)
def test_a_bad_date_names_the_forms_that_work_and_no_missing_option(tmp_path, live_template, args):
    result = run_baton("-w", str(live_template), *args, cwd=tmp_path)
    assert result.code == 2
    assert "is not a date Baton can read — e.g. 2026-11-02" in result.err
    assert "7d (7 days ago)" in result.err and "--day-first" not in result.err


def test_route_dry_run_reads_day_first_dates_when_told(tmp_path, live_template):
    leads_csv = tmp_path / "leads.csv"
    leads_csv.write_text("email,company,received_at\nana@initech.com,Initech,31/12/2026 09:15\n")
    plain = run_baton(
        "-w", str(live_template), "route", "--file", str(leads_csv), "--dry-run", cwd=tmp_path
    )
    assert "leads.csv:2: rejected" in plain.err and "--day-first" in plain.err
    told = run_baton(
        "-w",
        str(live_template),
        "route",
        "--file",
        str(leads_csv),
        "--dry-run",
        "--day-first",
        cwd=tmp_path,
    )
    assert told.code == 0 and "leads.csv:2: → " in told.out, told.err
