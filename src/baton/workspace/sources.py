"""Reading workspace files while remembering where every value came from.

YAML is read with ruamel.yaml in YAML 1.2 mode, so ``country: NO`` stays the
string "NO" and ``09:00`` stays a string. Tables pulled in from CSV files keep
their own file and line so errors point into the CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from baton.workspace.problems import Problem, dotted


@dataclass(frozen=True)
class Origin:
    file: str
    line: int | None
    node: Any = None  # the ruamel node for YAML items, None for CSV rows


@dataclass
class SourceMap:
    """Maps an error location back to a file and line."""

    main_file: str
    root: Any
    tables: dict[tuple[object, ...], list[Origin]] = field(default_factory=dict)

    def locate(self, loc: tuple[object, ...]) -> tuple[str, int | None]:
        found = self._row(loc)
        if found is None:
            return self.main_file, _walk(self.root, loc, 1)
        cut, origin = found
        if origin.node is None:
            return origin.file, origin.line
        return origin.file, _walk(origin.node, loc[cut + 1 :], origin.line)

    def where(self, loc: tuple[object, ...]) -> tuple[str, int | None, str]:
        """File, line and the path to show: inside a row of a CSV, the column alone — the
        file and line already say which row (``territories.csv:14: owner``), where the
        row's index among the rows would only be a second, different number."""
        found = self._row(loc)
        in_csv = found is not None and found[1].node is None
        return (*self.locate(loc), dotted(loc[found[0] + 1 :] if found and in_csv else loc))

    def _row(self, loc: tuple[object, ...]) -> tuple[int, Origin] | None:
        """Where ``loc`` enters a table read from another file: (its depth, the row's origin)."""
        for cut in range(len(loc) - 1, 0, -1):
            prefix, index = loc[:cut], loc[cut]
            if (
                prefix in self.tables
                and isinstance(index, int)
                and index < len(self.tables[prefix])
            ):
                return cut, self.tables[prefix][index]
        return None


def _walk(node: Any, loc: tuple[object, ...], line: int | None) -> int | None:
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


class _Constructor(RoundTripConstructor):
    """Dates stay text so that a bad one (2026-02-30) is reported with its line by the schema."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; a syntax error becomes a Problem with its line."""
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    yaml.Constructor = _Constructor
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [
            Problem(
                display,
                None,
                "",
                "file not found",
                "a baton.yaml in the workspace folder",
                "run `baton init DIR`",
            )
        ]
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                display, None, "", f"not UTF-8 text ({exc.reason})", "a UTF-8 encoded YAML file"
            )
        ]
    try:
        return yaml.load(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(filter(None, [exc.context, exc.problem])).replace("\n", " ")
        return None, [
            Problem(
                display,
                line,
                "",
                f"invalid YAML: {what}",
                "valid YAML: 'key: value' pairs indented with spaces",
            )
        ]


def read_csv_rows(
    path: Path, display: str
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows of a CSV file with their 1-based line numbers (header is line 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [Problem(display, None, "", "file not found", "a CSV file next to baton.yaml")]
    except UnicodeDecodeError as exc:
        return [], [
            Problem(display, None, "", f"not UTF-8 text ({exc.reason})", "a UTF-8 encoded CSV file")
        ]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if None in row:
            return rows, [
                Problem(
                    display,
                    reader.line_num,
                    "",
                    "row has more cells than the header",
                    "one cell per header column",
                )
            ]
        if any((v or "").strip() for v in row.values()):
            rows.append(
                (reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k})
            )
    return rows, []
