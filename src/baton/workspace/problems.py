"""Workspace problems: where (file, line, dotted path), what, and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str
    expected: str | None = None
    example: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.expected:
            text += f" — expected {self.expected}"
            if self.example:
                text += f", e.g. {self.example}"
        elif self.example:
            text += f" — e.g. {self.example}"
        if self.severity == "warning":
            text = "warning: " + text
        return text


class WorkspaceError(Exception):
    """The workspace cannot be used; ``problems`` lists every error found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def dotted(loc: Iterable[object]) -> str:
    """('people', 3, 'email') -> 'people[3].email'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
