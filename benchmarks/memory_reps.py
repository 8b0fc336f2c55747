"""Peak memory of `relsim run --out` as replications are added: it should not grow with --reps.

Each run is its own process with one worker (so the peak is one process's maximum resident set
size, read by the parent after it ends); the bundled baseline is scaled as in throughput.py.

    python benchmarks/memory_reps.py --citizens 100000 --weeks 260 --reps 1 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def peak_mb(citizens: int, weeks: int, reps: int) -> dict:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from throughput import scaled_scenario

    scenario = scaled_scenario("assess_do_refer", citizens, weeks)
    sets = [
        f"population.citizens={citizens}",
        f"population.arrivals_per_week={scenario.population.arrivals_per_week!r}",
        f"workforce.workers={scenario.workforce.workers}",
        f"time.weeks={weeks}",
        "time.warmup_weeks=0",
    ]
    with tempfile.TemporaryDirectory() as directory:
        command = [sys.executable, "-m", "relsim", "run", "baseline", "--reps", str(reps)]
        command += ["--workers", "1", "--out", os.path.join(directory, "out")]
        for item in sets:
            command += ["--set", item]
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(command, check=True, capture_output=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        size = os.path.getsize(os.path.join(directory, "out", "journeys.parquet"))
    return {
        "citizens": citizens,
        "weeks": weeks,
        "reps": reps,
        "seconds": round(time.perf_counter() - start, 1),
        "peak_mb": round(max(peak, before) / 1024),
        "journeys_mb": round(size / 2**20),
        "load": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=20000)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--reps", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    # RUSAGE_CHILDREN keeps the largest child so far: measure the smallest --reps first.
    for reps in sorted(args.reps):
        print(json.dumps(peak_mb(args.citizens, args.weeks, reps)), flush=True)


if __name__ == "__main__":
    main()
