"""A human-readable diff between two workspace documents (the change log's body).

Lists of records that carry an identity (``id``, ``term``, ``name``) are
compared by that identity, so moving a person in the file is not a change and
editing one shows as ``~ people[ana].team: sdr → ae``.
"""

from __future__ import annotations

import json
from typing import Any

IDENTITY_KEYS = ("id", "term", "name", "date")


def diff_documents(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Lines ``+ path: value``, ``- path: value``, ``~ path: old → new``; [] when equal."""
    if old is None:
        return ["+ (first version)"] + [
            f"+ {key}: {_summary(new[key])}"
            for key in sorted(new)
            if new[key] not in ({}, [], None)
        ]
    lines: list[str] = []
    _diff(old, new, "", lines)
    return lines


def _diff(old: Any, new: Any, path: str, out: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(
            set(old) | set(new)
        ):  # sorted: PostgreSQL's JSONB does not keep key order
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(f"- {sub}: {_summary(old[key])}")
            elif key not in old:
                out.append(f"+ {sub}: {_summary(new[key])}")
            else:
                _diff(old[key], new[key], sub, out)
    elif isinstance(old, list) and isinstance(new, list) and _identity(old + new):
        key = _identity(old + new)
        before = {item[key]: item for item in old}
        after = {item[key]: item for item in new}
        for ident in list(before) + [
            i for i in after if i not in before
        ]:  # list order is kept by every store
            sub = f"{path}[{ident}]"
            if ident not in after:
                out.append(f"- {sub}: {_summary(before[ident])}")
            elif ident not in before:
                out.append(f"+ {sub}: {_summary(after[ident])}")
            else:
                _diff(before[ident], after[ident], sub, out)
    elif old != new:
        out.append(f"~ {path}: {_summary(old)} → {_summary(new)}")


def _identity(items: list[Any]) -> str | None:
    """The key that identifies every item uniquely on both sides, if any."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in IDENTITY_KEYS:
        if all(key in i for i in items):
            return key
    return None


def _summary(value: Any, limit: int = 120) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if v not in (None, [], {})}
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
