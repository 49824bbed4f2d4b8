"""Load a workspace folder into a validated ``Workspace``, or report every problem.

Order: parse YAML → pull in CSV tables → schema validation (Pydantic) →
cross-references. Reference checks run on the raw data as well, so one
``baton check`` shows type errors and unknown managers together.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from baton.workspace.calendars import build_calendar
from baton.workspace.checks import SECTION_CHECKS
from baton.workspace.hints import did_you_mean, hint_for
from baton.workspace.people_csv import expand_people
from baton.workspace.problems import Problem, WorkspaceError, dotted
from baton.workspace.references import check_references
from baton.workspace.routing_compile import Issue
from baton.workspace.schema import CalendarSpec
from baton.workspace.sources import SourceMap, read_yaml
from baton.workspace.spec import WorkspaceSpec
from baton.workspace.territory_csv import expand_territories

WORKSPACE_FILE = "baton.yaml"


@dataclass(frozen=True)
class Workspace:
    """A validated workspace: the spec, where it lives, and its source texts."""

    spec: WorkspaceSpec
    root: Path
    sources: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def document(self) -> dict[str, Any]:
        return self.spec.document()

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.document, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def load_workspace(root: Path) -> Workspace:
    """Read and validate ``root/baton.yaml``; raise WorkspaceError listing every error."""
    root = Path(root)
    data, problems = read_yaml(root / WORKSPACE_FILE, WORKSPACE_FILE)
    if problems:
        raise WorkspaceError(problems)
    if not isinstance(data, CommentedMap):
        raise WorkspaceError(
            [
                Problem(
                    WORKSPACE_FILE,
                    1,
                    "",
                    "the file must be a mapping of sections",
                    "top-level keys such as workspace:, calendars:, people:",
                    "workspace: {name: Acme}",
                )
            ]
        )
    source_map = SourceMap(WORKSPACE_FILE, data)
    sources = {WORKSPACE_FILE: (root / WORKSPACE_FILE).read_text(encoding="utf-8")}
    plain = _to_plain(data)
    problems += expand_people(root, data, plain, source_map, sources)
    problems += expand_territories(root, data, plain, source_map, sources)
    problems += check_references(plain, source_map)
    spec = None
    try:
        spec = WorkspaceSpec.model_validate(plain)
    except ValidationError as exc:
        problems += [_problem(err, source_map) for err in exc.errors()]
    problems += _calendar_problems(plain, source_map)
    if spec is not None:
        problems += [
            _issue_problem(issue, source_map) for check in SECTION_CHECKS for issue in check(spec)
        ]
    errors = [p for p in problems if p.severity == "error"]
    if errors or spec is None:
        raise WorkspaceError(problems)
    return Workspace(
        spec=spec,
        root=root,
        sources=sources,
        warnings=[p for p in problems if p.severity == "warning"],
    )


def _to_plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            str(k) if not isinstance(k, (str, int)) else k: _to_plain(v) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_to_plain(v) for v in node]
    return node


def _problem(err: dict[str, Any], source_map: SourceMap) -> Problem:
    loc = tuple(err["loc"])
    file, line, path = source_map.where(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = hint_for(WorkspaceSpec, loc[:-1])
        key = str(loc[-1])
        return Problem(
            file,
            line,
            path,
            f"unknown key '{key}'{did_you_mean(key, parent.keys)}",
            "one of: " + ", ".join(parent.keys) if parent.keys else None,
        )
    hint = hint_for(WorkspaceSpec, loc)
    if kind == "missing":
        return Problem(file, line, path, "required but missing", hint.expected, hint.example)
    message = err["msg"].removeprefix("Value error, ")
    if (
        kind not in ("value_error", "enum")
        and "input" in err
        and not isinstance(err["input"], (dict, list))
    ):
        message += f" (got {err['input']!r})"
    return Problem(file, line, path, message, hint.expected, hint.example)


def _issue_problem(issue: Issue, source_map: SourceMap) -> Problem:
    hint = hint_for(WorkspaceSpec, issue.loc)
    expected = issue.expected or hint.expected
    return Problem(
        *source_map.where(issue.loc),
        issue.message,
        expected,
        issue.example or (hint.example if expected == hint.expected else None),
        issue.severity,
    )


def _calendar_problems(data: dict[str, Any], source_map: SourceMap) -> list[Problem]:
    """Windows that contradict each other; each calendar on its own, so one bad one hides no
    other."""
    calendars = data.get("calendars")
    problems = []
    for name, raw in calendars.items() if isinstance(calendars, dict) else ():
        try:
            cal = CalendarSpec.model_validate(raw)
        except ValidationError:
            continue  # reported by the schema pass
        try:  # holiday countries are the references pass's: one problem, on its own line
            build_calendar(name, cal.model_copy(update={"holidays": []}))
        except ValueError as exc:
            loc = ("calendars", name, "week")
            problems.append(
                Problem(
                    *source_map.locate(loc),
                    dotted(loc),
                    str(exc),
                    "windows that do not overlap within a day",
                )
            )
    return problems
