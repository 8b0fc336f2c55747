"""Throughput and peak memory of relsim against the simplest possible Mesa loop.

Each configuration runs in its own process so that peak memory (max resident set size) belongs
to that configuration alone. The Mesa reference loop (every agent draws one random number per
step, activated by `shuffle_do`) runs alongside at the same sizes, so the ratio of the two rates
is comparable across machines.

    python benchmarks/throughput.py                      # 2,000, 20,000 and 100,000 citizens
    python benchmarks/throughput.py --sizes 20000 --weeks 52
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

BASE_CITIZENS = 3000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure_relsim(care_model: str, citizens: int, weeks: int) -> dict:
    from relsim.config import load_scenario
    from relsim.runner import simulate

    scenario_file = "liberated.yaml" if care_model == "liberated" else "baseline.yaml"
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
    base = load_scenario(os.path.join(root, scenario_file))
    scale = citizens / BASE_CITIZENS
    scenario = load_scenario(
        os.path.join(root, scenario_file),
        [
            f"population.citizens={citizens}",
            f"population.arrivals_per_week={base.population.arrivals_per_week * scale}",
            f"workforce.workers={max(1, round(base.workforce.workers * scale))}",
            f"time.weeks={weeks}",
            "time.warmup_weeks=0",
        ],
    )
    start = time.perf_counter()
    model = simulate(scenario, seed=1, replication=0, journeys=False)
    seconds = time.perf_counter() - start
    citizen_weeks = model.tally["citizen_weeks"]
    return {
        "what": f"relsim {care_model}",
        "citizens": citizens,
        "weeks": weeks,
        "seconds": round(seconds, 2),
        "units_per_second": round(citizen_weeks / seconds),
        "peak_mb": round(_peak_mb()),
    }


def measure_mesa_loop(agents: int, steps: int) -> dict:
    import mesa

    class Drawer(mesa.Agent):
        def step(self) -> None:
            self.value = self.rng.random()

    class Loop(mesa.Model):
        def __init__(self) -> None:
            super().__init__(rng=1)
            Drawer.create_agents(self, agents)

        def step(self) -> None:
            self.agents.shuffle_do("step")

    start = time.perf_counter()
    model = Loop()
    for _ in range(steps):
        model.step()
    seconds = time.perf_counter() - start
    return {
        "what": "mesa reference loop",
        "citizens": agents,
        "weeks": steps,
        "seconds": round(seconds, 2),
        "units_per_second": round(agents * steps / seconds),
        "peak_mb": round(_peak_mb()),
    }


def _child(args: argparse.Namespace) -> None:
    if args.child == "mesa":
        result = measure_mesa_loop(args.citizens, args.weeks)
    else:
        result = measure_relsim(args.child, args.citizens, args.weeks)
    print(json.dumps(result))


def _run_child(kind: str, citizens: int, weeks: int) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--citizens",
            str(citizens),
            "--weeks",
            str(weeks),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--models", nargs="+", default=["assess_do_refer", "liberated"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--citizens", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print results as JSON lines")
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    rows = []
    for size in args.sizes:
        reference = _run_child("mesa", size, args.weeks)
        rows.append({**reference, "ratio": 1.0})
        for model in args.models:
            result = _run_child(model, size, args.weeks)
            result["ratio"] = round(result["units_per_second"] / reference["units_per_second"], 2)
            rows.append(result)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    print(
        "| what | citizens (agents) | weeks (steps) | seconds | citizen-weeks (agent-steps) per s "
        "| ratio to Mesa loop | peak MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['what']} | {r['citizens']:,} | {r['weeks']} | {r['seconds']} | "
            f"{r['units_per_second']:,} | {r['ratio']} | {r['peak_mb']:,} |"
        )


if __name__ == "__main__":
    main()
