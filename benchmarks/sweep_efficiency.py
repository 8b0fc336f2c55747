"""Parallel efficiency of a sweep: the same design with one worker and with N workers.

efficiency = time(1 worker) / (N x time(N workers)); 1.0 is perfect scaling. The runs are the
bundled baseline district at full size (3,000 citizens, 52 + 260 weeks), 16 of them, as in a
real sweep; pool start-up (about two seconds) is then a small part of the time.

    python benchmarks/sweep_efficiency.py [--workers 2]
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
SETS: list[str] = []
GRID = ["referral_friction=0.1,0.3,0.5,0.7", "continuity=0.2,0.8"]


def timed(workers: int, reps: int) -> float:
    base = load_raw(SCENARIO, SETS)
    plan = SweepPlan(str(SCENARIO), base, grid_design(GRID), "grid", {"grid": GRID}, reps, 1)
    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        run_sweep(plan, Path(directory) / "sweep", workers=workers)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    serial = timed(1, args.reps)
    parallel = timed(args.workers, args.reps)
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
