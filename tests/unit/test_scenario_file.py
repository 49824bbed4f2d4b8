"""A `baton test` scenario file cannot pass by mistake: a misspelled column or key, an unknown
id or a row that expects nothing is an error with its file and line, before anything runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from baton.demo.generator import WORKSPACE_FILES
from baton.services.live import LiveWorkspace, compile_workspace
from baton.services.routing.scenario_file import ScenarioFileError, load_scenarios
from baton.workspace.loader import load_workspace
from baton.workspace.scaffold import write_template

NY = ZoneInfo("America/New_York")


def compiled(directory: Path) -> LiveWorkspace:
    ws = load_workspace(directory)
    return compile_workspace(3, ws.content_hash, ws.document)


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> LiveWorkspace:
    """The init template as version 3: sam-ortiz and priya-nair in pool sdr-americas."""
    directory = tmp_path_factory.mktemp("ws")
    write_template(directory)
    return compiled(directory)


def errors(tmp_path: Path, live: LiveWorkspace, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenarios(path, NY, live)
    return [str(p) for p in caught.value.problems]


def test_a_misspelled_csv_column_is_an_error_on_the_header_line_with_a_suggestion(tmp_path, live):
    found = errors(
        tmp_path,
        live,
        "s.csv",
        "scenario,email,contry,expected_ownr,expected_node\n"
        "sdr gets it,jo@initech.com,US,sam-ortiz,round robin sdr-americas\n",
    )
    assert [e.split(" — ")[0] for e in found] == [
        "s.csv:1: unknown column 'contry' (did you mean 'country'?)",
        "s.csv:1: unknown column 'expected_ownr' (did you mean 'expected_owner'?)",
    ]
    assert "extra.NAME for a custom field" in found[0]


def test_a_misspelled_yaml_key_is_an_error_on_its_own_line(tmp_path, live):
    found = errors(
        tmp_path,
        live,
        "s.yaml",
        "- scenario: sdr gets it\n"
        "  email: jo@initech.com\n"
        "  expected_node: round robin sdr-americas\n"
        "  expected_ownr: sam-ortiz\n",
    )
    assert [e.split(" — ")[0] for e in found] == [
        "s.yaml:4: unknown key 'expected_ownr' (did you mean 'expected_owner'?)"
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("expected_owner", "sam-ortis", "'sam-ortis' is not a person in version 3"),
        ("expected_team", "sdr-america", "'sdr-america' is not a team in version 3"),
        ("expected_pool", "sdr-amercas", "'sdr-amercas' is not a pool in version 3"),
        ("expected_queue", "inbound-triag", "'inbound-triag' is not a queue in version 3"),
        ("expected_node", "territory mian", "'territory mian' is not a node in version 3"),
    ],
)
def test_an_unknown_id_in_an_expectation_is_an_error(tmp_path, live, column, value, message):
    (found,) = errors(tmp_path, live, "s.csv", f"email,{column}\njo@initech.com,{value}\n")
    assert found.startswith(f"s.csv:2: {column}: {message} (did you mean '")


def test_an_unknown_person_assumed_out_of_office_is_an_error_in_csv_and_yaml(tmp_path, live):
    csv_found = errors(
        tmp_path,
        live,
        "s.csv",
        "email,assume_out_of_office,expected_queue\njo@initech.com,sam-ortiz|pirya-nair,"
        "inbound-triage\n",
    )
    yaml_found = errors(
        tmp_path,
        live,
        "s.yaml",
        "- email: jo@initech.com\n"
        "  expected_queue: inbound-triage\n"
        "  assume_out_of_office: [sam-ortiz, pirya-nair]\n",
    )
    said = "assume_out_of_office: 'pirya-nair' is not a person in version 3"
    assert csv_found[0].startswith(f"s.csv:2: {said} (did you mean 'priya-nair'?)")
    assert yaml_found[0].startswith(f"s.yaml:3: {said} (did you mean 'priya-nair'?)")


def test_a_row_that_expects_nothing_is_an_error(tmp_path, live):
    found = errors(
        tmp_path,
        live,
        "s.csv",
        "scenario,email,expected_owner\nchecked,a@initech.com,sam-ortiz\nforgot,b@initech.com,\n",
    )
    assert found == [
        "s.csv:3: the scenario expects nothing, so it could never fail — expected at least one "
        "of expected_owner, expected_queue, expected_team, expected_pool or expected_node, "
        "e.g. expected_owner: grace-kim"
    ]


def test_every_problem_of_the_file_is_reported_at_once(tmp_path, live):
    found = errors(
        tmp_path,
        live,
        "s.yaml",
        "- email: a@initech.com\n"
        "  expected_owner: nobody\n"
        "- email: b@initech.com\n"
        "  at: 2026-13-01\n"
        "  expected_owner: sam-ortiz\n"
        "- {email: c@initech.com}\n",
    )
    assert [e.split(":")[1] for e in found] == ["2", "4", "6"]
    assert "at: '2026-13-01' is not a date" in found[1]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("s.csv", "", "s.csv: no scenarios in the file"),
        ("s.csv", "email,expected_owner\n", "s.csv: no scenarios in the file"),
        ("s.yaml", "[]\n", "s.yaml: no scenarios in the file"),
        ("s.yaml", "email: a@initech.com\n", "s.yaml:1: the file is not a list of scenarios"),
        ("s.yaml", "- email: [a\n", "s.yaml:2: invalid YAML"),
        ("s.yaml", "- email: a@x.com\n  queue: {a: 1}\n", "s.yaml:2: queue: expected one value"),
        ("s.csv", "email,email\na@x.com,b@x.com\n", "s.csv:1: column 'email' appears twice"),
        ("s.csv", "email,\na@x.com,US\n", "s.csv:1: column 2 has values but no name"),
    ],
)
def test_a_file_that_is_not_a_list_of_scenarios_is_an_error(tmp_path, live, name, text, message):
    assert any(e.startswith(message) for e in errors(tmp_path, live, name, text))


def test_custom_fields_are_written_extra_dot_name_or_an_extra_mapping(tmp_path, live):
    csv_path, yaml_path = tmp_path / "s.csv", tmp_path / "s.yaml"
    csv_path.write_text("email,extra.plan,expected_owner,at\na@x.com,pro,sam-ortiz,11/20/2026\n")
    yaml_path.write_text(
        "- email: a@x.com\n"
        "  extra: {plan: pro}\n"
        "  expected_owner: sam-ortiz\n"
        "  at: 2026-11-20\n"
        "  is_test: false\n"
    )
    (from_csv,) = load_scenarios(csv_path, NY, live)
    (from_yaml,) = load_scenarios(yaml_path, NY, live)
    assert from_csv.extra == from_yaml.extra == {"plan": "pro"}
    assert from_csv.at == from_yaml.at and from_csv.at.isoformat() == "2026-11-20T05:00:00+00:00"
    assert from_yaml.fields == {"email": "a@x.com", "is_test": "false"}


def test_a_node_may_be_named_by_its_branch(tmp_path, live):
    path = tmp_path / "s.csv"
    path.write_text("email,region,expected_node\na@x.de,EMEA,emea?\n")
    assert load_scenarios(path, NY, live)[0].expected == {"node": "emea?"}


def test_the_demo_ships_the_same_scenarios_as_csv_and_as_yaml():
    live = compiled(WORKSPACE_FILES)
    from_csv = load_scenarios(WORKSPACE_FILES / "scenarios.csv", NY, live)
    from_yaml = load_scenarios(WORKSPACE_FILES / "scenarios.yaml", NY, live)
    assert len(from_csv) == 19
    assert [replace(s, line=0) for s in from_yaml] == [replace(s, line=0) for s in from_csv]


def test_the_yaml_example_in_the_routing_doc_is_a_valid_file_for_the_demo(tmp_path):
    doc = (Path(__file__).parents[2] / "docs" / "routing.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n# scenarios.yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "scenarios.yaml"
    path.write_text(example, encoding="utf-8")
    scenarios = load_scenarios(path, NY, compiled(WORKSPACE_FILES))
    assert [s.name for s in scenarios] == [
        "DACH commercial (Germany)",
        "SDRs all out of office: fallback queue",
    ]
