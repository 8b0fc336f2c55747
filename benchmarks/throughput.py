"""Throughput and peak memory of relsim against two references, measured interleaved.

- **mesa loop**: the simplest Mesa model a user writes: one agent per citizen, each drawing two
  numbers from the standard library's generator (`self.random`) per step, activated by
  `shuffle_do`. relsim / this says how much faster relsim is than writing the model naively.
- **physical limit** (benchmarks/physical_limit.py): relsim's own per-citizen-week array work
  (the same kernels, random draws and passes) with nothing else. relsim / this says how much of
  relsim's time goes to the citizen-week work itself.
- **mesa numpy loop** (`--references mesa_numpy`): the benchmark's first reference, kept because
  issue 8's throughput target ("at least 2x the plain Mesa loop") was set against it: one agent
  per citizen, each drawing one number from its NumPy generator (`self.rng`) per step, activated
  by `shuffle_do`.

Each measurement runs in its own process (peak memory is that process's maximum resident set
size). The machine may be shared, so the configurations are run in turn, `--repeats` times,
and each ratio is the median of the ratios within a round; the load average is reported. Rates
are per second of the process's CPU time (`--clock cpu`, the default since 2026-12-05: time
spent waiting for a core is left out); `--clock wall` gives wall time, as measured before.

    python benchmarks/throughput.py                      # 2,000, 20,000 and 100,000 citizens
    python benchmarks/throughput.py --sizes 20000 --weeks 52 --repeats 5
    python benchmarks/throughput.py --sizes 20000 --references mesa mesa_numpy limit
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relsim.config import Scenario

BASE_CITIZENS = 3000
REFERENCES = ("mesa", "limit")
CLOCK = os.environ.get("RELSIM_BENCHMARK_CLOCK", "cpu")  # set by --clock for the children
ALL_REFERENCES = ("mesa", "mesa_numpy", "limit")


class _Clocks:
    """Wall and CPU seconds of a block. CPU time leaves out the time the process waited for a
    core, which on a shared machine is most of what moves a measurement from round to round."""

    def __enter__(self) -> _Clocks:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def scaled_scenario(care_model: str, citizens: int, weeks: int) -> Scenario:
    """A bundled scenario scaled to `citizens`: arrivals and workforce grow in proportion
    (specialist capacity is per 1,000 citizens already); no warm-up."""
    from relsim.config import load_scenario

    scenario_file = "liberated.yaml" if care_model == "liberated" else "baseline.yaml"
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
    base = load_scenario(os.path.join(root, scenario_file))
    scale = citizens / BASE_CITIZENS
    return load_scenario(
        os.path.join(root, scenario_file),
        [
            f"population.citizens={citizens}",
            f"population.arrivals_per_week={(base.population.arrivals_per_week or 0.0) * scale}",
            f"workforce.workers={max(1, round(base.workforce.workers * scale))}",
            f"time.weeks={weeks}",
            "time.warmup_weeks=0",
        ],
    )


def measure_relsim(care_model: str, citizens: int, weeks: int) -> dict:
    from relsim.runner import simulate

    scenario = scaled_scenario(care_model, citizens, weeks)
    with _Clocks() as clocks:
        model = simulate(scenario, seed=1, replication=0, journeys=False)
    return _result(f"relsim {care_model}", citizens, weeks, clocks, model.tally["citizen_weeks"])


def measure_limit(citizens: int, weeks: int) -> dict:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from physical_limit import run

    scenario = scaled_scenario("assess_do_refer", citizens, weeks)
    with _Clocks() as clocks:
        reference = run(scenario)
    return _result("physical limit", citizens, weeks, clocks, reference.citizen_weeks)


def measure_mesa_loop(agents: int, steps: int, numpy_draws: bool = False) -> dict:
    import mesa

    class Citizen(mesa.Agent):
        def step(self) -> None:
            self.need = self.random.random()
            self.trust = self.random.random()

    class NumpyCitizen(mesa.Agent):
        def step(self) -> None:
            self.need = self.rng.random()

    class Loop(mesa.Model):
        def __init__(self) -> None:
            super().__init__(rng=1)
            (NumpyCitizen if numpy_draws else Citizen).create_agents(self, agents)

        def step(self) -> None:
            self.agents.shuffle_do("step")

    with _Clocks() as clocks:
        model = Loop()
        for _ in range(steps):
            model.step()
    what = "mesa numpy loop" if numpy_draws else "mesa loop"
    return _result(what, agents, steps, clocks, agents * steps)


def _result(what: str, citizens: int, weeks: int, clocks: _Clocks, units: float) -> dict:
    seconds = clocks.cpu if CLOCK == "cpu" else clocks.wall
    return {
        "what": what,
        "citizens": citizens,
        "weeks": weeks,
        "seconds": round(seconds, 3),
        "wall_seconds": round(clocks.wall, 3),
        "cpu_seconds": round(clocks.cpu, 3),
        "units_per_second": round(units / seconds),
        "peak_mb": round(_peak_mb()),
    }


def _child(args: argparse.Namespace) -> None:
    if args.child == "mesa":
        result = measure_mesa_loop(args.citizens, args.weeks)
    elif args.child == "mesa_numpy":
        result = measure_mesa_loop(args.citizens, args.weeks, numpy_draws=True)
    elif args.child == "limit":
        result = measure_limit(args.citizens, args.weeks)
    else:
        result = measure_relsim(args.child, args.citizens, args.weeks)
    print(json.dumps(result))


def _run_child(kind: str, citizens: int, weeks: int) -> dict:
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "RELSIM_BENCHMARK_CLOCK": CLOCK,
    }
    load_before = os.getloadavg()[0]
    command = [sys.executable, __file__, "--child", kind]
    out = subprocess.run(
        [*command, "--citizens", str(citizens), "--weeks", str(weeks)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = round((load_before + os.getloadavg()[0]) / 2, 1)
    return result


def measure_size(
    size: int, weeks: int, models: list[str], repeats: int, references: tuple[str, ...] = REFERENCES
) -> list[dict]:
    """Every configuration `repeats` times, in turn; medians, and ratios as medians of the
    ratios within each round."""
    kinds = [*references, *models]
    rounds: list[dict[str, dict]] = []
    for repeat in range(repeats):
        shift = repeat % len(kinds)  # rotate the order, so no configuration always runs first
        found = {}
        for kind in kinds[shift:] + kinds[:shift]:
            found[kind] = _run_child(kind, size, weeks)
            print(json.dumps(found[kind]), file=sys.stderr)
        rounds.append(found)
    rows = []
    for kind in kinds:
        runs = [r[kind] for r in rounds]
        row = {
            **runs[0],
            "seconds": round(statistics.median(r["seconds"] for r in runs), 3),
            "units_per_second": round(statistics.median(r["units_per_second"] for r in runs)),
            "peak_mb": max(r["peak_mb"] for r in runs),
            "load": round(statistics.median(r["load"] for r in runs), 2),
            "repeats": len(runs),
        }
        for reference in references:
            ratios = [
                r[kind]["units_per_second"] / r[reference]["units_per_second"] for r in rounds
            ]
            row[f"ratio_{reference}"] = round(statistics.median(ratios), 2)
            row[f"ratio_{reference}_range"] = [round(min(ratios), 2), round(max(ratios), 2)]
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--models", nargs="+", default=["assess_do_refer", "liberated"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--references", nargs="+", choices=ALL_REFERENCES, default=list(REFERENCES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--citizens", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print results as JSON lines")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="rates from process (CPU) time, the default since 2026-12-05, or wall time",
    )
    args = parser.parse_args()
    global CLOCK
    if not args.child:
        CLOCK = args.clock
    if args.child:
        _child(args)
        return
    rows = [
        row
        for size in args.sizes
        for row in measure_size(size, args.weeks, args.models, args.repeats, tuple(args.references))
    ]
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    print(f"rates per second of {'CPU' if CLOCK == 'cpu' else 'wall'} time")
    labels = {"mesa": "÷ mesa loop", "mesa_numpy": "÷ mesa numpy loop", "limit": "÷ limit"}
    references = args.references
    print(
        "| what | citizens | weeks | seconds | citizen-weeks per s | "
        + " | ".join(labels[r] for r in references)
        + " | peak MB | load |"
    )
    print("|---|---:|---:|---:|---:|" + "---:|" * len(references) + "---:|---:|")
    for r in rows:
        ratios = " | ".join(
            f"{r[f'ratio_{ref}']} ({r[f'ratio_{ref}_range'][0]}-{r[f'ratio_{ref}_range'][1]})"
            for ref in references
        )
        print(
            f"| {r['what']} | {r['citizens']:,} | {r['weeks']} | {r['seconds']} | "
            f"{r['units_per_second']:,} | {ratios} | {r['peak_mb']:,} | {r['load']} |"
        )


if __name__ == "__main__":
    main()
