"""Run every benchmark: bench/national_scale.py, then bench/load_and_faults.py.

Run (from the repository root; PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379):

    make bench                          # = .venv/bin/python bench/run_all.py
    .venv/bin/python bench/run_all.py --quick   # shorter: fewer repetitions, no write
                                                # benchmarks, 30 s load phases

The load test's HTTP client, httpx, is in the project's `dev` extra (`make bench` installs it).
Each script runs as its own process with a time limit, prints its table, and leaves its
figures in /tmp/innovasjonsradar-bench/*.json; see bench/RESULTS.md for the last recorded run.
Exit status: non-zero if either script reported mismatching numbers or failed integrity checks
(slow timings alone never fail the run).
"""

import argparse
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def run(script: str, extra: list[str], limit: int) -> int:
    print(f"\n=== {script} {' '.join(extra)} ===", flush=True)
    try:
        return subprocess.run(
            [sys.executable, str(BENCH / script), *extra], cwd=ROOT, timeout=limit
        ).returncode
    except subprocess.TimeoutExpired:
        print(f"{script}: stopped after {limit} s", flush=True)
        return 124


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        national = ["--reps", "3", "--publish-reps", "1"]
        load = ["--duration", "30", "--fault-duration", "40", "--restart-at", "10"]
    else:
        national, load = ["--writes"], []
    codes = [
        run("national_scale.py", national, limit=3600),
        run("load_and_faults.py", load, limit=1800),
    ]
    print(f"\nrun_all: exit codes {codes}")
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
