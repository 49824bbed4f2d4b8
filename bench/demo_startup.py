"""How long `baton demo DIR --no-serve` takes to create and load the demo company.

Baseline in the same run: `baton --version` (interpreter + CLI start-up).

    .venv/bin/python bench/demo_startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median

BATON = [sys.executable, "-m", "baton"]


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    startup = [timed([*BATON, "--version"]) for _ in range(args.runs)]
    demo = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            demo.append(timed([*BATON, "demo", str(Path(tmp) / "demo"), "--no-serve"]))
    print(
        f"runs: {args.runs}; SQLite; 400 accounts, 5,000 leads, 150 opportunities, ~7,900 activities through the normal intake"
    )
    print(f"baseline `baton --version`       {median(startup):6.2f} s")
    print(
        f"`baton demo DIR --no-serve`      {median(demo):6.2f} s   ({median(demo) / median(startup):.0f}x baseline)"
    )


if __name__ == "__main__":
    main()
