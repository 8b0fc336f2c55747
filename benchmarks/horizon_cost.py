"""Cost per present citizen-week in year 10 against year 1 (issue 14: within 10 %).

A district runs for ten years (no warm-up: week 1 is the first measured week). Every week's
step is timed; the cost per present citizen-week of a year is its steps' time divided by the
citizen-weeks present in it. The rows the arrays hold (present or departed) are reported
beside it, since every per-row pass covers them all: with the scenario's `citizen_draws` at
by_citizen (the default) those of people who have left are dropped; at by_row they never are.

    python benchmarks/horizon_cost.py                          # bundled baseline, 3,000 citizens
    python benchmarks/horizon_cost.py --scenario liberated --citizens 20000 --repeats 3
    python benchmarks/horizon_cost.py --citizen-draws by_row
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

WEEKS_PER_YEAR = 52
YEARS = 10


def measure(care_model: str, citizens: int, citizen_draws: str = "by_citizen") -> dict:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from throughput import scaled_scenario

    from relsim.blas import one_blas_thread
    from relsim.model import CareModel

    scenario = scaled_scenario(care_model, citizens, WEEKS_PER_YEAR * YEARS)
    scenario = scenario.model_copy(update={"citizen_draws": citizen_draws})
    model = CareModel(scenario, replication=0, seed=1, record_journeys=False)
    seconds, present, rows = [], [], []
    with one_blas_thread():
        for _ in range(model.final_week):
            start = time.perf_counter()
            model.step()
            seconds.append(time.perf_counter() - start)
            present.append(int(model.citizens.present[: model.citizens.n].sum()))
            rows.append(model.citizens.n)

    def year(k: int) -> dict:
        weeks = slice(k * WEEKS_PER_YEAR, (k + 1) * WEEKS_PER_YEAR)
        return {
            "microseconds_per_present_citizen_week": 1e6
            * sum(seconds[weeks])
            / sum(present[weeks]),
            "rows_per_present_citizen": statistics.mean(rows[weeks])
            / statistics.mean(present[weeks]),
        }

    first, last = year(0), year(YEARS - 1)
    return {
        "care_model": care_model,
        "citizens": citizens,
        "citizen_draws": citizen_draws,
        "year_1": first,
        "year_10": last,
        "ratio": last["microseconds_per_present_citizen_week"]
        / first["microseconds_per_present_citizen_week"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", choices=["assess_do_refer", "liberated"], default="assess_do_refer"
    )
    parser.add_argument("--citizens", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--citizen-draws", choices=["by_row", "by_citizen"], default="by_citizen")
    args = parser.parse_args()
    runs = [measure(args.scenario, args.citizens, args.citizen_draws) for _ in range(args.repeats)]
    ratios = [run["ratio"] for run in runs]
    print(json.dumps({**runs[0], "ratio": statistics.median(ratios), "ratios": ratios}, indent=1))


if __name__ == "__main__":
    main()
