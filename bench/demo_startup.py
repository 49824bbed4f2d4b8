"""How long the README's `baton demo` takes: to answer, and to have its history in.

Three figures, each the median of ``--runs`` fresh demo folders:

- `baton demo DIR --port P`: seconds until the first HTTP answer (a page saying how far
  the history is), and until the history is loaded (the dashboard opens);
- `baton demo DIR --no-serve`: seconds to create and load the demo, nothing served.

Baseline in the same run: `baton --version` (interpreter + CLI start-up).

    .venv/bin/python bench/demo_startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median

BATON = [sys.executable, "-m", "baton"]


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served(folder: Path) -> tuple[float, float]:
    """Seconds from `baton demo` to its first HTTP answer, and to its history loaded."""
    port, log = free_port(), folder / "demo.log"
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*BATON, "demo", str(folder / "demo"), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        answered = None
        while "history loaded" not in log.read_text():
            if proc.poll() is not None:
                raise RuntimeError(log.read_text())
            if answered is None:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                    answered = time.perf_counter() - started
                except httpx.HTTPError:
                    pass
            time.sleep(0.05)
        return answered or time.perf_counter() - started, time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    startup = [timed([*BATON, "--version"]) for _ in range(args.runs)]
    answers, histories, no_serve = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            answer, history = served(Path(tmp))
            answers.append(answer)
            histories.append(history)
        with tempfile.TemporaryDirectory() as tmp:
            no_serve.append(timed([*BATON, "demo", str(Path(tmp) / "demo"), "--no-serve"]))
    print(
        f"runs: {args.runs}; SQLite; 400 accounts, 5,000 leads, 150 opportunities, "
        "~7,700 activities through the normal intake"
    )
    print(f"baseline `baton --version`                {median(startup):6.2f} s")
    print(f"`baton demo`: first HTTP answer           {median(answers):6.2f} s")
    print(f"`baton demo`: history loaded              {median(histories):6.2f} s")
    print(
        f"`baton demo DIR --no-serve`               {median(no_serve):6.2f} s   "
        f"({median(no_serve) / median(startup):.0f}x baseline)"
    )


if __name__ == "__main__":
    main()
