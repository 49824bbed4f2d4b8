"""The README's two commands are the ones CI runs and the ones that work."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fenced_commands(text: str) -> list[str]:
    blocks, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside and line.startswith("python3 -m venv"):
            blocks.append(line.strip())
    return blocks


def test_readme_has_the_install_and_test_commands_and_ci_runs_the_test_one():
    commands = fenced_commands((ROOT / "README.md").read_text())
    assert len(commands) == 2
    install, test = commands
    assert install.endswith("baton demo")
    assert test in (ROOT / ".ci" / "run").read_text()
