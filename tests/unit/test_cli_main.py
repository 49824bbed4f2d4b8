"""The ``baton`` group: its commands are listed without importing them, and each command
module imports on its own."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from baton.cli.main import COMMANDS, cli, load_command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_line_is_the_commands_own(name):
    command = load_command(name)
    assert command.name == name
    assert COMMANDS[name][1] == command.get_short_help_str(limit=1000)


def test_help_lists_every_command_with_its_line():
    result = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    listed = result.output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    user = next(line for line in listed if line.split()[0] == "user")
    assert user.split(None, 1)[1].startswith("Dashboard users (roles: admin sees everything")


def _fresh(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_help_and_version_import_no_command_module():
    code = """
import sys
from baton.cli.main import cli
for args in (["--help"], ["--version"]):
    try:
        cli(args)
    except SystemExit:
        pass
light = ("baton.cli.main", "baton.cli.context")
heavy = ("baton.cli.", "baton.services", "sqlalchemy", "fastapi", "argon2")
print(sorted(m for m in sys.modules if m.startswith(heavy) and m not in light))
"""
    result = _fresh(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("module", sorted({path.split(":")[0] for path, _ in COMMANDS.values()}))
def test_each_command_module_imports_on_its_own(module):
    result = _fresh(f"import baton.cli.{module}")
    assert result.returncode == 0, result.stderr


def test_importing_the_users_service_hashes_nothing():
    code = """
import argon2
calls = []
real = argon2.PasswordHasher.hash
argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(1) or real(self, *a, **k)
import baton.services.people.users
print(len(calls))
"""
    result = _fresh(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_an_unknown_command_is_refused_by_name():
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2 and "No such command 'frobnicate'" in result.output
    assert isinstance(cli, click.Group)
