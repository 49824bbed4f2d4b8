"""ARCHITECTURE.md's event table is the wiring in bootstrap.HANDLERS, row for row."""

from __future__ import annotations

import re
from pathlib import Path

from baton.bootstrap import HANDLERS

DOC = Path(__file__).resolve().parents[2] / "ARCHITECTURE.md"


def _documented() -> dict[str, list[str]]:
    table = DOC.read_text().split("## What reacts to what")[1].split("\n## ")[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| (.+) \|$", table, re.M)
    return {kind: re.findall(r"`([a-z_.]+)`", handlers) for kind, handlers in rows}


def _wired() -> dict[str, list[str]]:
    def name(handler) -> str:
        return handler.__module__.removeprefix("baton.services.") + "." + handler.__name__

    return {kind.value: [name(h) for h in handlers] for kind, handlers in HANDLERS.items()}


def test_the_documented_event_table_is_the_wiring():
    assert _documented() == _wired()
