"""docs/tutorial.md cannot go stale: its fenced blocks are run in order, as a reader would,
against the real ``baton`` command, a real ``baton serve`` and a real SMTP server (aiosmtpd).

A block ```` ```sh ```` is commands; ```` ```LANG file=PATH ```` is a file to write (at that
point, in the folder the commands are in); ```` ```text ```` is sample output, not run. The
ports the tutorial uses (8700, 1025) are swapped for free ones. The assertions are on
outcomes — exit codes, owners, where the mail went, SLA verdicts — not on wording that other
features may reword.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from baton.store.tables import leads
from tests.e2e.conftest import free_port, run_baton

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w*)[ \t]*([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)
MARK = "@@ tutorial block {} @@"
END_OF_FILE = "BATON_TUTORIAL_END_OF_FILE"


def blocks(text: str) -> list[tuple[str, str, str]]:
    """``(language, info, body)`` of every fenced block, in order."""
    return [(m[1], m[2].strip(), m[3]) for m in FENCE.finditer(text)]


def script_of(text: str) -> tuple[str, list[str]]:
    """The tutorial as one bash script (commands and file writes in document order), and the
    commands of each ``sh`` block, in the order their output is marked."""
    lines = ["set -euo pipefail"]
    commands = []
    for lang, info, body in blocks(text):
        if info.startswith("file="):
            assert END_OF_FILE not in body
            lines += [f"cat > {info.removeprefix('file=')} <<'{END_OF_FILE}'", body + END_OF_FILE]
        elif lang == "sh":
            lines += [f"printf '\\n{MARK.format(len(commands))}\\n'", body]
            commands.append(body)
    return "\n".join(lines) + "\n", commands


def outputs(out: str, count: int) -> list[str]:
    parts = re.split(r"^@@ tutorial block (\d+) @@$", out, flags=re.M)
    found = {int(n): text for n, text in zip(parts[1::2], parts[2::2], strict=True)}
    return [found.get(i, "") for i in range(count)]


def output_of(commands: list[str], results: list[str], command: str) -> str:
    (index,) = [i for i, c in enumerate(commands) if command in c]
    return results[index]


def test_every_block_of_the_tutorial_is_a_command_a_file_or_sample_output():
    kinds = {(lang, info.startswith("file=")) for lang, info, _ in blocks(TUTORIAL.read_text())}
    assert {k for k in kinds if not k[1]} <= {("sh", False), ("text", False)}
    assert "[tutorial](docs/tutorial.md)" in (ROOT / "README.md").read_text()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the tutorial posts leads with curl")
def test_the_tutorial_runs_from_start_to_finish(tmp_path):
    pytest.importorskip("aiosmtpd")
    text = TUTORIAL.read_text()
    assert "8700" in text and "1025" in text
    text = re.sub(r"\b8700\b", str(free_port()), text)
    text = re.sub(r"\b1025\b", str(free_port()), text)
    script, commands = script_of(text)
    (tmp_path / "tutorial.sh").write_text(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.Popen(
        ["bash", "tutorial.sh"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # the server and the sink it starts are in its group
    )
    try:
        out, _ = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        out = "(timed out after 240 s)\n" + proc.communicate()[0]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # a server or sink a failed step left running
    workspace = tmp_path / "fjord"
    logs = "".join(
        f"\n--- {name}\n{(workspace / name).read_text()}"
        for name in ("serve.log", "sink.log")
        if (workspace / name).exists()
    )
    assert proc.returncode == 0, out + logs
    results = outputs(out, len(commands))

    check = output_of(commands, results, "baton check")
    (team,) = [line for line in check.splitlines() if line.startswith("round robin team ae-eu")]
    members, _, left_out = team.partition("left out")
    assert "emma-vogel" in members and "jonas-meyer" in members and "lukas-brandt" in left_out
    assert "emma-vogel" in output_of(commands, results, "baton route 1 --explain")

    engine = create_engine(f"sqlite:///{workspace / '.baton' / 'baton.db'}")
    with engine.connect() as conn:
        owners = dict(conn.execute(select(leads.c.email, leads.c.owner_id)).all())
    engine.dispose()
    assert owners == {
        "lea@paris-shop.fr": "emma-vogel",  # the Europe team's round robin; not Lukas
        "jo@globex.com": "emma-vogel",  # the named account's owner
        "sam@acme-widgets.com": "omar-diaz",  # weight 2 in sdr-us: first
        "dee@drill.example": "lily-chen",
    }

    mail = [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in mail_files(workspace)
    ]
    assert mail and {m["To"] for m in mail} == {"ravi@fjord.example"}  # silent mode
    assert {"sla.notice", "sla.miss"} <= {m["X-Baton-Alert-Kind"] for m in mail}

    report = run_baton("-w", str(workspace), "report", "sla", "--json", cwd=tmp_path, env=env)
    assert report.code == 0, report.err
    sla = json.loads(report.out)
    assert sla["hit"] == 1 and sla["miss"] >= 1  # Emma's call in time; the drill's miss


def mail_files(workspace: Path) -> list[Path]:
    return sorted((workspace / "mail" / "new").iterdir())
