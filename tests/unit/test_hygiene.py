"""Hygiene the test suite enforces: the pure domain passes a strict type check
(``[tool.mypy]`` in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_domain_passes_a_strict_type_check():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "src/baton/domain"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"mypy src/baton/domain failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}",
            pytrace=False,
        )
