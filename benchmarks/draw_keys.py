"""What a whole run costs with a citizen's draws keyed by row and by citizen, in turn.

Each configuration runs both ways, `--repeats` times, in turn in one process; the best process
time of each is reported with their ratio (by citizen ÷ by row). The scaled runs are the
throughput benchmark's bundled scenarios scaled to a size with no warm-up; "default" is a
bundled scenario as shipped (3,000 citizens, two-year warm-up, five measured years).

    python benchmarks/draw_keys.py                                   # the README's table
    python benchmarks/draw_keys.py --runs 20000x260 default --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from relsim.blas import one_blas_thread
from relsim.config import Scenario, load_scenario
from relsim.model import CareModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from throughput import scaled_scenario

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
KEYS = ("by_row", "by_citizen")


def scenario_for(run: str, care_model: str) -> Scenario:
    if run == "default":
        name = "liberated.yaml" if care_model == "liberated" else "baseline.yaml"
        return load_scenario(os.path.join(ROOT, name))
    citizens, weeks = (int(part) for part in run.split("x"))
    return scaled_scenario(care_model, citizens, weeks)


def seconds(scenario: Scenario) -> float:
    model = CareModel(scenario, seed=1, record_journeys=False, record_series=False)
    with one_blas_thread():
        start = time.process_time()
        for _ in range(model.final_week):
            model.step()
        return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", default=["20000x260", "2000x260", "default"])
    parser.add_argument("--care-models", nargs="+", default=["assess_do_refer", "liberated"])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    for run in args.runs:
        for care_model in args.care_models:
            base = scenario_for(run, care_model)
            best = dict.fromkeys(KEYS, float("inf"))
            for _ in range(args.repeats):
                for key in KEYS:
                    scenario = base.model_copy(update={"citizen_draws": key})
                    best[key] = min(best[key], seconds(scenario))
            print(
                json.dumps(
                    {
                        "run": run,
                        "care_model": care_model,
                        **{f"{key}_seconds": round(best[key], 3) for key in KEYS},
                        "ratio": round(best["by_citizen"] / best["by_row"], 3),
                        "load_average": round(os.getloadavg()[0], 1),
                    }
                )
            )


if __name__ == "__main__":
    main()
