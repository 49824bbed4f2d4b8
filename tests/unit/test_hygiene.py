"""Hygiene the test suite enforces: ruff's lint and format over src, tests and bench
(``[tool.ruff]``: lines ≤ 100), and a strict type check of the pure domain
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


@pytest.mark.parametrize(
    "command",
    [["check", "src", "tests", "bench"], ["format", "--check", "src", "tests", "bench"]],
    ids=["lint", "format"],
)
def test_the_code_passes_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(
            f"ruff {' '.join(command)} failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}",
            pytrace=False,
        )
