"""Which phases of the week the size-independent cost sits in, and so what stacking only some
of them could save.

Each phase of `CareModel.step` is timed at several district sizes (bundled scenarios scaled as
in throughput.py, no warm-up, one process per size, the best of `--repeats` runs per phase),
and a straight line through its seconds a week against the present citizens gives the phase's
fixed part (the intercept: what stacking could remove) and its cost per citizen-week (the
slope: what stacking leaves). The citizen-side phases (arrivals and departures, need dynamics,
crises, help-seeking and the record) work on whole arrays and would be the easy ones to stack;
the care and staff phases are the queues, pathways and services. The last line is what
stacking R replications of the default district would save if it covered only the citizen-side
phases, as a share of a default run, against what it would save covering every phase.

    python benchmarks/phase_costs.py [--sizes 1000 2000 4000 8000] [--stack 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PHASES = ("arrivals_and_departures", "need_dynamics", "crises", "help_seeking", "care", "staff",
          "record")  # fmt: skip
CITIZEN_SIDE = ("arrivals_and_departures", "need_dynamics", "crises", "help_seeking", "record")
DEFAULT_CITIZENS = 3000


def phase_seconds(care_model: str, citizens: int, weeks: int, repeats: int) -> dict[str, float]:
    """Seconds a week in each phase (the best run of `repeats` for each), and present
    citizen-weeks a week."""
    sys.path.insert(0, str(HERE))
    from throughput import scaled_scenario

    from relsim.model import CareModel

    scenario = scaled_scenario(care_model, citizens, weeks)
    best: dict[str, float] = defaultdict(lambda: float("inf"))
    citizen_weeks = 0.0
    for replication in range(repeats + 1):  # the first warms imports and caches
        spent: dict[str, float] = defaultdict(float)
        model = CareModel(scenario, replication, seed=1, record_journeys=False,
                          record_series=False)  # fmt: skip
        for phase in PHASES:
            setattr(model, phase, _timed(getattr(model, phase), phase, spent))
        for _ in range(model.final_week):
            model.step()
        if replication == 0:
            continue
        for phase in PHASES:
            best[phase] = min(best[phase], spent[phase] / weeks)
        citizen_weeks = float(model.tally["citizen_weeks"]) / weeks
    return {**best, "citizen_weeks_per_week": citizen_weeks}


def _timed(method, name: str, spent: dict[str, float]):
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start

    return timed


def in_child(*args: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", *args]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--models", nargs="+", default=["assess_do_refer", "liberated"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stack", type=int, default=10)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        model, citizens, weeks, repeats = args.child
        print(json.dumps(phase_seconds(model, int(citizens), int(weeks), int(repeats))))
        return
    for model in args.models:
        runs = [
            in_child(model, str(size), str(args.weeks), str(args.repeats)) for size in args.sizes
        ]
        present = np.array([run["citizen_weeks_per_week"] for run in runs])
        fixed, per_citizen = {}, {}
        for phase in PHASES:
            slope, intercept = np.polyfit(present, [run[phase] for run in runs], 1)
            fixed[phase], per_citizen[phase] = intercept, slope
        default = in_child(model, str(DEFAULT_CITIZENS), str(args.weeks), str(args.repeats))
        week = sum(default[phase] for phase in PHASES)
        share = 1 - 1 / args.stack
        citizen_side = sum(fixed[p] for p in CITIZEN_SIDE) * share / week
        every_phase = sum(fixed.values()) * share / week
        print(json.dumps({
            "care_model": model,
            "fixed_ms_per_week": {p: round(fixed[p] * 1e3, 3) for p in PHASES},
            "us_per_citizen_week": {p: round(per_citizen[p] * 1e6, 4) for p in PHASES},
            "default_week_ms": round(week * 1e3, 3),
            f"stacking_{args.stack}_saves_citizen_side_only": round(citizen_side, 3),
            f"stacking_{args.stack}_saves_every_phase": round(every_phase, 3),
            "load_average": round(os.getloadavg()[0], 1),
        }))  # fmt: skip


if __name__ == "__main__":
    main()
