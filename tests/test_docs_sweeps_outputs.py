"""The worked example of docs/sweeps.md ("A first sweep" and "Reading the results with pandas")
shows what its commands print with today's model: its first point, rerun, gives the numbers the
guide prints, to the digits it prints them. The guide's Morris, Sobol' and discovery examples
are too costly to rerun here; a change that fails this test moves them too, so rerun every
command of the guide and replace its outputs."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np

from relsim.config import load_scenario
from relsim.runner import RunResult, run_replications
from relsim.stats import mean_ci95

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "sweeps.md").read_text()


def printed_row(point: int) -> list[str]:
    """The `relsim sweep-summary` row the guide prints for `point`."""
    block = GUIDE.split("crisis_events_per_citizen_year_mean", 1)[1].split("```", 1)[0]
    rows = [line.split() for line in block.splitlines() if line.strip()[:1].isdigit()]
    return next(row for row in rows if row[0] == str(point))


@cache
def point_runs(friction: float) -> tuple[RunResult, ...]:
    """A point of the first sweep at continuity 0.2, as the sweep runs it (the scenario's seed,
    replications 0 to 9)."""
    scenario = load_scenario(
        ROOT / "scenarios" / "baseline.yaml", [f"referral_friction={friction}", "continuity=0.2"]
    )
    return tuple(run_replications(scenario, 10, scenario.seed, workers=1))


def metric_at(friction: float, metric: str) -> list[float]:
    return [r.metrics[metric] for r in point_runs(friction)]


def test_the_first_sweep_prints_what_the_guide_shows() -> None:
    friction, continuity = 0.2, 0.2
    row = printed_row(0)
    assert (float(row[1]), float(row[2])) == (friction, continuity)
    for printed, metric in zip(
        row[5:7], ("crisis_events_per_citizen_year", "total_cost_per_citizen_year"), strict=True
    ):
        mean = float(np.mean(metric_at(friction, metric)))
        assert f"{mean:.6f}" == printed, (metric, mean)
    wait = float(np.mean(metric_at(friction, "mean_wait_weeks")))
    table = GUIDE.split("continuity          0.2   0.8", 1)[1].split("```", 1)[0]
    assert re.search(rf"^0\.2\s+{wait:.2f}\s", table, re.MULTILINE), wait


def test_the_paired_example_prints_what_the_guide_shows() -> None:
    """Its first line: referral friction 0.8 against 0.2 at continuity 0.2, paired."""
    costs = [metric_at(friction, "total_cost_per_citizen_year") for friction in (0.2, 0.8)]
    d = mean_ci95([b - a for a, b in zip(*costs, strict=True)])
    low, high = d["ci95"]
    line = f"continuity 0.2: {d['mean']:+.0f} GBP (95% CI {low:+.0f} to {high:+.0f})"
    assert line in GUIDE
