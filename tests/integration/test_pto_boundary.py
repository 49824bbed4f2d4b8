"""``baton pto PERSON --from A --to B`` is away over [A, B): from the --from instant, back at
the --to instant; a date without an offset is its midnight in the workspace's time zone
(America/New_York in the init template), not the person's (Sam is in Chicago)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from baton.cli.main import cli

NY = ZoneInfo("America/New_York")
LEAD = {"company": "Initech", "region": "NA"}


def pto(live, workspace_dir, *args: str) -> str:
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "rita"}
    result = CliRunner().invoke(cli, ["-w", str(workspace_dir), "pto", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def owner_at(api, clock, at: datetime, n: int) -> str:
    clock.set(at)
    lead = api.post("/v1/leads", json={**LEAD, "email": f"b{n}@initech.com"}).json()
    return lead["owner"]["id"]


def test_pto_to_is_the_first_moment_back_at_midnight_in_the_workspace_zone(
    api, live, clock, workspace_dir
):
    said = pto(live, workspace_dir, "sam-ortiz", "--from", "2026-12-22", "--to", "2027-01-04")
    assert "2026-12-22 00:00 → 2027-01-04 00:00 America/New_York" in said
    back = datetime(2027, 1, 4, tzinfo=NY)  # 23:00 on Jan 3 in Sam's Chicago
    # Round robin offers Sam first (his turn): the instant before --to he is still away ...
    assert owner_at(api, clock, back - timedelta(seconds=1), 1) == "priya-nair"
    # ... and at the instant of --to he is back and takes his turn.
    assert owner_at(api, clock, back, 2) == "sam-ortiz"


def test_pto_from_is_the_first_moment_away_and_an_offset_is_taken_as_given(
    api, live, clock, workspace_dir
):
    pto(live, workspace_dir, "sam-ortiz", "--from", "2026-12-22T09:00-06:00", "--to", "2027-01-04")
    away = datetime(2026, 12, 22, 10, 0, tzinfo=NY)  # 09:00 in Chicago
    assert owner_at(api, clock, away - timedelta(seconds=1), 1) == "sam-ortiz"
    assert owner_at(api, clock, away - timedelta(seconds=1), 2) == "priya-nair"
    # Sam's turn again, but from the --from instant he is away: Priya takes it.
    assert owner_at(api, clock, away, 3) == "priya-nair"


def test_pto_help_says_to_is_exclusive_and_in_the_workspace_zone():
    result = CliRunner().invoke(cli, ["pto", "--help"], terminal_width=200)
    text = " ".join(result.output.split())
    assert "First moment back (exclusive)" in text
    assert "workspace's time zone (not the person's) unless an offset is given" in text
