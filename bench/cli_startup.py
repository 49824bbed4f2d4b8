"""How long `baton --version` and `baton --help` take to start, against the interpreter's
own start-up (`python -c pass`) measured in the same run.

    .venv/bin/python bench/cli_startup.py [--runs 21]

Each figure is the median wall time of a fresh process (the console script the README
installs, so its own imports count); one warm-up run of each is discarded.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median, percentile

BATON = str(Path(sys.executable).with_name("baton"))
CASES = {
    "`python -c pass` (baseline)": [sys.executable, "-c", "pass"],
    "`baton --version`": [BATON, "--version"],
    "`baton --help`": [BATON, "--help"],
}


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    print(machine())
    print(f"runs: {args.runs} each (after one warm-up), interleaved; {BATON}")
    for command in CASES.values():
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, command in CASES.items():
            times[name].append(timed(command))
    baseline = median(times["`python -c pass` (baseline)"])
    for name, values in times.items():
        ratio = median(values) / baseline
        print(
            f"{name:<30} median {median(values) * 1000:7.1f} ms   "
            f"p90 {percentile(values, 90) * 1000:7.1f} ms   ({ratio:4.1f}x baseline)"
        )


if __name__ == "__main__":
    main()
