"""Regenerate tests/data/regression_baseline.json: the summary metrics of a fixed, small run of
the bundled baseline and liberated scenarios, which tests/test_regression.py compares against.

Run it only when a change to the model's results is intended, then review the differences and
commit the new file with the change that caused them:

    python scripts/regenerate_regression.py          # writes tests/data/regression_baseline.json
    python scripts/regenerate_regression.py --check  # compares without writing; exit 1 on change
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml

from relsim.config import load_scenario
from relsim.runner import run_one

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "tests" / "data" / "regression_baseline.json"
SCENARIO_FILES = ("scenarios/baseline.yaml", "scenarios/liberated.yaml")
SEED = 12345
REPLICATIONS = 2
CITIZENS = 800
BUNDLED_CITIZENS = 3000
COMMON_SETS = (f"population.citizens={CITIZENS}", "time.weeks=104", "time.warmup_weeks=26")
NOTE = (
    "Summary metrics of a fixed small run (scenario files with the overrides listed, seed "
    f"{SEED}, replications 0..{REPLICATIONS - 1}), compared by tests/test_regression.py with a "
    "relative tolerance of 1e-9; NaN is stored as null. Regenerate only deliberately, when a "
    "change to the model's results is intended: python scripts/regenerate_regression.py"
)


def bundled_workers(relative: str) -> int:
    """workforce.workers as the scenario file (with its extends chain) sets it."""
    return load_scenario(REPO / relative).workforce.workers


def overrides_for(relative: str) -> list[str]:
    """The --set overrides for one scenario: smaller district, staff scaled with it."""
    workers = round(bundled_workers(relative) * CITIZENS / BUNDLED_CITIZENS)
    return [*COMMON_SETS, f"workforce.workers={workers}"]


def encode(value: float) -> float | None:
    return None if math.isnan(value) else value


def run_case(relative: str, overrides: list[str], seed: int, replications: int) -> list[dict]:
    scenario = load_scenario(REPO / relative, sets=overrides)
    return [
        {
            "replication": r,
            "metrics": {k: encode(v) for k, v in run_one(scenario, seed, r).metrics.items()},
        }
        for r in range(replications)
    ]


def compute() -> dict[str, Any]:
    scenarios = {}
    for relative in SCENARIO_FILES:
        overrides = overrides_for(relative)
        scenarios[Path(relative).stem] = {
            "file": relative,
            "overrides": overrides,
            "runs": run_case(relative, overrides, SEED, REPLICATIONS),
        }
    return {
        "note": NOTE,
        "seed": SEED,
        "replications": REPLICATIONS,
        "scenario_file_contents": {
            rel: yaml.safe_load((REPO / rel).read_text()) for rel in SCENARIO_FILES
        },
        "scenarios": scenarios,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = compute()
    text = json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n"
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output}: differs from a fresh run", file=sys.stderr)
            return 1
        print(f"{args.output}: up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
