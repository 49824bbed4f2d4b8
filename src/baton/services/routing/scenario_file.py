"""Reading a `baton test` scenario file (CSV or YAML) so that it cannot pass by mistake.

Every column or key must mean something (a lead field, ``extra.NAME``, an
expectation or a control column), every id a row names must exist in the
version under test, and every row must expect something. All problems are
reported together, each with its file and line, before anything is routed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from baton.domain.routing.flow import Branch, Node
from baton.services.live import LiveWorkspace
from baton.services.records.csvdates import parse_crm_datetime
from baton.services.records.kinds import LEAD
from baton.workspace.hints import did_you_mean
from baton.workspace.problems import Problem
from baton.workspace.sources import read_csv_rows, read_yaml

EXPECTATIONS = ("owner", "queue", "team", "pool", "node")
CONTROL = ("scenario", "assume_out_of_office", "at")
LEAD_FIELDS = tuple(f for f in LEAD.payload.model_fields if f != "extra")
KNOWN = (*CONTROL, *(f"expected_{k}" for k in EXPECTATIONS), *LEAD_FIELDS)
WHAT_COLUMNS = (
    "a lead field (email, company, country, region, employees, …), extra.NAME for a custom "
    "field, expected_owner, expected_queue, expected_team, expected_pool, expected_node, "
    "scenario, assume_out_of_office or at"
)
FILE_SHAPE = (
    "a CSV header and one row per scenario, or a YAML list of scenarios, "
    "e.g. '- {email: ana@acme.com, expected_owner: grace-kim}'"
)


@dataclass(frozen=True)
class Scenario:
    line: int
    name: str
    fields: dict[str, str]  # lead fields as text cells
    extra: dict[str, str]  # extra.NAME cells, by NAME
    expected: dict[str, str]  # owner / queue / team / pool / node → id or node name
    away: tuple[str, ...]  # assume_out_of_office
    at: datetime | None


@dataclass(frozen=True)
class _Row:
    """One scenario as written: its cells as text and the line of each (YAML: its key's)."""

    line: int
    cells: dict[str, str]
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class ScenarioFileError(ValueError):
    """The file is not a valid scenario file; ``problems`` lists every error, located."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


def load_scenarios(path: Path, zone: ZoneInfo, live: LiveWorkspace) -> list[Scenario]:
    """The file's scenarios, or ScenarioFileError naming every problem (nothing is routed)."""
    yaml = path.suffix.lower() in (".yaml", ".yml")
    rows, problems = _read_yaml(path) if yaml else _read_csv(path)
    if not rows and not problems:
        problems.append(Problem(path.name, None, "", "no scenarios in the file", FILE_SHAPE))
    ids = _Ids(live)
    scenarios = []
    for row in rows:
        found = _check_row(path.name, row, ids, zone)
        if isinstance(found, Scenario):
            scenarios.append(found)
        else:
            problems += found
    if problems:
        raise ScenarioFileError(problems)
    return scenarios


def _unknown(file: str, line: int, key: str, kind: str) -> Problem | None:
    if key in KNOWN or (key.startswith("extra.") and len(key) > len("extra.")):
        return None
    return Problem(
        file, line, "", f"unknown {kind} '{key}'{did_you_mean(key, KNOWN)}", WHAT_COLUMNS
    )


def _read_csv(path: Path) -> tuple[list[_Row], list[Problem]]:
    rows, problems = read_csv_rows(path, path.name)
    if problems:
        return [], problems
    cells = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    names = [h.strip() for h in cells[0]] if cells else []
    for i, name in enumerate(names):
        if name and name in names[:i]:
            problems.append(Problem(path.name, 1, "", f"column '{name}' appears twice"))
        elif not name and any(i < len(r) and r[i].strip() for r in cells[1:]):
            problems.append(
                Problem(path.name, 1, "", f"column {i + 1} has values but no name", WHAT_COLUMNS)
            )
        elif name:
            problems += filter(None, [_unknown(path.name, 1, name, "column")])
    return [_Row(line, row, {}) for line, row in rows], problems


def _read_yaml(path: Path) -> tuple[list[_Row], list[Problem]]:
    data, problems = read_yaml(path, path.name)
    if problems or data is None:
        return [], problems
    if not isinstance(data, CommentedSeq):
        return [], [Problem(path.name, 1, "", "the file is not a list of scenarios", FILE_SHAPE)]
    rows: list[_Row] = []
    for i, item in enumerate(data):
        line = data.lc.item(i)[0] + 1
        if not isinstance(item, CommentedMap):
            problems.append(
                Problem(path.name, line, "", "a scenario is a mapping of keys", FILE_SHAPE)
            )
            continue
        row, found = _yaml_row(path.name, line, item)
        rows.append(row)
        problems += found
    return rows, problems


def _yaml_row(file: str, line: int, item: CommentedMap) -> tuple[_Row, list[Problem]]:
    cells: dict[str, str] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for key, value in item.items():
        at = item.lc.key(key)[0] + 1
        if key == "extra" and isinstance(value, CommentedMap):
            for name, inner in value.items():
                cells[f"extra.{name}"], lines[f"extra.{name}"] = _text(inner), at
            continue
        if key == "assume_out_of_office" and isinstance(value, CommentedSeq):
            value = "|".join(_text(v) for v in value)
        if isinstance(value, CommentedMap | CommentedSeq):
            problems.append(
                Problem(file, at, str(key), "expected one value, not a list or mapping")
            )
            continue
        problems += filter(None, [_unknown(file, at, str(key), "key")])
        cells[str(key)], lines[str(key)] = _text(value), at
    return _Row(line, cells, lines), problems


def _text(value: Any) -> str:
    """A YAML value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


class _Ids:
    """What the version under test defines, for checking the ids a scenario names."""

    def __init__(self, live: LiveWorkspace) -> None:
        self.version = live.version
        people = tuple(p.id for p in live.spec.people)
        self.kinds: dict[str, tuple[str, tuple[str, ...]]] = {
            "owner": ("person", people),
            "team": ("team", tuple(t.id for t in live.spec.teams)),
            "pool": ("pool", tuple(live.routing.pools)),
            "queue": ("queue", tuple(sorted(live.routing.queues))),
            "node": ("node", tuple(_labels(n for f in live.routing.flows for n in f.nodes))),
            "assume_out_of_office": ("person", people),
        }

    def problem(self, file: str, line: int, key: str, value: str) -> Problem | None:
        what, known = self.kinds[key.removeprefix("expected_")]
        if value in known or (what == "node" and any(k.startswith(value + " / ") for k in known)):
            return None
        listed = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
        return Problem(
            file,
            line,
            key,
            f"'{value}' is not a {what} in version {self.version}{did_you_mean(value, known)}",
            f"one of {listed}" if known else f"a {what} defined in baton.yaml",
        )


def _labels(nodes: Iterable[Node]) -> Iterator[str]:
    for node in nodes:
        yield node.label
        if isinstance(node, Branch):
            yield from _labels((*node.then, *node.otherwise))


def _check_row(file: str, row: _Row, ids: _Ids, zone: ZoneInfo) -> Scenario | list[Problem]:
    cells = row.cells
    expected = {k: cells[f"expected_{k}"] for k in EXPECTATIONS if cells.get(f"expected_{k}")}
    away = tuple(p.strip() for p in cells.get("assume_out_of_office", "").split("|") if p.strip())
    problems: list[Problem] = []
    if not expected:
        problems.append(
            Problem(
                file,
                row.line,
                "",
                "the scenario expects nothing, so it could never fail",
                "at least one of expected_owner, expected_queue, expected_team, expected_pool "
                "or expected_node",
                "expected_owner: grace-kim",
            )
        )
    checks = [(f"expected_{k}", v) for k, v in expected.items()]
    checks += [("assume_out_of_office", p) for p in away]
    problems += filter(None, (ids.problem(file, row.line_of(k), k, v) for k, v in checks))
    at = None
    if cells.get("at"):
        try:
            at = parse_crm_datetime(cells["at"], zone)
        except ValueError as exc:
            problems.append(Problem(file, row.line_of("at"), "at", str(exc)))
    if problems:
        return problems
    return Scenario(
        row.line,
        cells.get("scenario") or f"line {row.line}",
        {k: v for k, v in cells.items() if k in LEAD_FIELDS and v},
        {k.removeprefix("extra."): v for k, v in cells.items() if k.startswith("extra.") and v},
        expected,
        away,
        at,
    )
