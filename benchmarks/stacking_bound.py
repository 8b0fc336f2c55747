"""The most stacked replications could gain: a week's cost against the district's size.

A week costs a part that does not depend on the district's size (the many small NumPy calls each
pathway and service makes) plus a part per citizen. Stacking R replications of n citizens into
one vectorised model would at best remove the first and leave each replication the per-citizen
cost of a district of R x n citizens: the marginal cost per citizen-week measured between the
two sizes around R x n. This script measures a week's cost at several sizes (process time, best
of `--repeats`, one process per size), the marginal costs between them, and from them two upper
bounds: relsim's rate at `--stack-size` citizens with `--stack` replications stacked, against
the Mesa loop (throughput.py's, stdlib draws) at that size; and a 1,000-run sweep of the default
district (3,000 citizens, 104 + 260 weeks) on two workers. Real stacking adds its own costs
(splitting draws by replication, per-replication queues and counters), so it would do worse.

    python benchmarks/stacking_bound.py [--sizes 1000 2000 4000 8000 20000] [--stack 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DISTRICT = (3000, 104 + 260)
SWEEP_RUNS, SWEEP_WORKERS = 1000, 2


def week_cost(care_model: str, citizens: int, weeks: int, repeats: int) -> dict[str, float]:
    """Seconds of process time per week and present citizen-weeks per week (best run)."""
    sys.path.insert(0, str(HERE))
    from throughput import scaled_scenario

    from relsim.runner import simulate

    scenario = scaled_scenario(care_model, citizens, weeks)
    simulate(scenario, seed=1, replication=0, journeys=False)  # imports and caches warmed
    best, citizen_weeks = float("inf"), 0.0
    for replication in range(repeats):
        start = time.process_time()
        model = simulate(scenario, seed=1, replication=replication, journeys=False)
        seconds = time.process_time() - start
        if seconds < best:
            best, citizen_weeks = seconds, float(model.tally["citizen_weeks"])
    return {"seconds_per_week": best / weeks, "citizen_weeks_per_week": citizen_weeks / weeks}


def mesa_rate(citizens: int, weeks: int) -> float:
    sys.path.insert(0, str(HERE))
    from throughput import measure_mesa_loop

    return float(measure_mesa_loop(citizens, weeks)["units_per_second"])


def in_child(kind: str, *args: str) -> dict:
    """Each measurement in its own process, so none inherits another's memory or caches."""
    command = [sys.executable, __file__, "--child", kind, *args]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout)


def marginal_at(costs: list[tuple[int, dict[str, float]]], citizens: int) -> float:
    """Seconds per citizen-week added by one more citizen, between the measured sizes around
    `citizens` (the last pair beyond the largest)."""
    pairs = list(pairwise(cost for _, cost in costs))
    sizes = [size for size, _ in costs[1:]]
    low, high = next(
        (pair for pair, size in zip(pairs, sizes, strict=True) if citizens <= size), pairs[-1]
    )
    added = high["seconds_per_week"] - low["seconds_per_week"]
    return added / (high["citizen_weeks_per_week"] - low["citizen_weeks_per_week"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000, 20000])
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--models", nargs="+", default=["assess_do_refer", "liberated"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stack", type=int, default=10)
    parser.add_argument("--stack-size", type=int, default=2000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("values", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "relsim":
        model, citizens, weeks, repeats = args.values
        print(json.dumps(week_cost(model, int(citizens), int(weeks), int(repeats))))
        return
    if args.child == "mesa":
        print(json.dumps({"rate": mesa_rate(int(args.values[0]), int(args.values[1]))}))
        return

    mesa = in_child("mesa", str(args.stack_size), str(args.weeks))["rate"]
    for model in args.models:
        costs = [
            (size, in_child("relsim", model, str(size), str(args.weeks), str(args.repeats)))
            for size in sorted(args.sizes)
        ]
        stacked = args.stack * args.stack_size
        bound_rate = 1.0 / marginal_at(costs, stacked)
        default = in_child("relsim", model, *map(str, DEFAULT_DISTRICT), "1")
        run_seconds = (
            marginal_at(costs, args.stack * DEFAULT_DISTRICT[0])
            * default["citizen_weeks_per_week"]
            * DEFAULT_DISTRICT[1]
        )
        print(
            json.dumps(
                {
                    "care_model": model,
                    "ms_per_week": {s: round(c["seconds_per_week"] * 1e3, 3) for s, c in costs},
                    "marginal_us_per_citizen_week": {
                        f"{a}-{b}": round(marginal_at(costs, b) * 1e6, 3)
                        for (a, _), (b, _) in pairwise(costs)
                    },
                    f"stacked_{args.stack}x{args.stack_size}_bound_cw_per_s": round(bound_rate),
                    "mesa_loop_cw_per_s": round(mesa),
                    "bound_over_mesa": round(bound_rate / mesa, 2),
                    "default_run_seconds_now": round(
                        default["seconds_per_week"] * DEFAULT_DISTRICT[1], 2
                    ),
                    "default_run_seconds_bound": round(run_seconds, 2),
                    "sweep_1000_minutes_bound": round(
                        run_seconds * SWEEP_RUNS / SWEEP_WORKERS / 60, 1
                    ),
                    "load_average": round(os.getloadavg()[0], 1),
                }
            )
        )


if __name__ == "__main__":
    main()
