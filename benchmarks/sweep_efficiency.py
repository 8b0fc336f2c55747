"""Parallel efficiency of a sweep: the same design with one worker and with N workers.

efficiency = time(1 worker) / (N x time(N workers)); 1.0 is perfect scaling. The runs are the
bundled baseline district at full size (3,000 citizens, 104 + 260 weeks), 16 of them, as in a
real sweep; pool start-up (about a second) is then a small part of the time. `--set` changes
the district (the tests run it tiny).

    python benchmarks/sweep_efficiency.py [--workers 2] [--set KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from relsim.config.loading import load_raw
from relsim.sweep.design import grid_design
from relsim.sweep.run import SweepPlan, run_sweep

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"
GRID = ["referral_friction=0.1,0.3,0.5,0.7", "continuity=0.2,0.8"]


def timed(workers: int, reps: int, sets: list[str]) -> float:
    base = load_raw(SCENARIO, sets)
    plan = SweepPlan(str(SCENARIO), base, grid_design(GRID), "grid", {"grid": GRID}, reps, 1)
    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        run_sweep(plan, Path(directory) / "sweep", workers=workers)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    serial = timed(1, args.reps, args.set)
    parallel = timed(args.workers, args.reps, args.set)
    runs = 8 * args.reps
    print(
        json.dumps(
            {
                "runs": runs,
                "seconds_1_worker": round(serial, 2),
                f"seconds_{args.workers}_workers": round(parallel, 2),
                "speed_up": round(serial / parallel, 2),
                "parallel_efficiency": round(serial / (args.workers * parallel), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
