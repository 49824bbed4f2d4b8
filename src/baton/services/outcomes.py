"""What happened to each submitted item: created, already there, or rejected (and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from baton.workspace.problems import dotted


@dataclass(frozen=True)
class FieldError:
    loc: tuple[object, ...]
    message: str
    type: str = "value_error"

    def as_dict(self, prefix: tuple[object, ...] = ()) -> dict[str, Any]:
        loc = prefix + self.loc
        return {
            "loc": list(loc),
            "field": dotted(loc) or "(body)",
            "message": self.message,
            "type": self.type,
        }


class Rejected(Exception):
    """An item that cannot be stored; ``errors`` name each bad field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{dotted(e.loc)}: {e.message}" for e in errors))


def reject(field_name: str, message: str, type_: str = "reference_error") -> Rejected:
    return Rejected([FieldError((field_name,), message, type_)])


def errors_from_validation(exc: ValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors(include_url=False):
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field; remove it or put it under 'extra'"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err.get("input", ...) is None:
            message = f"may not be null: {message[0].lower()}{message[1:]}"
        elif (
            "input" in err
            and not isinstance(err["input"], (dict, list))
            and err["type"] != "value_error"
        ):
            message += f" (got {err['input']!r})"
        out.append(FieldError(tuple(err["loc"]), message, err["type"]))
    return out


@dataclass
class ItemResult:
    index: int
    status: Literal["created", "existing", "rejected"]
    id: int | str | None = None
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "status": self.status}
        if self.id is not None:
            out["id"] = self.id
        if self.errors:
            out["errors"] = [e.as_dict() for e in self.errors]
        if self.warnings:
            out["warnings"] = self.warnings
        return out
