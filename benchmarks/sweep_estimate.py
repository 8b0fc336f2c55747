"""How long a 1,000-run sweep of the default district takes, measured on smaller sweeps.

The same grid (8 points over referral friction and continuity, the bundled baseline district
at full size) is run with `--reps` r1 and r2 on N workers; the wall time is a fixed part (the
worker pool starting, the store) plus a part per run, so a straight line through the two
measurements, evaluated at 1,000 runs, is the estimate. Each size is measured `--repeats` times
in turn and the medians are used; the load average is reported with them. `--set` changes the
district (the tests run it tiny).

    python benchmarks/sweep_estimate.py [--workers 2] [--reps 2 6] [--set KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from relsim.config.loading import load_raw
from relsim.sweep.design import grid_design
from relsim.sweep.run import SweepPlan, run_sweep

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"
GRID = ["referral_friction=0.1,0.3,0.5,0.7", "continuity=0.2,0.8"]
POINTS = 8
TARGET_RUNS = 1000


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
    parser.add_argument("--reps", type=int, nargs=2, default=[2, 6])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    small, large = args.reps
    seconds: dict[int, list[float]] = {small: [], large: []}
    loads = []
    for _ in range(args.repeats):
        for reps in (small, large):
            loads.append(os.getloadavg()[0])
            seconds[reps].append(timed(args.workers, reps, args.set))
    t_small, t_large = (statistics.median(seconds[r]) for r in (small, large))
    per_run = (t_large - t_small) / (POINTS * (large - small))
    fixed = t_small - per_run * POINTS * small
    print(
        json.dumps(
            {
                "workers": args.workers,
                "runs": {POINTS * small: t_small, POINTS * large: t_large},
                "all_seconds": seconds,
                "seconds_per_run": round(per_run, 3),
                "fixed_seconds": round(fixed, 2),
                f"estimate_{TARGET_RUNS}_runs_minutes": round(
                    (fixed + per_run * TARGET_RUNS) / 60, 1
                ),
                "load_average": round(statistics.median(loads), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
