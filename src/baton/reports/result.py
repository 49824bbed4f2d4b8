"""What every report returns: a frozen dataclass whose JSON form is ``as_dict()``.

Fields are named as the JSON keys the API and ``--json`` print, so the typed result and
its JSON read the same. A field marked ``NOT_JSON`` (the thresholds a report was judged
by, say) is for the pages and the CLI and is left out of the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

NOT_JSON = {"json": False}  # ``field(metadata=NOT_JSON)``: kept on the result, not in its JSON


class Result:
    """Base of the reports' typed results and rows (subclasses are frozen dataclasses)."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (datetimes still datetimes: ``jsonable`` writes them)."""
        return {
            f.name: plain(getattr(self, f.name))
            for f in fields(self)  # type: ignore[arg-type]
            if f.metadata.get("json", True)
        }


def plain(value: Any) -> Any:
    """``value`` with every result, tuple and mapping in it turned into dicts and lists."""
    if isinstance(value, Result):
        return value.as_dict()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
