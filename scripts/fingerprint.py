"""Fingerprints of what six fixed runs produce (metrics, weekly series, journeys), to show that a
change meant to leave results alone does: run it before and after, and compare.

    python scripts/fingerprint.py > before.txt
    ... change the code ...
    python scripts/fingerprint.py --compare before.txt     exit 1, naming the runs that differ

The runs cover both care models, the hybrid with a demand shock, heavy staff turnover (handovers,
agency cover) and a district with no services. A fingerprint is the first 16 hex digits of the
SHA-256 of the output's text, so a difference in the last bit of any number shows. Floating-point
results can differ between machines (their BLAS kernels differ), so compare fingerprints made on
one machine; the regression baseline (tests/test_regression.py) is the check that travels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from relsim.config.loading import load_scenario
from relsim.runner import run_one

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SEED, REPLICATION = 7, 1
SHORT = ["time.weeks=60", "time.warmup_weeks=20"]
TURNOVER = ["time.weeks=60", "time.warmup_weeks=0", "population.citizens=800"]
RUNS: dict[str, tuple[str, list[str]]] = {
    "baseline": ("baseline.yaml", SHORT),
    "liberated": ("liberated.yaml", SHORT),
    "hybrid_shock": (
        "hybrid.yaml",
        [
            "time.weeks=80",
            "time.warmup_weeks=10",
            "demand_shock.start_week=20",
            "demand_shock.weeks=20",
            "demand_shock.demand_multiplier=1.3",
        ],
    ),
    "baseline_turnover": ("baseline.yaml", [*TURNOVER, "staff.turnover_per_year=0.9"]),
    "liberated_turnover": (
        "liberated.yaml",
        [*TURNOVER, "staff.turnover_per_year=0.9", "continuity=0.1"],
    ),
    "none": ("baseline.yaml", ["time.weeks=40", "time.warmup_weeks=0", "care_model=none"]),
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(name: str) -> str:
    """One line: the run's name, then fingerprints of its metrics, weekly series and journeys,
    and its number of journey events."""
    file, sets = RUNS[name]
    result = run_one(load_scenario(SCENARIOS / file, sets), SEED, REPLICATION, journeys=True)
    assert result.timeseries is not None and result.journeys is not None
    return " ".join(
        [
            name,
            _digest(json.dumps(result.metrics, sort_keys=True)),
            _digest(result.timeseries.to_csv(index=False)),
            _digest(result.journeys.to_csv(index=False)),
            str(len(result.journeys)),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(RUNS), action="append", help="these runs only")
    parser.add_argument("--compare", type=Path, help="fingerprints saved earlier, to check against")
    args = parser.parse_args()
    saved: dict[str, str] = {}
    if args.compare is not None:
        try:
            lines = args.compare.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            print(f"fingerprint: cannot read {args.compare}: {exc.strerror}", file=sys.stderr)
            return 2
        saved = {line.split(" ", 1)[0]: line for line in lines if line.strip()}
    differ = []
    for name in args.only or list(RUNS):
        line = fingerprint(name)
        print(line, flush=True)
        if args.compare is not None and saved.get(name) != line:
            differ.append(name)
    if differ:
        print(
            f"fingerprint: results differ from {args.compare}: {', '.join(differ)}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
