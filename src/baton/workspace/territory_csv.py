"""``territories: - {id: main, file: territories.csv}``: pull territory rows from a CSV.

Each row keeps its CSV line number (``line``), which errors and routing traces
quote ("territory row 14").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from baton.workspace.hints import did_you_mean
from baton.workspace.problems import Problem
from baton.workspace.routing_schema import TerritoryRowSpec
from baton.workspace.sources import Origin, SourceMap, read_csv_rows


def expand_territories(
    root: Path,
    data: CommentedMap,
    plain: dict[str, Any],
    source_map: SourceMap,
    sources: dict[str, str],
) -> list[Problem]:
    routing = data.get("routing")
    tables = routing.get("territories") if isinstance(routing, CommentedMap) else None
    if not isinstance(tables, CommentedSeq):
        return []
    problems: list[Problem] = []
    for i, table in enumerate(tables):
        if not isinstance(table, CommentedMap) or "file" not in table:
            continue
        line = table.lc.key("file")[0] + 1
        if "rows" in table:
            problems.append(
                Problem(
                    "baton.yaml",
                    line,
                    f"routing.territories[{i}]",
                    "give either file: or rows:, not both",
                )
            )
            continue
        rows, origins, found = _read(root, str(table["file"]), line, sources)
        problems += found
        entry = plain["routing"]["territories"][i]
        del entry["file"]
        entry["rows"] = rows
        source_map.tables[("routing", "territories", i, "rows")] = origins
    return problems


def _read(root: Path, name: str, line: int, sources: dict[str, str]):
    path = (root / name).resolve()
    if root.resolve() not in path.parents:
        return (
            [],
            [],
            [
                Problem(
                    "baton.yaml",
                    line,
                    "routing.territories.file",
                    f"'{name}' is outside the workspace folder",
                    "a path relative to baton.yaml",
                    "territories.csv",
                )
            ],
        )
    rows, problems = read_csv_rows(path, name)
    if problems:
        return (
            [],
            [],
            [
                Problem(
                    p.file,
                    p.line or line,
                    p.path or "routing.territories.file",
                    p.message,
                    p.expected,
                    p.example,
                )
                for p in problems
            ],
        )
    sources[name] = path.read_text(encoding="utf-8-sig")
    allowed = tuple(f for f in TerritoryRowSpec.model_fields if f != "line")
    columns = set(rows[0][1]) if rows else set()
    found = [
        Problem(
            name,
            1,
            col,
            f"unknown column '{col}'{did_you_mean(col, allowed)}",
            "columns among " + ", ".join(allowed),
        )
        for col in sorted(columns - set(allowed))
    ]
    out = [
        {"line": n, **{k: v for k, v in row.items() if v != "" and k in allowed}} for n, row in rows
    ]
    return out, [Origin(name, n) for n, _ in rows], found
