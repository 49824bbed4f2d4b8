"""``people:`` may list people inline, pull them from a CSV (``- file: people.csv``), or both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from baton.workspace.hints import did_you_mean
from baton.workspace.problems import Problem
from baton.workspace.schema import PersonSpec
from baton.workspace.sources import Origin, SourceMap, read_csv_rows

TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0"}
INT_COLUMNS = {"max_open", "max_per_day"}


def expand_people(
    root: Path,
    data: CommentedMap,
    plain: dict[str, Any],
    source_map: SourceMap,
    sources: dict[str, str],
) -> list[Problem]:
    """Replace ``plain['people']`` by the full list of person dicts; record each one's origin."""
    node = data.get("people")
    if node is None:
        return []
    if isinstance(node, CommentedMap) and "file" in node:
        items = [(node, data.lc.key("people")[0] + 1, None)]
    elif isinstance(node, CommentedSeq):
        items = [(item, node.lc.item(i)[0] + 1, i) for i, item in enumerate(node)]
    else:
        return []  # schema validation reports the wrong type
    people: list[Any] = []
    origins: list[Origin] = []
    problems: list[Problem] = []
    for item, line, index in items:
        if isinstance(item, CommentedMap) and "file" in item:
            rows, row_origins, found = _read_people_file(root, item, line, sources)
            people += rows
            origins += row_origins
            problems += found
        else:
            people.append(plain["people"][index])
            origins.append(Origin(source_map.main_file, line, item))
    plain["people"] = people
    source_map.tables[("people",)] = origins
    return problems


def _read_people_file(root: Path, item: CommentedMap, line: int | None, sources: dict[str, str]):
    name = str(item["file"])
    extra = [k for k in item if k != "file"]
    if extra:
        return (
            [],
            [],
            [
                Problem(
                    "baton.yaml",
                    line,
                    "people",
                    f"unknown key '{extra[0]}' next to file:",
                    "only file: PATH on an include line",
                    "- file: people.csv",
                )
            ],
        )
    path = (root / name).resolve()
    if root.resolve() not in path.parents:
        return (
            [],
            [],
            [
                Problem(
                    "baton.yaml",
                    line,
                    "people.file",
                    f"'{name}' is outside the workspace folder",
                    "a path relative to baton.yaml",
                    "people.csv",
                )
            ],
        )
    rows, problems = read_csv_rows(path, name)
    if problems and not rows:
        return (
            [],
            [],
            [
                Problem(
                    p.file,
                    p.line or line,
                    p.path or "people.file",
                    p.message,
                    p.expected,
                    p.example,
                )
                for p in problems
            ],
        )
    sources[name] = path.read_text(encoding="utf-8-sig")
    columns = set(rows[0][1]) if rows else set()
    allowed = tuple(PersonSpec.model_fields)
    for col in sorted(columns - set(allowed)):
        problems.append(
            Problem(
                name,
                1,
                col,
                f"unknown column '{col}'{did_you_mean(col, allowed)}",
                "columns among " + ", ".join(allowed),
            )
        )
    people = [_coerce(row, allowed) for _, row in rows]
    origins = [Origin(name, row_line) for row_line, _ in rows]
    return people, origins, problems


def _coerce(row: dict[str, str], allowed: tuple[str, ...]) -> dict[str, Any]:
    """CSV cells are text: read booleans and counts, leave anything odd for the schema to report."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key not in allowed or value == "":
            continue
        if key == "active" and value.lower() in TRUE_WORDS | FALSE_WORDS:
            out[key] = value.lower() in TRUE_WORDS
        elif key in INT_COLUMNS and value.isdigit():
            out[key] = int(value)
        else:
            out[key] = value
    return out
