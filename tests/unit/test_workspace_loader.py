"""baton.yaml validation: every problem reported with file, line, path and fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from baton.workspace.loader import load_workspace
from baton.workspace.problems import WorkspaceError
from baton.workspace.scaffold import write_template

MINIMAL = """\
workspace:
  name: Acme
  timezone: America/New_York
"""


def write(tmp_path: Path, yaml: str, people_csv: str | None = None) -> Path:
    (tmp_path / "baton.yaml").write_text(textwrap.dedent(yaml))
    if people_csv is not None:
        (tmp_path / "people.csv").write_text(textwrap.dedent(people_csv))
    return tmp_path


def problems(tmp_path: Path) -> list[str]:
    with pytest.raises(WorkspaceError) as info:
        load_workspace(tmp_path)
    return [str(p) for p in info.value.problems]


def test_the_init_template_is_valid(tmp_path):
    write_template(tmp_path)
    ws = load_workspace(tmp_path)
    assert {p.id for p in ws.spec.people} >= {"maria-chen", "vp-sales", "emma-schulz"}
    assert ws.warnings == []


def test_malformed_yaml_names_the_line(tmp_path):
    write(tmp_path, "workspace:\n  name: Acme\n  timezone: [unclosed\n")
    (msg,) = problems(tmp_path)
    assert msg.startswith("baton.yaml:")
    assert "invalid YAML" in msg


def test_duplicate_yaml_key_is_an_error(tmp_path):
    write(tmp_path, "workspace:\n  name: A\n  name: B\n")
    (msg,) = problems(tmp_path)
    assert "baton.yaml:3" in msg and "duplicate" in msg.lower()


def test_empty_file_says_what_is_expected(tmp_path):
    write(tmp_path, "")
    (msg,) = problems(tmp_path)
    assert "mapping of sections" in msg and "workspace:" in msg


def test_missing_file(tmp_path):
    (msg,) = problems(tmp_path)
    assert "file not found" in msg and "baton init" in msg


def test_unknown_key_suggests_the_close_one(tmp_path):
    write(tmp_path, "workspace:\n  nmae: Acme\n")
    msgs = problems(tmp_path)
    assert (
        "baton.yaml:2: workspace.nmae: unknown key 'nmae' (did you mean 'name'?) "
        "— expected one of: name, timezone" in msgs
    )
    assert any(m.startswith("baton.yaml:1: workspace.name: required but missing") for m in msgs)


def test_unknown_section_lists_the_allowed_ones(tmp_path):
    write(tmp_path, MINIMAL + "calenders: {}\n")
    (msg,) = problems(tmp_path)
    assert "baton.yaml:4: calenders: unknown key 'calenders' (did you mean 'calendars'?)" in msg


def test_unknown_time_zone_with_suggestion_and_example(tmp_path):
    write(tmp_path, "workspace:\n  name: Acme\n  timezone: Europe/Berln\n")
    (msg,) = problems(tmp_path)
    assert msg == (
        "baton.yaml:3: workspace.timezone: 'Europe/Berln' is not a known IANA time zone "
        "(did you mean 'Europe/Berlin'?)"
        " — expected an IANA time zone name, e.g. America/New_York"
    )


def test_wrong_types_are_each_reported_with_their_line(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
people:
  - id: ana
    name: Ana
    email: ana@acme.com
    role: ae
    active: "yes"
    max_open: false
""",
    )
    msgs = problems(tmp_path)
    assert any(
        m.startswith("baton.yaml:9: people[0].active: Input should be a valid boolean")
        and "expected true or false" in m
        for m in msgs
    )
    assert any(
        m.startswith(
            "baton.yaml:10: people[0].max_open: Input should be a valid integer (got False)"
        )
        for m in msgs
    )


def test_country_no_stays_the_string_no(tmp_path):
    """YAML 1.2: Norway is not False (PyYAML would corrupt it)."""
    write(
        tmp_path,
        MINIMAL
        + """\
calendars:
  oslo:
    timezone: Europe/Oslo
    week: {mon-fri: ["08:00-16:00"]}
    holidays:
      - country: NO
""",
    )
    ws = load_workspace(tmp_path)
    assert ws.spec.calendars["oslo"].holidays[0].country == "NO"


def test_unknown_holiday_country_and_subdivision(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
calendars:
  x:
    timezone: UTC
    week: {mon: ["09:00-17:00"]}
    holidays:
      - country: XX
      - country: US
        subdivision: ZZ
""",
    )
    msgs = problems(tmp_path)
    assert len(msgs) == 2, msgs  # one line each, not again as a problem of the week
    assert msgs[0].startswith(
        "baton.yaml:9: calendars.x.holidays[0].country: unknown holiday country 'XX'"
    )
    assert msgs[1].startswith("baton.yaml:11: calendars.x.holidays[1].subdivision:")
    assert "ZZ" in msgs[1]


def test_one_holiday_country_may_be_written_without_the_list(tmp_path):
    calendar = """\
calendars:
  x:
    timezone: UTC
    week: {mon: ["09:00-17:00"]}
    holidays: {country: XX}
"""
    write(tmp_path, MINIMAL + calendar)
    assert problems(tmp_path) == [
        "baton.yaml:8: calendars.x.holidays.country: unknown holiday country 'XX' — expected "
        "an ISO 3166 code supported by the holidays package, e.g. US, DE, GB"
    ]
    write(tmp_path, MINIMAL + calendar.replace("XX", "US"))
    holidays = load_workspace(tmp_path).spec.calendars["x"].holidays
    assert [(h.country, h.subdivision) for h in holidays] == [("US", None)]


def test_bad_windows_and_weekdays(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
calendars:
  x:
    timezone: UTC
    week:
      mon-fri: ["9-17"]
      funday: ["09:00-10:00"]
""",
    )
    msgs = problems(tmp_path)
    assert any(
        "calendars.x.week.mon-fri[0]: '9-17' is not a time window" in m and "e.g. 09:00-17:00" in m
        for m in msgs
    )
    assert any("'funday' is not a weekday" in m for m in msgs)


def test_overlapping_windows_are_refused(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
calendars:
  x:
    timezone: UTC
    week:
      mon: ["09:00-12:00", "11:00-13:00"]
""",
    )
    (msg,) = problems(tmp_path)
    assert msg.startswith("baton.yaml:7: calendars.x.week:") and "overlap" in msg


def test_bad_date_is_reported_with_its_line(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
calendars:
  x:
    timezone: UTC
    week: {mon: ["09:00-17:00"]}
    custom_days:
      - date: 2026-02-30
""",
    )
    (msg,) = problems(tmp_path)
    assert (
        msg.startswith("baton.yaml:9: calendars.x.custom_days[0].date:")
        and "e.g. 2026-12-24" in msg
    )


def test_duplicate_person_ids_point_at_both(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
people:
  - {id: ana, name: Ana, role: ae, email: a@x.com}
  - {id: ana, name: Ana Two, role: sdr, email: b@x.com}
""",
    )
    (msg,) = problems(tmp_path)
    assert msg == (
        "baton.yaml:6: people[1].id: duplicate person id 'ana' (first defined at baton.yaml:5) "
        "— expected a unique person id"
    )


def test_manager_that_does_not_exist(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
people:
  - {id: ana, name: Ana, role: ae, email: a@x.com, manager: bobb}
  - {id: bob, name: Bob, role: manager, email: b@x.com}
""",
    )
    (msg,) = problems(tmp_path)
    assert (
        "baton.yaml:5: people[0].manager: 'bobb' is not a known person (did you mean 'bob'?)" in msg
    )


def test_manager_cycle(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
people:
  - {id: a, name: A, role: manager, email: a@x.com, manager: b}
  - {id: b, name: B, role: manager, email: b@x.com, manager: a}
""",
    )
    (msg,) = problems(tmp_path)
    assert "manager chain loops" in msg


def test_unknown_team_and_calendar(tmp_path):
    write(
        tmp_path,
        MINIMAL
        + """\
teams:
  - {id: sdr, name: SDR, calendar: emea}
people:
  - {id: ana, name: Ana, role: ae, email: a@x.com, team: sdrs}
""",
    )
    msgs = problems(tmp_path)
    assert any("teams[0].calendar: 'emea' is not a known calendar" in m for m in msgs)
    assert any(
        "people[0].team: 'sdrs' is not a known team (did you mean 'sdr'?)" in m for m in msgs
    )


def test_all_errors_are_reported_not_just_the_first(tmp_path):
    write(
        tmp_path,
        """\
workspace:
  name: Acme
  timezone: Mars/Olympus
people:
  - {id: ana, name: Ana, role: wizard, email: a@x.com, manager: nobody}
routng: {}
""",
    )
    msgs = problems(tmp_path)
    assert len(msgs) == 4
    assert [m.split(":")[1] for m in msgs] == ["3", "5", "5", "6"]


def test_people_from_csv_errors_point_into_the_csv(tmp_path):
    write(
        tmp_path,
        MINIMAL + "people:\n  - file: people.csv\n",
        """\
        id,name,email,role,manager,teem
        ana,Ana,ana@x.com,ae,,
        cy,Cy,notanemail,sdr,ana,
        dee,Dee,dee@x.com,sdr,anna,
        """,
    )
    msgs = problems(tmp_path)
    assert any(
        m.startswith("people.csv:1: teem: unknown column 'teem' (did you mean 'team'?)")
        for m in msgs
    )
    assert any(
        m.startswith("people.csv:3: email: 'notanemail' is not an email address") for m in msgs
    )
    assert any(
        m.startswith("people.csv:4: manager: 'anna' is not a known person (did you mean 'ana'?)")
        for m in msgs
    )


def test_people_csv_reads_booleans_and_counts(tmp_path):
    write(
        tmp_path,
        MINIMAL + "people:\n  file: people.csv\n",
        """\
        id,name,email,role,active,max_open,max_per_day
        ana,Ana,ana@x.com,ae,no,40,
        """,
    )
    (ana,) = load_workspace(tmp_path).spec.people
    assert ana.active is False and ana.max_open == 40 and ana.max_per_day is None


def test_people_csv_missing_file(tmp_path):
    write(tmp_path, MINIMAL + "people:\n  - file: staff.csv\n")
    (msg,) = problems(tmp_path)
    assert msg.startswith("staff.csv:") or msg.startswith("baton.yaml:5")
    assert "file not found" in msg


def test_people_file_outside_the_workspace_is_refused(tmp_path):
    write(tmp_path, MINIMAL + "people:\n  - file: ../secrets.csv\n")
    (msg,) = problems(tmp_path)
    assert "outside the workspace folder" in msg


def test_person_without_any_address_is_a_warning_not_an_error(tmp_path):
    write(tmp_path, MINIMAL + "people:\n  - {id: ana, name: Ana, role: ae}\n")
    ws = load_workspace(tmp_path)
    (warning,) = ws.warnings
    assert str(warning).startswith(
        "warning: baton.yaml:5: people[0]:"
    ) and "no alert can reach them" in str(warning)


def test_content_hash_ignores_formatting_and_order_of_keys(tmp_path):
    write(tmp_path, MINIMAL)
    first = load_workspace(tmp_path).content_hash
    write(tmp_path, "# a comment\nworkspace: {timezone: America/New_York, name: Acme}\n")
    assert load_workspace(tmp_path).content_hash == first


def test_a_flag_sample_must_be_a_number_of_leads(tmp_path):
    write(tmp_path, MINIMAL + "health:\n  min_pool_leads: 0\n  min_sample: twenty\n")
    msgs = problems(tmp_path)
    assert any(
        m.startswith("baton.yaml:5: health.min_pool_leads:")
        and "0 is not a number of leads: 1 or more, e.g. 20" in m
        for m in msgs
    ), msgs
    assert any(m.startswith("baton.yaml:6: health.min_sample:") for m in msgs), msgs


def test_a_territory_row_from_a_csv_is_named_by_its_csv_line_only(tmp_path):
    write_template(tmp_path)
    (tmp_path / "territories.csv").write_text(
        "name,region,country,employees,owner,team,pool,queue\n"
        "EMEA,EMEA,,,emma-schulz,,,\n"
        "EMEA enterprise,EMEA,,1000+,lukas-webr,,,\n"
        "EMEA again,EMEA,,,lukas-weber,,,\n"
    )
    assert problems(tmp_path) == [
        "territories.csv:3: owner: 'lukas-webr' is not a known person (did you mean "
        "'lukas-weber'?) — expected the id of someone under people:",
        "territories.csv:4: territory main: two rows can match the same lead with equal "
        "specificity: CSV line 2 (EMEA) [region=EMEA] → owner emma-schulz, and CSV line 4 "
        "(EMEA again) [region=EMEA] → owner lukas-weber — expected make one row more specific "
        "or the rows disjoint",
    ]
