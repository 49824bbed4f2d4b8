"""A routing decision in words, one line per node visited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def outcome_words(owner: str | None, queue: str | None, owner_name: str | None = None) -> str:
    if owner:
        return (
            f"owner {owner_name or owner}"
            if owner_name in (None, owner)
            else f"owner {owner_name} ({owner})"
        )
    return f"queue {queue}" if queue else "nobody (unassigned)"


def explain(
    steps: Iterable[Mapping[str, Any]],
    owner: str | None,
    queue: str | None,
    flow: str,
    owner_name: str | None = None,
) -> list[str]:
    """``["flow inbound:", "  1. override flag not set → continue", …, "→ owner Eli (eli)"]``."""
    lines = [f"flow {flow}:"]
    lines += [f"  {i}. {step['words']}" for i, step in enumerate(steps, 1)]
    lines.append(f"→ {outcome_words(owner, queue, owner_name)}")
    return lines
